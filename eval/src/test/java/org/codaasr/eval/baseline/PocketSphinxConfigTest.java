package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PocketSphinxConfigTest {

    @Test
    void defaultsPointAtTheDebianInstall() {
        PocketSphinxConfig c = PocketSphinxConfig.defaults();
        assertEquals(Path.of("/usr/bin/pocketsphinx_continuous"), c.binary());
        assertEquals(Path.of("/usr/share/pocketsphinx/model/en-us/en-us"), c.acousticModel());
        assertEquals(2, c.parallelism());
    }

    @Test
    void rejectsMoreThanTwoProcessesAndNonPositiveTimeouts() {
        PocketSphinxConfig c = PocketSphinxConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> c.withParallelism(3));
        assertThrows(IllegalArgumentException.class, () -> c.withParallelism(0));
        assertThrows(IllegalArgumentException.class, () -> c.withTimeout(Duration.ZERO));
    }

    @Test
    void missingInstallNamesTheFilesAndTheDebianPackages(@TempDir Path dir) {
        PocketSphinxConfig c = new PocketSphinxConfig(dir.resolve("pocketsphinx_continuous"), dir.resolve("en-us"),
                dir.resolve("en-us.lm.bin"), dir.resolve("cmudict-en-us.dict"), Duration.ofSeconds(5), 1);
        assertEquals(4, c.missingParts().size());
        PocketSphinxUnavailableException e = assertThrows(PocketSphinxUnavailableException.class,
                c::requireInstalled);
        assertTrue(e.getMessage().contains(dir.resolve("pocketsphinx_continuous").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install pocketsphinx pocketsphinx-en-us"), e.getMessage());
        assertThrows(PocketSphinxUnavailableException.class, () -> new PocketSphinxRecognizer(c));
    }
}
