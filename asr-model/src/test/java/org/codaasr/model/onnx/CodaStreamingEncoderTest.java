package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CoDA variants' cache-based streaming graphs ({@code export_streaming.py --coda}): chunk by chunk in ONNX
 * Runtime they reproduce the PyTorch chunk-masked, per-chunk routed forward that the export wrote to
 * {@code coda-streaming-reference.json}, on the tiny random CoDA model and on the shipped model.
 */
class CodaStreamingEncoderTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-coda-streaming");
    static final Path SHIPPED = Path.of("asr-model/models/conformer-ctc-small");
    static final List<CodaVariant> CODA = List.of(CodaVariant.ADAPTER, CodaVariant.CODA_R2, CodaVariant.CODA_R4,
            CodaVariant.CODA_R8);

    private static OnnxStreamingEncoder load(Path folder, CodaVariant variant) {
        Path file = folder.resolve(OnnxStreamingEncoder.fileName(variant));
        assumeTrue(Files.isRegularFile(file), file + " missing");
        return OnnxStreamingEncoder.load(file, OnnxConfig.defaults().withProvider(ExecutionProvider.CPU));
    }

    private static JsonNode reference(Path folder) throws IOException {
        return new ObjectMapper().readTree(folder.resolve("coda-streaming-reference.json").toFile());
    }

    private static List<float[]> stream(OnnxStreamingEncoder encoder, List<float[][]> slices, EncoderCache cache) {
        List<float[]> out = new ArrayList<>();
        for (float[][] slice : slices) {
            out.addAll(List.of(encoder.encode(new float[][][] {slice}, List.of(cache))[0]));
        }
        return out;
    }

    private static double maxDiff(List<float[]> got, float[][] want) {
        assertEquals(want.length, got.size(), "output frames");
        double worst = 0;
        for (int t = 0; t < want.length; t++) {
            for (int v = 0; v < want[t].length; v++) {
                worst = Math.max(worst, Math.abs(got.get(t)[v] - want[t][v]));
            }
        }
        return worst;
    }

    @ParameterizedTest
    @EnumSource(value = CodaVariant.class, names = {"ADAPTER", "CODA_R2", "CODA_R4", "CODA_R8"})
    void tinyChunkByChunkEqualsThePyTorchRoutedForward(CodaVariant variant) throws IOException {
        check(TINY, variant, 2e-4);
    }

    /** The shipped graphs hold fp16-stored weights; the reference ran on the same rounded weights (recovered). */
    @ParameterizedTest
    @EnumSource(value = CodaVariant.class, names = {"ADAPTER", "CODA_R2", "CODA_R4", "CODA_R8"})
    void shippedChunkByChunkEqualsThePyTorchRoutedForward(CodaVariant variant) throws IOException {
        assumeTrue(Files.isRegularFile(SHIPPED.resolve("coda-streaming-reference.json")), "shipped model missing");
        check(SHIPPED, variant, 2e-4);
    }

    private static void check(Path folder, CodaVariant variant, double tolerance) throws IOException {
        try (OnnxStreamingEncoder encoder = load(folder, variant)) {
            JsonNode ref = reference(folder);
            JsonNode want = ref.path("variants").path(OnnxStreamingEncoder.fileName(variant));
            assertEquals(variant.reductionFactor(), want.path("coda_r").asInt());
            assertEquals(variant, encoder.variant());
            assertTrue(encoder.shape().isPacked());
            float[][] features = OnnxStreamingEncoderTest.matrix(ref.path("features"));
            EncoderCache cache = encoder.newCache();
            double diff = maxDiff(stream(encoder, OnnxStreamingEncoderTest.chunks(features, 16), cache),
                    OnnxStreamingEncoderTest.matrix(want.path("log_probs")));
            System.out.printf("%s %s: max |ORT streaming - torch| = %.2e%n", folder.getFileName(), variant.label(),
                    diff);
            assertTrue(diff < tolerance, folder.getFileName() + " " + variant.label()
                    + ": max |ORT streaming - torch chunk-masked routed| = " + diff);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CodaVariant.class, names = {"ADAPTER", "CODA_R4"})
    void aCacheWrittenAndReadBackContinuesExactly(CodaVariant variant) throws IOException {
        try (OnnxStreamingEncoder encoder = load(TINY, variant)) {
            float[][] features = OnnxStreamingEncoderTest.matrix(reference(TINY).path("features"));
            List<float[][]> slices = OnnxStreamingEncoderTest.chunks(features, 16);
            EncoderCache live = encoder.newCache();
            stream(encoder, slices.subList(0, 2), live);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            live.write(new DataOutputStream(bytes));
            assertEquals(live.serializedSize(), bytes.size());
            EncoderCache restored = EncoderCache.read(encoder.shape(),
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(32, restored.frames());
            List<float[]> a = stream(encoder, slices.subList(2, slices.size()), live);
            List<float[]> b = stream(encoder, slices.subList(2, slices.size()), restored);
            for (int t = 0; t < a.size(); t++) {
                assertArrayEquals(a.get(t), b.get(t), "frame " + t + " after the restore");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CodaVariant.class, names = {"CODA_R4"})
    void aBatchOfStreamsEqualsEachStreamAlone(CodaVariant variant) throws IOException {
        try (OnnxStreamingEncoder encoder = load(TINY, variant)) {
            float[][] features = OnnxStreamingEncoderTest.matrix(reference(TINY).path("features"));
            float[][] other = java.util.Arrays.copyOfRange(features, 64, features.length);
            List<float[][]> a = OnnxStreamingEncoderTest.chunks(features, 16);
            List<float[][]> b = OnnxStreamingEncoderTest.chunks(other, 16);
            EncoderCache ca = encoder.newCache();
            EncoderCache cb = encoder.newCache();
            List<float[]> batchedB = new ArrayList<>();
            for (int i = 0; i < b.size() - 1; i++) {
                batchedB.addAll(List.of(encoder.encode(new float[][][] {a.get(i), b.get(i)}, List.of(ca, cb))[1]));
            }
            List<float[]> aloneB = stream(encoder, b.subList(0, b.size() - 1), encoder.newCache());
            for (int t = 0; t < aloneB.size(); t++) {
                assertArrayEquals(aloneB.get(t), batchedB.get(t), 1e-5f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CodaVariant.class, names = {"CODA_R4"})
    void aRoutedLayerCachesOnlyTheFramesItProcessed(CodaVariant variant) {
        try (OnnxStreamingEncoder dense = OnnxStreamingEncoder.load(TINY.resolve(OnnxStreamingEncoder.FILE_NAME),
                OnnxConfig.defaults()); OnnxStreamingEncoder coda = load(TINY, variant)) {
            // tiny-coda: layer 0 dense (64 slots), layer 1 routed at r = 4 (4 chunks x ceil(16 / 4) = 16 slots)
            assertEquals(64 + 16, coda.shape().attentionSlots());
            assertTrue(coda.shape().attentionSize() < dense.shape().attentionSize());
            assertEquals(dense.shape().cacheFrames(), coda.shape().cacheFrames());
            assertEquals(dense.version(), coda.backboneVersion());
        }
    }
}
