package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.onnx.OnnxConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recognizer mechanics on the tiny test graph (same architecture and ONNX contract as the shipped model, random
 * weights, so it recognizes nothing): output framing, streaming windows, batching, snapshots.
 */
class RecognizerTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    static Recognizer recognizer;
    static AudioData audio;

    @BeforeAll
    static void load() {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(TINY)
                .withOnnx(OnnxConfig.defaults())
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0));
        recognizer = Recognizer.load(config);
        audio = AudioDecoder.load(DEV_FLAC, 16000);
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    private static int expectedOutputFrames(int samples) {
        int frames = 1 + (samples - 400) / 160;
        int s = recognizer.modelInfo().subsamplingFactor();
        int r = 2 * s - 1;
        return frames < r ? 0 : (frames - r) / s + 1;
    }

    @Test
    void offlineOutputHasOneFramePerSubsampledFeatureFrame() {
        float[][] lp = recognizer.logProbs(audio);
        assertEquals(expectedOutputFrames(audio.samples().length), lp.length);
        assertEquals(recognizer.vocabulary().size(), lp[0].length);
        double sum = 0;
        for (float v : lp[0]) {
            sum += Math.exp(v);
        }
        assertEquals(1.0, sum, 1e-4, "log-softmax rows are normalized");
    }

    @Test
    void streamingDecodesEveryOutputFrameExactlyOnce() {
        RecognizerStream stream = recognizer.createStream();
        feed(stream, audio.samples(), 1600);
        stream.inputFinished();
        recognizer.decode(stream);
        int frames = expectedOutputFrames(audio.samples().length);
        assertEquals(frames * recognizer.frameSeconds(), stream.decodedSeconds(), 1e-9);
        assertTrue(stream.isDone());
        List<RecognitionResult> finals = drain(stream);
        for (RecognitionResult r : finals) {
            assertTrue(r.isFinal());
            assertTrue(r.endSeconds() <= audio.durationSeconds() + 1e-6);
        }
    }

    @Test
    void warmingUpChangesNoResult() {
        List<String> before = transcribeStreaming(1600);
        EncoderWork work = recognizer.encoderWork();
        assertTrue(recognizer.warmUp() >= 0);
        assertTrue(recognizer.encoderWork().minus(work).calls() > 0, "the warm-up ran the encoder");
        assertEquals(before, transcribeStreaming(1600));
    }

    @Test
    void chunkSizeOfTheFeedDoesNotChangeTheResult() {
        List<String> a = transcribeStreaming(160);
        List<String> b = transcribeStreaming(7919);
        assertEquals(a, b);
    }

    @Test
    void snapshotAndRestoreMidStreamGiveTheSameFinals() {
        float[] s = audio.samples();
        RecognizerStream whole = recognizer.createStream();
        feed(whole, s, 1600);
        whole.inputFinished();
        recognizer.decode(whole);
        List<String> expected = texts(drain(whole));

        RecognizerStream first = recognizer.createStream();
        int half = s.length / 2;
        List<RecognitionResult> got = new ArrayList<>();
        for (int i = 0; i < half; i += 1600) {
            first.acceptWaveform(java.util.Arrays.copyOfRange(s, i, Math.min(half, i + 1600)), 16000);
            recognizer.decode(first);
            got.addAll(drain(first));
        }
        byte[] snap = first.snapshot();
        RecognizerStream resumed = recognizer.restoreStream(snap);
        assertEquals(first.decodedSeconds(), resumed.decodedSeconds(), 1e-12);
        for (int i = half; i < s.length; i += 1600) {
            resumed.acceptWaveform(java.util.Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
            recognizer.decode(resumed);
            got.addAll(drain(resumed));
        }
        resumed.inputFinished();
        recognizer.decode(resumed);
        got.addAll(drain(resumed));
        assertEquals(expected, texts(got));
        assertThrows(AsrException.class, () -> recognizer.restoreStream(new byte[] {9, 9, 9}));
    }

    @Test
    void batchedDecodingMatchesOneStreamAtATime() {
        float[] s = audio.samples();
        float[] shorter = java.util.Arrays.copyOf(s, s.length / 3);
        RecognizerStream a = recognizer.createStream();
        RecognizerStream b = recognizer.createStream();
        feed(a, s, 1600);
        feed(b, shorter, 1600);
        a.inputFinished();
        b.inputFinished();
        recognizer.decode(List.of(a, b));
        RecognizerStream a1 = recognizer.createStream();
        feed(a1, s, 1600);
        a1.inputFinished();
        recognizer.decode(a1);
        assertEquals(texts(drain(a1)), texts(drain(a)));
        assertTrue(b.isDone());
    }

    @Test
    void missingModelFolderIsAClearError() {
        assertThrows(AsrException.class, () -> Recognizer.load(RecognizerConfig.defaults()
                .withModelDir(Path.of("does/not/exist"))));
    }

    @Test
    void aSilentStreamFinishesAndAccountsForItsAudio() {
        RecognizerStream stream = recognizer.createStream();
        stream.acceptWaveform(new float[16000 * 3], 16000);
        stream.inputFinished();
        recognizer.decode(stream);
        for (RecognitionResult r : drain(stream)) {
            assertTrue(r.isFinal());
        }
        assertTrue(stream.isDone());
        assertEquals(3.0, stream.audioSeconds(), 1e-9);
    }

    private static List<String> transcribeStreaming(int feedSize) {
        RecognizerStream stream = recognizer.createStream();
        List<RecognitionResult> out = new ArrayList<>();
        float[] s = audio.samples();
        for (int i = 0; i < s.length; i += feedSize) {
            stream.acceptWaveform(java.util.Arrays.copyOfRange(s, i, Math.min(s.length, i + feedSize)), 16000);
            recognizer.decode(stream);
            out.addAll(drain(stream));
        }
        stream.inputFinished();
        recognizer.decode(stream);
        out.addAll(drain(stream));
        return texts(out);
    }

    private static void feed(RecognizerStream stream, float[] samples, int step) {
        for (int i = 0; i < samples.length; i += step) {
            stream.acceptWaveform(java.util.Arrays.copyOfRange(samples, i, Math.min(samples.length, i + step)),
                    16000);
        }
    }

    private static List<RecognitionResult> drain(RecognizerStream stream) {
        List<RecognitionResult> out = new ArrayList<>();
        for (RecognitionResult r = stream.pollFinal(); r != null; r = stream.pollFinal()) {
            out.add(r);
        }
        return out;
    }

    private static List<String> texts(List<RecognitionResult> results) {
        return results.stream().map(r -> r.segment() + ":" + r.text()).toList();
    }
}
