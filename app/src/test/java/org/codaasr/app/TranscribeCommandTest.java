package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.audio.Resampler;
import org.codaasr.model.corpus.DataSets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code asr transcribe} on real audio with the tiny test graph (greedy: the output shape is under test here). */
class TranscribeCommandTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    /** A short demo-set utterance ("YOU DIDN'T WANT TO COME", 2 s) as an 8 kHz 16-bit WAV, made once. */
    @TempDir
    static Path made;
    static Path WAV_8K;

    @BeforeAll
    static void makeAShort8kHzWav() throws Exception {
        WAV_8K = made.resolve("3005-163389-0007-8k.wav");
        float[] samples = AudioDecoder.load(DataSets.demoUtterance("3005-163389-0007"), 16000).samples();
        BrowserPageIT.writeWav(Resampler.resample(samples, 16000, 8000), 8000, WAV_8K);
    }

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

    /** A sherpa-onnx streaming transducer folder: its search named in the output, a missing part an error. */
    @Test
    void aTransducerFolderTranscribesWithItsSearch(@TempDir Path dir) throws Exception {
        Path transducer = Path.of("asr-model/src/test/resources/models/tiny-zipformer2");
        Run greedy = run(null, "--model", transducer.toString(), "--decoder", "greedy", "--format", "json",
                WAV_8K.toString());
        assertEquals(0, greedy.code(), greedy.err());
        JsonNode n = new ObjectMapper().readTree(greedy.out());
        assertEquals("transducer greedy search", n.get("decoding").asText());
        assertTrue(n.get("model").asText().endsWith("tiny-zipformer2/encoder.onnx"), greedy.out());
        assertTrue(n.get("words").size() > 0, greedy.out());
        Run beam = run(null, "--model", transducer.toString(), "--beam", "4", "--no-lm", "--format", "json",
                WAV_8K.toString());
        assertEquals(0, beam.code(), beam.err());
        assertEquals("transducer modified beam search, 4 active paths",
                new ObjectMapper().readTree(beam.out()).get("decoding").asText());
        for (String f : new String[] {"encoder.onnx", "joiner.onnx", "tokens.txt"}) {
            Files.copy(transducer.resolve(f), dir.resolve(f));
        }
        Run missing = run(null, "--model", dir.toString(), "--decoder", "greedy", WAV_8K.toString());
        assertEquals(1, missing.code(), missing.err());
        assertTrue(missing.err().contains("no decoder*.onnx"), missing.err());
    }

    @Test
    void jsonForAFileAndSubtitlesForAFolderIntoAnOutputDir(@TempDir Path dir) throws Exception {
        Run json = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "json", WAV_8K.toString());
        assertEquals(0, json.code(), json.err());
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertEquals(WAV_8K.toString(), n.get("file").asText());
        assertTrue(n.get("audioSeconds").asDouble() > 0.1, json.out());
        assertTrue(n.get("model").asText().endsWith("tiny-ctc/model.onnx"), json.out());
        assertEquals("greedy CTC", n.get("decoding").asText());

        Path folder = Files.createDirectories(dir.resolve("in/nested"));
        Files.copy(WAV_8K, folder.resolve("a.wav"));
        Files.copy(WAV_8K, dir.resolve("in/b.wav"));
        Files.writeString(dir.resolve("in/notes.txt"), "not audio");
        Path out = dir.resolve("out");
        Run srt = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "srt", "--output-dir",
                out.toString(), dir.resolve("in").toString());
        assertEquals(0, srt.code(), srt.err());
        assertEquals(List.of("a.srt", "b.srt"), Files.list(out).map(p -> p.getFileName().toString()).sorted()
                .toList());
        assertTrue(srt.err().contains("[2/2]") && srt.err().contains("2 files, 0 failed"), srt.err());

        // a glob the shell did not expand (quoted)
        Run glob = run(null, "--model", TINY.toString(), "--decoder", "greedy", dir.resolve("in") + "/**.wav");
        assertEquals(0, glob.code(), glob.err());
        assertEquals(List.of("b", "a"), glob.out().lines().map(l -> l.split(" ")[0]).toList(), glob.out());
        assertEquals(List.of(dir.resolve("in/b.wav").toString(), dir.resolve("in/nested/a.wav").toString()),
                TranscribeCommand.expand(List.of(dir.resolve("in") + "/**.wav")));
        Run none = run(null, "--model", TINY.toString(), "--decoder", "greedy", dir.resolve("in") + "/*.mp3");
        assertEquals(1, none.code(), none.err());
        assertTrue(none.err().contains("*.mp3"), none.err());
    }

    @Test
    void standardInputAndUsageErrors() throws Exception {
        Run stdin = run(new ByteArrayInputStream(Files.readAllBytes(WAV_8K)), "--model", TINY.toString(),
                "--decoder", "greedy", "-");
        assertEquals(0, stdin.code(), stdin.err());
        assertTrue(stdin.out().startsWith("stdin "), stdin.out());

        Run many = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "vtt", WAV_8K.toString(),
                WAV_8K.toString());
        assertEquals(2, many.code());
        assertTrue(many.err().contains("--output-dir"), many.err());
        Run bad = run(null, "--format", "docx", WAV_8K.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("text, json, srt, vtt or tsv"), bad.err());
    }

    @Test
    void longAudioIsDecodedAsItIsReadExactlyAsTheStreamingRecognizerDecodesIt() throws Exception {
        Path flac = DataSets.demoUtterance("1688-142285-0000");
        Run streamed = run(null, "--model", TINY.toString(), "--decoder", "greedy", "--format", "json",
                "--offline-max-seconds", "1", flac.toString());
        assertEquals(0, streamed.code(), streamed.err());
        JsonNode b = new ObjectMapper().readTree(streamed.out());
        org.codaasr.model.audio.AudioData audio = org.codaasr.model.audio.AudioDecoder.load(flac, 16000);
        List<org.codaasr.model.recognizer.RecognitionResult> segments;
        try (org.codaasr.model.recognizer.Recognizer recognizer = org.codaasr.model.recognizer.Recognizer.load(
                org.codaasr.model.recognizer.RecognizerConfig.defaults().withModelDir(TINY))) {
            segments = recognizer.transcribeStreaming(audio, 1600);
        }
        assertTrue(segments.size() > 1, "the endpointer cut the file: " + segments.size() + " segment(s)");
        assertEquals(segments.stream().map(org.codaasr.model.recognizer.RecognitionResult::text)
                .filter(t -> !t.isBlank()).collect(java.util.stream.Collectors.joining(" ")), b.get("text").asText());
        assertEquals(audio.durationSeconds(), b.get("audioSeconds").asDouble(), 1e-9);
        assertEquals(segments.stream().mapToInt(r -> r.words().size()).sum(), b.get("words").size());
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

    /** A WeNet CTC export as sherpa-onnx writes it, with WeNet's own {@code units.txt}: {@code --model DIR}. */
    @Test
    void aWenetCtcModelDirectoryWithItsUnitsFileTranscribesAsPyTorchDecodesIt() throws Exception {
        Path dir = Path.of("asr-model/src/test/resources/models/tiny-wenet-ctc");
        assertTrue(Files.isRegularFile(dir.resolve("units.txt")) && !Files.exists(dir.resolve("tokens.txt")));
        String expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("reference.json").toFile()).get("text").asText();
        Path input = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc/input.wav");
        Run r = run(null, "--model", dir.toString(), "--decoder", "greedy", input.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("input " + expected, r.out().strip());
    }

    /** Bad files among good ones: one error line each naming the file, the others transcribed, exit code 1. */
    @Test
    void brokenFilesGetTheirOwnErrorsWhileTheOthersAreTranscribed(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(WAV_8K, in.resolve("a-good.wav"));
        Files.write(in.resolve("b-empty.wav"), new byte[0]);
        Files.writeString(in.resolve("c-text.wav"), "this is a text file, not audio\n");
        Run r = run(null, "--model", TINY.toString(), "--decoder", "greedy", in.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().startsWith("a-good "), r.out());
        assertEquals(1, r.out().lines().count(), r.out());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(2, errors.size(), r.err());
        assertTrue(errors.get(0).contains("b-empty.wav") && errors.get(1).contains("c-text.wav"), errors.toString());
        assertTrue(r.err().contains("3 files, 2 failed"), r.err());
    }

    /** A graph that is no CTC model this project reads: one error naming the file and the layouts expected. */
    @Test
    void aModelInAnUnknownLayoutIsOneClearError(@TempDir Path dir) throws Exception {
        Path streaming = Path.of("asr-model/src/test/resources/models/tiny-streaming-ctc");
        Path model = Files.createDirectories(dir.resolve("odd-model"));
        // the cache-taking streaming graph alone: its outputs are caches, not CTC output lengths
        Files.copy(streaming.resolve("model.streaming.onnx"), model.resolve("model.onnx"));
        Files.copy(streaming.resolve("weights.bin"), model.resolve("weights.bin"));
        Files.copy(streaming.resolve("tokens.txt"), model.resolve("tokens.txt"));
        Run r = run(null, "--model", model.toString(), "--decoder", "greedy", WAV_8K.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("ONNX model " + model.resolve("model.onnx") + " follows no CTC layout this project "
                + "reads: expected inputs"), r.err());
        assertEquals("", r.out());
    }
}
