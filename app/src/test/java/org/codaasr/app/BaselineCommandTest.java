package org.codaasr.app;

import org.codaasr.eval.baseline.DevSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BaselineCommandTest {

    @Test
    void helpNamesTheCommandTheDefaultFolderAndTheModelOptions() {
        CommandLine cmd = new CommandLine(new BaselineCommand());
        String usage = cmd.getUsageMessage();
        assertTrue(usage.startsWith("Usage: baseline"), usage);
        assertEquals(null, cmd.getCommandSpec().positionalParameters().get(0).defaultValue(),
                "the dev set, else the demo set, is found from the installation when no folder is given");
        assertTrue(usage.replaceAll("\\s+", " ").contains("the dev set, else the shipped demo set"), usage);
        assertTrue(usage.contains("--model") && usage.contains("--markdown") && usage.contains("--limit"), usage);
    }

    @Test
    void oneUtteranceWithoutOurModelPrintsJsonAndWritesMarkdown(@TempDir Path dir) throws Exception {
        DevSet.assumePocketSphinx();
        Path tree = DevSet.treeOf(dir.resolve("tree"), DevSet.item(DevSet.SHORT_UTTERANCE));
        Path md = dir.resolve("baseline.md");
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = new CommandLine(new BaselineCommand()).execute(tree.toString(), "--limit", "1",
                    "--json", "--markdown", md.toString(), "--model", dir.resolve("no-model").toString(),
                    "--ps-processes", "1", "--decoder", "greedy");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code);
        String json = captured.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"ours_missing\" : \"our model is missing"), json);
        assertTrue(json.contains("\"system\" : \"pocketsphinx\""), json);
        String markdown = Files.readString(md);
        assertTrue(markdown.contains("| pocketsphinx |"), markdown);
        assertTrue(markdown.contains("our model is missing"), markdown);
    }
}
