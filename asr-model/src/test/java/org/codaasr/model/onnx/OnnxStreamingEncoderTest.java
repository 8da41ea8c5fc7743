package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache-based streaming encoder on a random two-layer graph the recipe exported with its PyTorch reference
 * ({@code export_streaming.py --tiny-random}): chunk by chunk it reproduces the chunk-masked full forward.
 */
class OnnxStreamingEncoderTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-streaming-ctc");

    static OnnxStreamingEncoder encoder;
    static float[][] features;
    static float[][] expected;

    @BeforeAll
    static void load() throws IOException {
        encoder = OnnxStreamingEncoder.load(TINY.resolve(OnnxStreamingEncoder.FILE_NAME), OnnxConfig.defaults());
        JsonNode ref = new ObjectMapper().readTree(TINY.resolve("streaming-reference.json").toFile());
        features = matrix(ref.path("features"));
        expected = matrix(ref.path("log_probs"));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    static float[][] matrix(JsonNode rows) {
        float[][] m = new float[rows.size()][];
        for (int t = 0; t < m.length; t++) {
            JsonNode row = rows.get(t);
            m[t] = new float[row.size()];
            for (int d = 0; d < row.size(); d++) {
                m[t][d] = (float) row.get(d).asDouble();
            }
        }
        return m;
    }

    /** Feature slices of successive calls: chunk k covers frames [4 * 16k, 4 * (16k + n - 1) + 7). */
    static List<float[][]> chunks(float[][] feats, int chunk) {
        int out = (feats.length - 7) / 4 + 1;
        List<float[][]> slices = new ArrayList<>();
        for (int done = 0; done < out; done += chunk) {
            int n = Math.min(chunk, out - done);
            slices.add(Arrays.copyOfRange(feats, 4 * done, 4 * (done + n - 1) + 7));
        }
        return slices;
    }

    private static List<float[]> stream(List<float[][]> slices, EncoderCache cache) {
        List<float[]> out = new ArrayList<>();
        for (float[][] slice : slices) {
            out.addAll(List.of(encoder.encode(new float[][][] {slice}, List.of(cache))[0]));
        }
        return out;
    }

    @Test
    void shapeComesFromTheMetadata() {
        StreamingShape shape = encoder.shape();
        assertEquals(new StreamingShape(2, 32, 64, 14, 16, 29), shape);
        assertEquals("tiny-streaming-random-1", encoder.version());
        assertEquals(2 * 2 * 64 * 32, shape.attentionSize());
    }

    @Test
    void chunkByChunkEqualsTheChunkMaskedForwardOfPyTorch() {
        EncoderCache cache = encoder.newCache();
        List<float[]> got = stream(chunks(features, 16), cache);
        assertEquals(expected.length, got.size());
        double maxDiff = 0;
        for (int t = 0; t < got.size(); t++) {
            for (int v = 0; v < got.get(t).length; v++) {
                maxDiff = Math.max(maxDiff, Math.abs(got.get(t)[v] - expected[t][v]));
            }
        }
        assertTrue(maxDiff < 1e-4, "max |ORT streaming - torch chunk-masked| = " + maxDiff);
        assertEquals(Math.min(64, expected.length), cache.frames(), "the cache holds the newest frames, at most 64");
    }

    @Test
    void aBatchOfStreamsEqualsEachStreamAlone() {
        float[][] other = Arrays.copyOfRange(features, 64, features.length);
        List<float[][]> a = chunks(features, 16);
        List<float[][]> b = chunks(other, 16);
        EncoderCache ca = encoder.newCache();
        EncoderCache cb = encoder.newCache();
        List<float[]> batchedA = new ArrayList<>();
        List<float[]> batchedB = new ArrayList<>();
        for (int i = 0; i < b.size() - 1; i++) { // full chunks only: a batch shares one chunk length
            float[][][] out = encoder.encode(new float[][][] {a.get(i), b.get(i)}, List.of(ca, cb));
            batchedA.addAll(List.of(out[0]));
            batchedB.addAll(List.of(out[1]));
        }
        List<float[]> aloneA = stream(a.subList(0, b.size() - 1), encoder.newCache());
        List<float[]> aloneB = stream(b.subList(0, b.size() - 1), encoder.newCache());
        for (int t = 0; t < aloneA.size(); t++) {
            assertArrayEquals(aloneA.get(t), batchedA.get(t), 1e-5f);
            assertArrayEquals(aloneB.get(t), batchedB.get(t), 1e-5f);
        }
    }

    @Test
    void aCacheWrittenAndReadBackContinuesExactly() throws IOException {
        List<float[][]> slices = chunks(features, 16);
        EncoderCache live = encoder.newCache();
        stream(slices.subList(0, 1), live);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        live.write(new DataOutputStream(bytes));
        assertEquals(live.serializedSize(), bytes.size());
        assertTrue(bytes.size() < 4 * live.shape().attentionSize(), "only the 16 valid frames are written");
        EncoderCache restored = EncoderCache.read(encoder.shape(),
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(16, restored.frames());
        List<float[]> a = stream(slices.subList(1, slices.size()), live);
        List<float[]> b = stream(slices.subList(1, slices.size()), restored);
        for (int t = 0; t < a.size(); t++) {
            assertArrayEquals(a.get(t), b.get(t), "frame " + t + " after the restore");
        }
    }

    @Test
    void aResetCacheStartsLikeANewStream() {
        List<float[][]> slices = chunks(features, 16);
        EncoderCache used = encoder.newCache();
        stream(slices.subList(0, 2), used);
        used.reset();
        assertTrue(used.isEmpty());
        assertArrayEquals(stream(slices, encoder.newCache()).get(3), stream(slices, used).get(3));
    }

    @Test
    void aCacheOfAnotherShapeIsRefused() throws IOException {
        EncoderCache other = new EncoderCache(new StreamingShape(3, 32, 64, 14, 16, 29));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        other.write(new DataOutputStream(bytes));
        IOException e = assertThrows(IOException.class, () -> EncoderCache.read(encoder.shape(),
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
    }

    @Test
    void aDenseGraphIsNotAStreamingEncoder() {
        AsrException e = assertThrows(AsrException.class,
                () -> OnnxStreamingEncoder.load(TINY.resolve("model.onnx"), OnnxConfig.defaults()));
        assertTrue(e.getMessage().contains("is not a streaming encoder"), e.getMessage());
    }

    @Test
    void unequalChunkLengthsInOneBatchAreRefused() {
        List<float[][]> slices = chunks(features, 16);
        float[][] last = slices.get(slices.size() - 1);
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new float[][][] {slices.get(0), last},
                List.of(encoder.newCache(), encoder.newCache())));
    }
}
