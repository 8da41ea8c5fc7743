package org.codaasr.model.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where data is found: from the installation folder or the data-folder setting, never from the working folder. */
class DataSetsTest {

    private String home;
    private String data;

    @BeforeEach
    void remember() {
        home = System.getProperty("asr.home");
        data = System.getProperty(DataSets.DATA_PROPERTY);
    }

    @AfterEach
    void restore() {
        set("asr.home", home);
        set(DataSets.DATA_PROPERTY, data);
    }

    private static void set(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void theShippedDemoSetHasTwoUtterancesOfEachDevSetSpeaker() {
        assertEquals(10, LibriSpeechSource.items(DataSets.demoSet()).size());
        assertTrue(Files.isRegularFile(DataSets.demoUtterance("1688-142285-0000")));
    }

    @Test
    void theDataFolderSettingHoldsTheDevSetAndTheDemoSetIsInTheInstallation(@TempDir Path dir) throws Exception {
        Path install = Files.createDirectories(dir.resolve("install"));
        Path data = dir.resolve("data");
        Path devSet = Files.createDirectories(data.resolve(DataSets.DEV_SET));
        set("asr.home", install.toString());
        set(DataSets.DATA_PROPERTY, data.toString());
        assertEquals(Optional.of(devSet.normalize()), DataSets.devSet().map(Path::normalize));
        assertEquals(install.resolve(DataSets.DEMO_SET), DataSets.demoSet());
    }

    @Test
    void withoutADevSetTheDemoSetStandsInAndSaysSo(@TempDir Path dir) {
        set("asr.home", dir.toString());
        set(DataSets.DATA_PROPERTY, dir.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path chosen = DataSets.devSetOrDemo(new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(dir.resolve(DataSets.DEMO_SET), chosen);
        String said = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("demo set") && said.contains(DataSets.DATA_ENV), said);
    }

    @Test
    void aDataFolderSettingThatIsNoFolderIsAnErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere");
        set(DataSets.DATA_PROPERTY, missing.toString());
        AsrException e = assertThrows(AsrException.class, DataSets::devSet);
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("expected the data folder"),
                e.getMessage());
    }
}
