package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new AsrCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void showsTheHelpOfNestedCommands() {
        assertEquals(0, run("help", "bench", "pipeline"));
        assertTrue(out.toString().startsWith("Usage: asr bench pipeline"), out.toString());
        assertTrue(out.toString().contains("--streams"), out.toString());
    }

    @Test
    void withoutACommandItShowsTheTopLevelHelp() {
        assertEquals(0, run("help"));
        assertTrue(out.toString().startsWith("Usage: asr "), out.toString());
        assertTrue(out.toString().contains("transcribe"), out.toString());
    }

    @Test
    void anUnknownCommandNamesWhatExists() {
        assertEquals(2, run("help", "bench", "nope"));
        assertTrue(err.toString().contains("unknown command 'nope' under 'asr bench'")
                && err.toString().contains("pipeline"), err.toString());
    }
}
