package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.features.FbankExtractor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CoDA ONNX contract on the tiny random-weight CoDA graphs: the extra {@code coda_selected} output does not
 * disturb decoding, and the routing trace shows each CoDA layer processing exactly ceil(n / r) of n frames.
 */
class OnnxAcousticModelCodaTest {

    static final Path TINY_CODA = Path.of("asr-model/src/test/resources/models/tiny-coda");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    static float[][] features;

    @BeforeAll
    static void loadFeatures() {
        assumeTrue(Files.isRegularFile(TINY_CODA.resolve("model.coda-r4.onnx")),
                "tiny CoDA models not present in " + TINY_CODA);
        features = FbankExtractor.withDefaults().compute(AudioDecoder.load(DEV_FLAC, 16000).samples());
    }

    private static OnnxAcousticModel load(int codaR) {
        Path file = CodaVariant.of(codaR).file(TINY_CODA);
        assumeTrue(Files.isRegularFile(file), file + " missing");
        return OnnxAcousticModel.load(file, OnnxConfig.defaults().withProvider(ExecutionProvider.CPU));
    }

    @Test
    void denseModelHasNoRouting() {
        try (OnnxAcousticModel model = load(0)) {
            assertEquals(CodaVariant.DENSE, model.info().variant());
            assertTrue(model.routingOutput().isEmpty());
            assertTrue(model.routing(features).isEmpty());
            assertTrue(model.logProbs(features).length > 0);
        }
    }

    @Test
    void parallelAdapterRunsEveryFrameThroughEveryLayer() {
        try (OnnxAcousticModel model = load(1)) {
            assertEquals(CodaVariant.ADAPTER, model.info().variant());
            float[][] logProbs = model.logProbs(features);
            assertTrue(logProbs.length > 0);
            // the adapter graph may report coda_selected; if it does, nothing is skipped
            model.routing(features).ifPresent(trace -> {
                assertEquals(logProbs.length, trace.frames());
                for (int l = 0; l < trace.layers(); l++) {
                    assertEquals(trace.frames(), trace.selectedCount(l), "layer " + l);
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void codaModelDecodesAndReportsRoutingPerOutputFrame(int r) {
        try (OnnxAcousticModel model = load(r)) {
            assertEquals(r, model.info().variant().reductionFactor());
            assertEquals(Optional.of(OnnxAcousticModel.ROUTING_OUTPUT), model.routingOutput());
            float[][] logProbs = model.logProbs(features);
            assertTrue(logProbs.length > 0);
            assertEquals(model.info().vocabSize(), logProbs[0].length);
            RoutingTrace trace = model.routing(features).orElseThrow();
            assertEquals(logProbs.length, trace.frames());
            assertTrue(trace.layers() > 0);
            assertCodaLayersSelectCeilNOverR(trace, r, model);
        }
    }

    @Test
    void topKFollowsTheUtteranceLengthNotTheExportLength() {
        try (OnnxAcousticModel model = load(4)) {
            for (int frames : new int[] {101, 333, features.length}) {
                RoutingTrace trace = model.routing(Arrays.copyOf(features, frames)).orElseThrow();
                assertEquals(model.logProbs(Arrays.copyOf(features, frames)).length, trace.frames());
                assertCodaLayersSelectCeilNOverR(trace, 4, model);
            }
        }
    }

    /** Layers the model never routes at one end (metadata {@code key}, 0 when absent). */
    private static int denseLayers(OnnxAcousticModel model, String key) {
        return Integer.parseInt(model.info().metadata().getOrDefault(key, "0").trim());
    }

    /**
     * The first {@code coda_dense_layers} and the last {@code coda_dense_last_layers} layers process all n frames,
     * every layer between them exactly ceil(n / r).
     */
    private static void assertCodaLayersSelectCeilNOverR(RoutingTrace trace, int r, OnnxAcousticModel model) {
        int first = denseLayers(model, "coda_dense_layers");
        int last = denseLayers(model, "coda_dense_last_layers");
        int n = trace.frames();
        int k = (n + r - 1) / r;
        assertTrue(first + last < trace.layers(), "no layer of the r=" + r + " model routes frames");
        for (int l = 0; l < trace.layers(); l++) {
            int expected = l < first || l >= trace.layers() - last ? n : k;
            assertEquals(expected, trace.selectedCount(l), "layer " + l + " of " + trace.layers() + ", n=" + n
                    + ", r=" + r + ", dense layers " + first + " + " + last);
            assertEquals((double) expected / n, trace.selectedFraction(l), 1e-12);
        }
    }
}
