package org.codaasr.app.lm;

import org.codaasr.model.lm.ArpaLanguageModel;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.lm.LmState;
import org.codaasr.model.lm.LmUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the real model from the shared book text (about a minute). Run with -Pslow. */
@Tag("slow")
@Tag("shared-data")
class LanguageModelBuilderSlowTest {

    private static final Path SENTENCES = DataSets.bookText().orElse(Path.of("no-book-text"));

    @Test
    void buildsTheBookTextModel(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(SENTENCES), "shared data missing: the book text " + DataSets.BOOK_TEXT + " of the data folder");
        long started = System.nanoTime();
        Path arpa = LanguageModelBuilder.buildIfMissing(SENTENCES, dir.resolve("librivox-3gram.arpa.gz"),
                LmBuildConfig.defaults());
        double buildSeconds = (System.nanoTime() - started) / 1e9;
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpa);
        System.out.printf("built %s: %d bytes in %.1f s, %d words%n", arpa.getFileName(), Files.size(arpa),
                buildSeconds, lm.vocabularySize());
        assertEquals(LmBuildConfig.defaults().maxVocabulary() + 3, lm.vocabularySize());
        assertEquals(1.0, LanguageModelBuilderTest.totalProbability(lm, "IN", "THE"), 1e-3);
        LmState ofThe = lm.next(lm.next(lm.start(), "ONE"), "OF");
        assertTrue(lm.score(ofThe, "THE") > lm.score(ofThe, "OF"), "P(THE | ONE OF) > P(OF | ONE OF)");
    }

    @Test
    void buildsTheBookTextCharacterModel(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(SENTENCES), "shared data missing: the book text " + DataSets.BOOK_TEXT + " of the data folder");
        Path arpa = LanguageModelBuilder.buildIfMissing(SENTENCES, dir.resolve("librivox-char6gram.arpa.gz"),
                LmBuildConfig.characterDefaults());
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpa);
        assertEquals(LmUnit.CHARACTER, lm.unit());
        assertEquals(6, lm.order());
        assertEquals(1.0, LanguageModelBuilderTest.totalProbability(lm, "T", "H"), 1e-3);
        LmState th = lm.next(lm.next(lm.next(lm.start(), "\u2581"), "T"), "H");
        assertTrue(lm.score(th, "E") > lm.score(th, "Q") + 3.0, "P(E | _TH) >> P(Q | _TH)");
    }
}
