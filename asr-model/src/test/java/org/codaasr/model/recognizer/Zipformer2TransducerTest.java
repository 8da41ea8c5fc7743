package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming zipformer2 transducer layout on a tiny random-weight model built to sherpa-onnx's contract by
 * {@code make_layout_fixtures.py} ({@code zipformer2_fixture.py}), whose PyTorch greedy search over whole chunks
 * gives the reference tokens and frames: detection from the files, the reference reproduced, streaming finals equal to
 * whole-utterance decoding whatever the chunking and across snapshot restores, and one error naming the file for each
 * way a folder can break the contract.
 */
class Zipformer2TransducerTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-zipformer2");
    static final Path BROKEN = Path.of("asr-model/src/test/resources/models/tiny-zipformer2-broken");
    static final Path INPUT_WAV = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc/input.wav");

    static Recognizer recognizer;
    /** Ends segments after 0.3 s without a token, so that the random model's output splits into several. */
    static Recognizer shortSilence;
    static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY));
        shortSilence = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withStreaming(new StreamingConfig(0, 0, 0.3, 25.0)));
        reference = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile());
    }

    @AfterAll
    static void close() {
        recognizer.close();
        shortSilence.close();
    }

    @Test
    void theLayoutIsDetectedFromTheFilesAndTheirMetadata() {
        assertEquals(ModelLayout.ZIPFORMER2_TRANSDUCER, recognizer.modelInfo().layout());
        assertEquals("zipformer2", recognizer.modelInfo().modelType());
        StreamSpec spec = recognizer.streamSpec();
        assertEquals(reference.get("decodeChunkLen").asInt() / 4, spec.chunkFrames(), "8 encoder frames per call");
        assertEquals(4, spec.subsampling());
        assertEquals(0.04, spec.frameSeconds(), 1e-12);
        assertEquals(reference.get("T").asInt(), spec.subsampling() * (spec.chunkFrames() - 1) + spec.receptiveField(),
                "a window is T feature frames");
        assertEquals("tiny-zipformer2/encoder.onnx", recognizer.modelLabel(recognizer.defaultVariant()));
        assertTrue(recognizer.supportsStreaming());
    }

    @Test
    void wholeUtteranceGreedySearchGivesPyTorchsTokensAndFrames() {
        checkReference(AudioDecoder.load(INPUT_WAV, 16000), reference.get("inputWav"));
        checkReference(AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000), reference.get("demoUtterance"));
    }

    private static void checkReference(AudioData audio, JsonNode expected) {
        CtcHypothesis hyp = recognizer.hypothesis(audio);
        assertTrue(expected.get("tokenIds").size() > 10, "the fixture emits tokens");
        assertArrayEquals(ints(expected.get("tokenIds")), hyp.tokenIds());
        assertArrayEquals(ints(expected.get("tokenFrames")), hyp.tokenFrames());
    }

    @Test
    void modifiedBeamSearchGivesPyTorchsTokensAndFrames() {
        try (Recognizer beam = beamRecognizer(1.0)) {
            for (String name : new String[] {"inputWav", "demoUtterance"}) {
                AudioData audio = AudioDecoder.load(name.equals("inputWav") ? INPUT_WAV : RecognizerTest.DEV_FLAC,
                        16000);
                JsonNode expected = reference.get(name);
                CtcHypothesis hyp = beam.hypothesis(audio);
                assertArrayEquals(ints(expected.get("beamTokenIds")), hyp.tokenIds(), name);
                assertArrayEquals(ints(expected.get("beamTokenFrames")), hyp.tokenFrames(), name);
            }
            assertNotEquals(reference.get("demoUtterance").get("tokenIds"),
                    reference.get("demoUtterance").get("beamTokenIds"), "the search changes the result here");
        }
    }

    /** Modified beam search keeps several hypotheses per stream: chunking and snapshot restores leave them alone. */
    @Test
    void modifiedBeamSearchStreamsAreChunkingInvariantAndRestoreExactly() {
        try (Recognizer beam = beamRecognizer(0.3)) {
            AudioData audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
            float[] s = audio.samples();
            List<RecognitionResult> expected = beam.transcribeStreaming(audio, 1600);
            assertTrue(expected.size() > 1, "segments: " + expected.size());
            assertEquals(expected, beam.transcribeStreaming(audio, 7777));
            RecognizerStream stream = beam.createStream();
            List<RecognitionResult> got = new ArrayList<>();
            for (int i = 0; i < s.length; i += 1600) {
                stream.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
                beam.decode(stream);
                stream.drainFinals(got);
                if (i % 16000 == 8000) {
                    stream = beam.restoreStream(stream.snapshot());
                }
            }
            beam.finish(stream, got);
            assertEquals(expected, got);
        }
    }

    private static Recognizer beamRecognizer(double trailingSilence) {
        return Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withDecoding(DecodingConfig.beam(reference.get("beamPaths").asInt(), null, 0, 0))
                .withStreaming(new StreamingConfig(0, 0, trailingSilence, 25.0)));
    }

    /**
     * Endpoints change only what is reported (the encoder states and decoder context run on), so every chunking gives
     * the same finals, and their letters are the whole utterance's: a segment boundary inside a word splits it.
     */
    @Test
    void streamingFinalsAreTheSameWhateverTheChunkingAndSpellTheWholeUtterance() {
        AudioData audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
        String whole = shortSilence.transcribe(audio).text().replace(" ", "");
        List<RecognitionResult> first = shortSilence.transcribeStreaming(audio, 1600);
        assertTrue(first.size() > 1, "trailing silence ends segments: " + first.size());
        assertTrue(whole.length() > 20, whole);
        StringBuilder letters = new StringBuilder();
        first.forEach(r -> letters.append(r.text().replace(" ", "")));
        assertEquals(whole, letters.toString());
        for (int chunk : new int[] {160, 4000, 7777}) {
            assertEquals(first, shortSilence.transcribeStreaming(audio, chunk), "chunks of " + chunk + " samples");
        }
    }

    /** Without an endpoint inside the utterance, streaming gives the whole utterance's words and times. */
    @Test
    void oneSegmentsWordsAndTimesAreTheWholeUtterances() {
        AudioData audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
        try (Recognizer noEndpoint = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withStreaming(new StreamingConfig(0, 0, 20.0, 25.0)))) {
            List<RecognitionResult> finals = noEndpoint.transcribeStreaming(audio, 1600);
            assertEquals(1, finals.size());
            assertWords(noEndpoint.transcribe(audio).words(), finals.get(0).words(), "one segment");
        }
    }

    @Test
    void aStreamRestoredFromSnapshotsMidStreamEndsWithTheSameWords() {
        AudioData audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
        float[] s = audio.samples();
        List<RecognitionResult> expected = shortSilence.transcribeStreaming(audio, 1600);
        RecognizerStream stream = shortSilence.createStream();
        List<RecognitionResult> got = new ArrayList<>();
        List<String> partials = new ArrayList<>();
        List<String> expectedPartials = new ArrayList<>();
        RecognizerStream uninterrupted = shortSilence.createStream();
        int restores = 0;
        for (int i = 0; i < s.length; i += 1600) {
            float[] chunk = Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600));
            stream.acceptWaveform(chunk, 16000);
            shortSilence.decode(stream);
            stream.drainFinals(got);
            uninterrupted.acceptWaveform(chunk, 16000);
            shortSilence.decode(uninterrupted);
            uninterrupted.drainFinals(new ArrayList<>());
            partials.add(stream.partial().text());
            expectedPartials.add(uninterrupted.partial().text());
            if (i % 16000 == 8000) {
                assertTrue(stream.holdsEncoderContext());
                stream = shortSilence.restoreStream(stream.snapshot());
                restores++;
            }
        }
        shortSilence.finish(stream, got);
        assertTrue(restores > 10);
        assertTrue(expected.size() > 1);
        assertEquals(expected, got);
        assertEquals(expectedPartials, partials);
    }

    /** Streams decoded together (one encoder call, states stacked) give what each gives alone. */
    @Test
    void streamsBatchedTogetherDecodeAsAlone() {
        List<float[]> audio = List.of(AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000).samples(),
                AudioDecoder.load(INPUT_WAV, 16000).samples(),
                AudioDecoder.load(DataSets.demoUtterance("1688-142285-0007"), 16000).samples());
        List<List<RecognitionResult>> alone = new ArrayList<>();
        for (float[] samples : audio) {
            alone.add(shortSilence.transcribeStreaming(new AudioData(samples, 16000), 1600));
        }
        List<RecognizerStream> streams = new ArrayList<>();
        List<List<RecognitionResult>> together = new ArrayList<>();
        for (int k = 0; k < audio.size(); k++) {
            streams.add(shortSilence.createStream());
            together.add(new ArrayList<>());
        }
        EncoderWork before = shortSilence.encoderWork();
        for (int i = 0; streams.stream().anyMatch(st -> !st.isDone()); i += 1600) {
            for (int k = 0; k < audio.size(); k++) {
                float[] samples = audio.get(k);
                RecognizerStream stream = streams.get(k);
                if (i < samples.length) {
                    stream.acceptWaveform(Arrays.copyOfRange(samples, i, Math.min(samples.length, i + 1600)), 16000);
                } else {
                    stream.inputFinished();
                }
            }
            shortSilence.decode(streams);
            for (int k = 0; k < audio.size(); k++) {
                streams.get(k).drainFinals(together.get(k));
            }
        }
        EncoderWork work = shortSilence.encoderWork().minus(before);
        assertTrue(work.calls() < work.windows(), "batched: " + work);
        for (int k = 0; k < audio.size(); k++) {
            // a batched call's sums may differ in the last bits: the same tokens and times, confidences within 1e-5
            assertEquals(alone.get(k).size(), together.get(k).size());
            for (int r = 0; r < alone.get(k).size(); r++) {
                RecognitionResult a = alone.get(k).get(r);
                RecognitionResult b = together.get(k).get(r);
                assertEquals(a.text(), b.text());
                assertEquals(a.segment(), b.segment());
                assertEquals(a.endSeconds(), b.endSeconds(), 1e-9);
                assertWords(a.words(), b.words(), "stream " + k, 1e-5);
            }
        }
    }

    @Test
    void aTransducersSnapshotIsRefusedByACtcModelAndTheOtherWayRound() {
        RecognizerStream stream = recognizer.createStream();
        stream.acceptWaveform(new float[16000], 16000);
        recognizer.decode(stream);
        byte[] transducer = stream.snapshot();
        try (Recognizer ctc = Recognizer.load(RecognizerConfig.defaults().withModelDir(RecognizerTest.TINY))) {
            AsrException e = assertThrows(AsrException.class, () -> ctc.restoreStream(transducer));
            assertTrue(e.getMessage().contains("transducer"), e.getMessage());
            byte[] ctcSnapshot = ctc.createStream().snapshot();
            e = assertThrows(AsrException.class, () -> recognizer.restoreStream(ctcSnapshot));
            assertTrue(e.getMessage().contains("CTC"), e.getMessage());
        }
    }

    @Test
    void aFolderMissingAPartNamesItAndTheLayout(@TempDir Path dir) throws IOException {
        copy(TINY, dir);
        Files.delete(dir.resolve("decoder.onnx"));
        AsrException e = assertThrows(AsrException.class, () -> load(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no decoder*.onnx")
                && e.getMessage().contains("encoder*.onnx, decoder*.onnx and joiner*.onnx"), e.getMessage());
    }

    @Test
    void aTokensFileOfTheWrongSizeNamesItAndTheModelsVocabulary(@TempDir Path dir) throws IOException {
        copy(TINY, dir);
        List<String> lines = Files.readAllLines(dir.resolve("tokens.txt"), StandardCharsets.UTF_8);
        Files.write(dir.resolve("tokens.txt"), lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8);
        AsrException e = assertThrows(AsrException.class, () -> load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("tokens.txt").toString())
                && e.getMessage().contains("has " + (lines.size() - 1) + " tokens")
                && e.getMessage().contains("vocab_size=" + lines.size()), e.getMessage());
    }

    @Test
    void statesInAnotherOrderNameTheEncoderAndTheExpectedState(@TempDir Path dir) throws IOException {
        AsrException e = brokenEncoder(dir, "encoder-swapped-states.onnx");
        assertTrue(e.getMessage().startsWith(dir.resolve("encoder.onnx").toString())
                && e.getMessage().contains("expected cached_val1_0 at position 3"), e.getMessage());
    }

    @Test
    void aStateCountOtherThanTheMetadataGivesNamesTheEncoderAndTheOrder(@TempDir Path dir) throws IOException {
        AsrException e = brokenEncoder(dir, "encoder-layer-count.onnx");
        assertTrue(e.getMessage().startsWith(dir.resolve("encoder.onnx").toString())
                && e.getMessage().contains("has 21 inputs, expected 27")
                && e.getMessage().contains("num_encoder_layers=1,3"), e.getMessage());
    }

    @Test
    void aMissingMetadataKeyNamesTheEncoderAndTheKey(@TempDir Path dir) throws IOException {
        AsrException e = brokenEncoder(dir, "encoder-no-decode-chunk-len.onnx");
        assertTrue(e.getMessage().startsWith(dir.resolve("encoder.onnx").toString())
                && e.getMessage().contains("metadata key 'decode_chunk_len' missing"), e.getMessage());
    }

    @Test
    void codaRoutingIsRefusedWithTheReason() {
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(RecognizerConfig.defaults()
                .withModelDir(TINY).withVariant(org.codaasr.model.onnx.CodaVariant.CODA_R4)));
        assertTrue(e.getMessage().contains("no CoDA variants") && e.getMessage().contains(TINY.toString()),
                e.getMessage());
    }

    private static AsrException brokenEncoder(Path dir, String file) throws IOException {
        copy(TINY, dir);
        Files.copy(BROKEN.resolve(file), dir.resolve("encoder.onnx"), StandardCopyOption.REPLACE_EXISTING);
        return assertThrows(AsrException.class, () -> load(dir));
    }

    private static void load(Path dir) {
        Recognizer.load(RecognizerConfig.defaults().withModelDir(dir)).close();
    }

    private static void copy(Path from, Path to) throws IOException {
        for (String f : new String[] {"encoder.onnx", "decoder.onnx", "joiner.onnx", "tokens.txt"}) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }

    private static List<WordInfo> words(List<RecognitionResult> finals) {
        List<WordInfo> words = new ArrayList<>();
        finals.forEach(r -> words.addAll(r.words()));
        return words;
    }

    private static void assertWords(List<WordInfo> expected, List<WordInfo> got, String what) {
        assertWords(expected, got, what, 1e-6);
    }

    private static void assertWords(List<WordInfo> expected, List<WordInfo> got, String what, double confidence) {
        assertEquals(expected.size(), got.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            WordInfo e = expected.get(i);
            WordInfo g = got.get(i);
            assertEquals(e.word(), g.word(), what);
            assertEquals(e.startSeconds(), g.startSeconds(), 1e-9, what);
            assertEquals(e.endSeconds(), g.endSeconds(), 1e-9, what);
            assertEquals(e.confidence(), g.confidence(), confidence, what);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
