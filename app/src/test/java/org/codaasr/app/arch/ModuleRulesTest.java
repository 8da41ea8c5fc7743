package org.codaasr.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering, checked on the compiled classes of every module (the app module sees them all). The Maven
 * Enforcer rules in each module's pom keep the dependency graph in shape; these rules keep the code in shape, e.g.
 * that nothing reaches a class through a transitive dependency it should not have.
 */
class ModuleRulesTest {

    private static final String MODEL = "org.codaasr.model..";
    private static final String MESSAGES = "org.codaasr.messages..";
    private static final String INGEST = "org.codaasr.ingest..";
    private static final String STREAMS = "org.codaasr.streams..";
    private static final String EVAL = "org.codaasr.eval..";
    private static final String APP = "org.codaasr.app..";
    private static final String KAFKA = "org.apache.kafka..";
    private static final String PICOCLI = "picocli..";

    private static JavaClasses classes;

    @BeforeAll
    static void importProject() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.codaasr");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void asrModelIsAPureLibrary() {
        check(noClasses().that().resideInAPackage(MODEL).should().dependOnClassesThat()
                .resideInAnyPackage(MESSAGES, INGEST, STREAMS, EVAL, APP, KAFKA, PICOCLI, "javax.sound..")
                .because("asr-model is the recognizer library: no Kafka, command line, sound devices or other module"));
    }

    @Test
    void messagesDependOnNothingOfTheProject() {
        check(noClasses().that().resideInAPackage(MESSAGES).should().dependOnClassesThat()
                .resideInAnyPackage(MODEL, INGEST, STREAMS, EVAL, APP, PICOCLI)
                .because("records, serdes and topic names are the contract every module shares"));
    }

    @Test
    void ingestAndStreamsKnowNothingOfEachOther() {
        check(noClasses().that().resideInAPackage(INGEST).should().dependOnClassesThat()
                .resideInAnyPackage(STREAMS, EVAL, APP, PICOCLI));
        check(noClasses().that().resideInAPackage(STREAMS).should().dependOnClassesThat()
                .resideInAnyPackage(INGEST, EVAL, APP, PICOCLI));
    }

    @Test
    void evalNeedsNoKafka() {
        check(noClasses().that().resideInAPackage(EVAL).should().dependOnClassesThat()
                .resideInAnyPackage(MESSAGES, INGEST, STREAMS, APP, KAFKA, PICOCLI));
    }

    @Test
    void onlyTheAppModuleHasACommandLine() {
        check(noClasses().that().resideOutsideOfPackage(APP).should().dependOnClassesThat()
                .resideInAnyPackage(PICOCLI, APP));
    }
}
