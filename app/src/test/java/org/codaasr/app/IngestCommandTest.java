package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.codaasr.ingest.MicrophoneSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IngestCommandTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new IngestCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    @Test
    void needsExactlyOneSource() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("exactly one of"), err.toString());
        assertEquals(2, run("--mic", "--librispeech", "x"));
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertEquals(2, run("--chunk-ms", "1", "some.wav"));
        assertTrue(err.toString().contains("chunkMs"), err.toString());
    }

    @Test
    void theWebSocketSourceNeedsATokenUnlessAuthIsExplicitlyOff() {
        assumeTrue(System.getenv("ASR_WEBSOCKET_TOKEN") == null, "ASR_WEBSOCKET_TOKEN is set");
        assertEquals(2, run("--websocket", "0", "--seconds", "1"));
        assertTrue(err.toString().contains("audio clients need a token") && err.toString().contains("--no-auth"),
                err.toString());
        assertEquals(2, run("--websocket", "0", "--seconds", "1", "--token-file", "no/such/token"));
        assertTrue(err.toString().contains("cannot read --token-file no/such/token"), err.toString());
    }

    @Test
    void eachInvocationIsItsOwnRunUnlessOneIsNamed() {
        assertTrue(IngestCommand.defaultRunId().matches("run-\\d{8}T\\d{6}Z"), IngestCommand.defaultRunId());
        assertEquals(2, run("--run-id", " ", "some.wav"));
        assertTrue(err.toString().contains("runId"), err.toString());
    }

    @Test
    void microphoneWithoutDeviceFailsWithAClearMessage() {
        assumeFalse(AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, MicrophoneSource.FORMAT)),
                "this machine has a microphone");
        assertEquals(1, run("--mic", "--seconds", "1"));
        assertTrue(err.toString().contains("no audio capture device"), err.toString());
    }

    @Test
    void missingInputFailsBeforeConnecting() {
        assertEquals(1, run("--bootstrap-servers", "127.0.0.1:1", "does-not-exist.wav"));
        assertTrue(err.toString().contains("does-not-exist.wav"), err.toString());
    }
}
