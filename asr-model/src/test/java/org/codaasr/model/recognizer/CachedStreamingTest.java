package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.onnx.OnnxStreamingEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streams through the cache-based streaming encoder (tiny random graph with both a dense and a streaming export):
 * which path runs, that each feature frame is encoded once, and that snapshots carry the cache exactly.
 */
class CachedStreamingTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-streaming-ctc");

    static Recognizer cached;
    static Recognizer windowed;
    static AudioData audio;

    @BeforeAll
    static void load() {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(TINY).withOnnx(OnnxConfig.defaults())
                .withDecoding(DecodingConfig.greedy());
        cached = Recognizer.load(config);
        windowed = Recognizer.load(config.withStreaming(StreamingConfig.defaults().withEncoder(EncoderChoice.WINDOWED)));
        audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
    }

    @AfterAll
    static void close() {
        cached.close();
        windowed.close();
    }

    @Test
    void theDefaultStreamingConfigUsesTheFoldersStreamingEncoder() {
        assertTrue(cached.streamingEncoderInUse().isPresent());
        assertTrue(cached.createStream().encodesWithCache());
        assertTrue(windowed.streamingEncoderInUse().isEmpty());
        assertFalse(windowed.createStream().encodesWithCache());
        try (Recognizer custom = Recognizer.load(cached.config()
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)))) {
            assertTrue(custom.streamingEncoderInUse().isEmpty(), "another left context keeps windowed encoding");
        }
    }

    @Test
    void everyFeatureFrameIsEncodedOnceInsteadOfWithItsLeftContext() {
        EncoderWork before = cached.encoderWork();
        RecognizerStream c = run(cached, audio.samples());
        EncoderWork cachedWork = cached.encoderWork().minus(before);
        before = windowed.encoderWork();
        RecognizerStream w = run(windowed, audio.samples());
        EncoderWork windowedWork = windowed.encoderWork().minus(before);
        assertEquals(w.decodedSeconds(), c.decodedSeconds(), 1e-9, "both decode every output frame once");
        int featureFrames = 1 + (audio.samples().length - 400) / 160;
        assertTrue(cachedWork.inputFrames() < 1.1 * featureFrames,
                cachedWork.inputFrames() + " frames fed for " + featureFrames);
        assertTrue(windowedWork.inputFrames() > 3 * cachedWork.inputFrames(),
                "windowed " + windowedWork.inputFrames() + " vs cached " + cachedWork.inputFrames());
    }

    @Test
    void aSnapshotTakenWhileTheCacheHoldsContextResumesExactly() {
        float[] s = audio.samples();
        RecognizerStream whole = cached.createStream();
        List<String> expected = new ArrayList<>();
        List<String> partials = new ArrayList<>();
        for (int i = 0; i < s.length; i += 1600) {
            whole.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
            cached.decode(whole);
            expected.addAll(texts(whole));
            partials.add(whole.partial().text());
        }
        whole.inputFinished();
        cached.decode(whole);
        expected.addAll(texts(whole));

        RecognizerStream stream = cached.createStream();
        List<String> got = new ArrayList<>();
        List<String> gotPartials = new ArrayList<>();
        boolean resumed = false;
        for (int i = 0, k = 0; i < s.length; i += 1600, k++) {
            stream.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
            cached.decode(stream);
            got.addAll(texts(stream));
            gotPartials.add(stream.partial().text());
            if (!resumed && i > s.length / 3 && stream.holdsEncoderContext()) {
                stream = cached.restoreStream(stream.snapshot());
                resumed = true;
            }
        }
        assertTrue(resumed, "the encoder cache held context at some point after the first third");
        stream.inputFinished();
        cached.decode(stream);
        got.addAll(texts(stream));
        assertEquals(expected, got);
        assertEquals(partials, gotPartials);
    }

    /** The beam search advanced window by window, or caught up from the segment after a restore, ends the same. */
    @Test
    void beamSearchFinalsAreTheSameWithAndWithoutARestore() {
        try (Recognizer beam = Recognizer.load(cached.config().withDecoding(DecodingConfig.beam(8, null, 0, 0)))) {
            float[] s = audio.samples();
            List<String> expected = texts(run(beam, s));
            RecognizerStream stream = beam.createStream();
            List<String> got = new ArrayList<>();
            int restores = 0;
            for (int i = 0; i < s.length; i += 1600) {
                stream.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
                beam.decode(stream);
                got.addAll(texts(stream));
                if (i % 32000 == 16000) {
                    stream = beam.restoreStream(stream.snapshot());
                    restores++;
                }
            }
            stream.inputFinished();
            beam.decode(stream);
            got.addAll(texts(stream));
            assertTrue(restores > 3);
            assertEquals(expected, got);
        }
    }

    /** The int8 graph quantizes activations over a whole call, so it gets one stream per call (same results). */
    @Test
    void theInt8StreamingGraphRunsOneStreamPerCall(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String f : List.of("model.onnx", "weights.bin", "tokens.txt")) {
            java.nio.file.Files.copy(TINY.resolve(f), dir.resolve(f));
        }
        // the float graph under the int8 name: what matters here is the batching the file name selects
        java.nio.file.Files.copy(TINY.resolve(OnnxStreamingEncoder.FILE_NAME),
                dir.resolve(OnnxStreamingEncoder.INT8_FILE_NAME));
        try (Recognizer int8 = Recognizer.load(cached.config().withModelDir(dir)
                .withStreaming(StreamingConfig.defaults().withEncoder(EncoderChoice.INT8)))) {
            assertTrue(int8.streamingEncoderInUse().orElseThrow().isBatchDependent());
            float[] s = audio.samples();
            RecognizerStream a = int8.createStream();
            RecognizerStream b = int8.createStream();
            a.acceptWaveform(s, 16000);
            b.acceptWaveform(Arrays.copyOf(s, s.length / 2), 16000);
            EncoderWork before = int8.encoderWork();
            int8.decode(List.of(a, b));
            EncoderWork work = int8.encoderWork().minus(before);
            assertEquals(work.windows(), work.calls(), "one window per call");
            RecognizerStream alone = run(cached, s);
            a.inputFinished();
            int8.decode(a);
            assertEquals(texts(alone), texts(a));
        }
    }

    @Test
    void aSnapshotWithACacheResumesInARecognizerWithoutOne() {
        RecognizerStream stream = cached.createStream();
        float[] s = audio.samples();
        stream.acceptWaveform(Arrays.copyOf(s, 16000 * 3), 16000);
        cached.decode(stream);
        assertTrue(stream.holdsEncoderContext());
        RecognizerStream other = windowed.restoreStream(stream.snapshot());
        assertFalse(other.encodesWithCache());
        other.acceptWaveform(Arrays.copyOfRange(s, 16000 * 3, s.length), 16000);
        other.inputFinished();
        windowed.decode(other);
        assertTrue(other.isDone());
    }

    @Test
    void batchedCachedStreamsEqualEachStreamAlone() {
        float[] s = audio.samples();
        float[] shorter = Arrays.copyOf(s, s.length / 3);
        RecognizerStream a = cached.createStream();
        RecognizerStream b = cached.createStream();
        List<String> batchedA = new ArrayList<>();
        for (int i = 0; i < s.length; i += 1600) {
            a.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
            if (i < shorter.length) {
                b.acceptWaveform(Arrays.copyOfRange(shorter, i, Math.min(shorter.length, i + 1600)), 16000);
            } else {
                b.inputFinished();
            }
            cached.decode(List.of(a, b));
            batchedA.addAll(texts(a));
        }
        a.inputFinished();
        cached.decode(List.of(a, b));
        batchedA.addAll(texts(a));
        assertTrue(b.isDone());
        RecognizerStream alone = run(cached, s);
        assertEquals(texts(alone), batchedA);
    }

    @Test
    void aStreamingEncoderFromAnotherExportIsRefused() {
        Path tinyCtc = Path.of("asr-model/src/test/resources/models/tiny-ctc");
        OnnxAcousticModel other = OnnxAcousticModel.load(tinyCtc.resolve("model.onnx"), OnnxConfig.defaults());
        OnnxStreamingEncoder encoder = OnnxStreamingEncoder.load(TINY.resolve(OnnxStreamingEncoder.FILE_NAME),
                OnnxConfig.defaults());
        try {
            AsrException e = assertThrows(AsrException.class, () -> new Recognizer(Map.of(CodaVariant.DENSE, other),
                    CodaVariant.DENSE, Vocabulary.load(tinyCtc.resolve("tokens.txt")),
                    cached.config().withModelDir(tinyCtc), null, encoder));
            assertTrue(e.getMessage().contains("does not match this model folder's graphs"), e.getMessage());
        } finally {
            other.close();
            encoder.close();
        }
    }

    private static RecognizerStream run(Recognizer recognizer, float[] samples) {
        RecognizerStream stream = recognizer.createStream();
        for (int i = 0; i < samples.length; i += 1600) {
            stream.acceptWaveform(Arrays.copyOfRange(samples, i, Math.min(samples.length, i + 1600)), 16000);
            recognizer.decode(stream);
        }
        stream.inputFinished();
        recognizer.decode(stream);
        return stream;
    }

    private static List<String> texts(RecognizerStream stream) {
        List<String> out = new ArrayList<>();
        for (RecognitionResult r = stream.pollFinal(); r != null; r = stream.pollFinal()) {
            out.add(r.segment() + ":" + r.text() + "@" + r.startSeconds());
        }
        return out;
    }
}
