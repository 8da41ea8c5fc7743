package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.codaasr.app.lm.DefaultLanguageModel;
import org.codaasr.model.corpus.DataSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./asr demo} as a new user first runs it, in a JVM of its own, started from another working folder with an
 * empty home folder (no cache): it finds its data and the shipped language model from the installation; what it
 * prints is progress, finals and the summary, last; no warnings, errors, stack traces or terminal escape codes; the
 * library chatter is in the log file the last line names.
 */
class DemoOutputIT {

    @Test
    void theDemoPrintsWhatAUserNeedsAndTheSummaryLast(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo.out");
        Path log = dir.resolve("demo.log");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        // the application's classpath as the asr launcher has it: not the tests' classes and their logging setup
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path emptyHome = Files.createDirectories(dir.resolve("home"));
        Process demo = new ProcessBuilder(javaBin, "-Dasr.log.file=" + log,
                "-Dasr.home=" + DataSets.home().toAbsolutePath(), "-Duser.home=" + emptyHome, "-cp", classpath,
                "org.codaasr.app.AsrCli", "demo", "--limit", "3", "--no-realtime")
                .directory(elsewhere.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!demo.waitFor(240, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
            throw new AssertionError("the demo did not finish within 240 s:\n" + Files.readString(out));
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, demo.exitValue(), printed);
        List<String> lines = printed.lines().filter(l -> !l.isBlank()).toList();
        for (String line : lines) {
            assertTrue(!line.contains("WARN") && !line.contains("ERROR") && !line.contains("Exception")
                    && !line.startsWith("\tat ") && line.indexOf('\u001b') < 0, "a line a user should not see: " + line);
        }
        int summary = lines.indexOf("=== summary ===");
        assertTrue(summary > 0, printed);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FINAL ")), "the finals are shown: " + printed);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("kafka ") && l.contains("+ shipped LM "
                + DefaultLanguageModel.SHIPPED.getFileName())), "it decodes with the shipped LM: " + printed);
        List<String> after = lines.subList(summary + 1, lines.size());
        assertTrue(after.get(0).startsWith("streams sent 3 ") && after.get(0).contains("completed 3, scored 3"),
                printed);
        assertTrue(after.stream().anyMatch(l -> l.startsWith("corpus WER ")), printed);
        assertTrue(after.stream().anyMatch(l -> l.startsWith("final latency ms: ")), printed);
        assertEquals("log: " + log + " (or run with --verbose)", lines.get(lines.size() - 1), "the last line");
        String chatter = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(chatter.contains("org.apache.kafka") || chatter.contains("o.a.k."),
                "Kafka's log went to the file:\n" + chatter.lines().limit(5).toList());
    }
}
