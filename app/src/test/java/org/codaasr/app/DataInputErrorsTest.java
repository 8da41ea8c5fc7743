package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.corpus.DataSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data the user names that is not what a command needs: one error line naming the path and what was expected, exit 1. */
class DataInputErrorsTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");

    private record Run(int code, List<String> errors) {}

    private static Run run(String... args) {
        PrintStream err = System.err;
        StringWriter errors = new StringWriter();
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            int code = AsrCli.commandLine().setErr(new PrintWriter(errors, true)).execute(args);
            return new Run(code, errors.toString().lines().toList());
        } finally {
            System.setErr(err);
        }
    }

    private static void assertOneError(Run run, Path path, String expected) {
        assertEquals(1, run.code(), run.errors().toString());
        assertEquals(1, run.errors().size(), "one line: " + run.errors());
        String line = run.errors().get(0);
        assertTrue(line.startsWith("error: ") && line.contains(path.toString()) && line.contains(expected), line);
    }

    @Test
    void dataThatIsMissingIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-folder");
        assertOneError(run("demo", "--data", missing.toString()), missing, "expected a LibriSpeech split directory");
        assertOneError(run("bench", "pipeline", "--data", missing.toString()), missing,
                "expected a LibriSpeech split directory");
    }

    @Test
    void dataThatIsNotLibriSpeechIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a corpus\n");
        Files.createDirectories(dir.resolve("1688/142285"));
        assertOneError(run("demo", "--data", dir.toString()), dir, "expected <speaker>/<chapter>/*.trans.txt");
    }

    @Test
    void aDataFolderSettingThatIsNoFolderIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("data");
        String before = System.getProperty(DataSets.DATA_PROPERTY);
        System.setProperty(DataSets.DATA_PROPERTY, missing.toString());
        try {
            assertOneError(run("demo", "--limit", "1"), missing, "expected the data folder");
        } finally {
            if (before == null) {
                System.clearProperty(DataSets.DATA_PROPERTY);
            } else {
                System.setProperty(DataSets.DATA_PROPERTY, before);
            }
        }
    }

    @Test
    void aLanguageModelThatIsNotArpaIsNamed(@TempDir Path dir) {
        Path notArpa = dir.resolve("words.txt");
        Path audio = DataSets.demoUtterance("3005-163389-0007");
        try {
            Files.writeString(notArpa, "HELLO WORLD\nnot a language model\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertOneError(run("transcribe", "--model", TINY.toString(), "--lm", notArpa.toString(), audio.toString()),
                notArpa, "expected an ARPA language model");
    }
}
