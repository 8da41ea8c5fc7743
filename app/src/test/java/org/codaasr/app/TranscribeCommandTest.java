package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code asr transcribe} on real audio with the tiny test graph (greedy: the output shape is under test here). */
class TranscribeCommandTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    static final Path DIGIT = Path.of("../shared/data/fsdd/recordings/7_jackson_32.wav");

    private record Run(int code, String out, String err) {}

    private static Run run(InputStream stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            if (stdin != null) {
                System.setIn(stdin);
            }
            int code = new CommandLine(new TranscribeCommand()).setErr(new PrintWriter(usage)).execute(args);
            // the test logging configuration writes to standard output too: keep the command's own lines
            String own = o.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
                    .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
            return new Run(code, own, e.toString(StandardCharsets.UTF_8) + usage);
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    @Test
    void jsonForAFileAndSubtitlesForAFolderIntoAnOutputDir(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(DIGIT), "FSDD recordings missing");
        Run json = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "json", DIGIT.toString());
        assertEquals(0, json.code(), json.err());
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertEquals(DIGIT.toString(), n.get("file").asText());
        assertTrue(n.get("audioSeconds").asDouble() > 0.1, json.out());
        assertTrue(n.get("model").asText().endsWith("tiny-ctc/model.onnx"), json.out());
        assertEquals("greedy CTC", n.get("decoding").asText());

        Path folder = Files.createDirectories(dir.resolve("in/nested"));
        Files.copy(DIGIT, folder.resolve("a.wav"));
        Files.copy(DIGIT, dir.resolve("in/b.wav"));
        Files.writeString(dir.resolve("in/notes.txt"), "not audio");
        Path out = dir.resolve("out");
        Run srt = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "srt", "--output-dir",
                out.toString(), dir.resolve("in").toString());
        assertEquals(0, srt.code(), srt.err());
        assertEquals(List.of("a.srt", "b.srt"), Files.list(out).map(p -> p.getFileName().toString()).sorted()
                .toList());
        assertTrue(srt.err().contains("[2/2]") && srt.err().contains("2 files, 0 failed"), srt.err());
    }

    @Test
    void standardInputAndUsageErrors() throws Exception {
        assumeTrue(Files.isRegularFile(DIGIT), "FSDD recordings missing");
        Run stdin = run(new ByteArrayInputStream(Files.readAllBytes(DIGIT)), "--model", TINY.toString(),
                "--decoder", "greedy", "-");
        assertEquals(0, stdin.code(), stdin.err());
        assertTrue(stdin.out().startsWith("stdin "), stdin.out());

        Run many = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "vtt", DIGIT.toString(),
                DIGIT.toString());
        assertEquals(2, many.code());
        assertTrue(many.err().contains("--output-dir"), many.err());
        Run bad = run(null, "--format", "docx", DIGIT.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("text, json, srt, vtt or tsv"), bad.err());
    }

    @Test
    void longAudioIsDecodedInBoundedStreamingSegments(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(DIGIT), "FSDD recordings missing");
        Run offline = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "json",
                DIGIT.toString());
        Run streamed = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "json",
                "--offline-max-seconds", "0.1", DIGIT.toString());
        assertEquals(0, streamed.code(), streamed.err());
        JsonNode a = new ObjectMapper().readTree(offline.out());
        JsonNode b = new ObjectMapper().readTree(streamed.out());
        assertEquals(a.get("audioSeconds").asDouble(), b.get("audioSeconds").asDouble(), 1e-9);
    }

    /** A model in sherpa-onnx's NeMo CTC layout, found as such from its files: {@code --model DIR} is all it takes. */
    @Test
    void aNemoCtcModelDirectoryTranscribesAsPyTorchDecodesIt() throws Exception {
        Path dir = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc");
        String expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("reference.json").toFile()).get("text").asText();
        Run r = run(null, "--model", dir.toString(), "--decoder", "greedy", dir.resolve("input.wav").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("input " + expected, r.out().strip());
    }
}
