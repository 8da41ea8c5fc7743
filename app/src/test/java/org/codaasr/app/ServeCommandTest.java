package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code asr serve}'s defaults and the access rules it refuses to break, before it connects to anything. */
class ServeCommandTest {

    @Test
    void defaultsToThePortsOfVoskAndSherpaOnnxOnLoopback() {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs();
        assertEquals(2700, command.ports.vosk);
        assertEquals(6006, command.ports.sherpaOnnx);
        assertEquals("127.0.0.1", command.access.listen);
        assertEquals(9464, command.metrics.port);
        assertEquals("localhost:9092", command.bootstrapServers);
    }

    @Test
    void refusesToRunWithoutATokenAndNoAuthOffLoopback() {
        assertTrue(run("--bootstrap-servers", "127.0.0.1:1").contains("need a token"),
                "without a token it names the options");
        String offLoopback = run("--bootstrap-servers", "127.0.0.1:1", "--no-auth", "--listen", "0.0.0.0");
        assertTrue(offLoopback.contains("--no-auth only works with a loopback --listen"), offLoopback);
    }

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertEquals(2, code, "a usage error: " + err);
        return err.toString();
    }
}
