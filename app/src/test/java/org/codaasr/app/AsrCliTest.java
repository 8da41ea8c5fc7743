package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AsrCliTest {

    private static String name(String file) {
        return Path.of(file).getFileName().toString();
    }

    @Test
    void eachProcessLogsToAFileNamedAfterItsCommandAndPid() {
        assertEquals("coda-asr-streams-41.log",
                name(AsrCli.defaultLogFile(new String[] {"--verbose", "streams", "--bootstrap-servers", "b:9092"}, 41)));
        assertEquals("coda-asr-broker-42.log", name(AsrCli.defaultLogFile(new String[] {"broker"}, 42)));
        assertEquals("coda-asr-asr-43.log", name(AsrCli.defaultLogFile(new String[] {"--help"}, 43)));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")),
                Path.of(AsrCli.defaultLogFile(new String[] {"demo"}, 1)).getParent());
    }

    @Test
    void twoInstancesOfOneCommandDoNotShareALogFile() {
        String[] args = {"streams", "--bootstrap-servers", "b:9092"};
        assertNotEquals(AsrCli.defaultLogFile(args, 100), AsrCli.defaultLogFile(args, 101));
    }

    @Test
    void aCommandNameCannotLeaveTheTemporaryDirectory() {
        assertEquals("coda-asr-_etc_passwd-7.log", name(AsrCli.defaultLogFile(new String[] {"../etc/passwd"}, 7)));
    }
}
