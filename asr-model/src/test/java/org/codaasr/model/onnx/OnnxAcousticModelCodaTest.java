package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.features.FbankExtractor;
import org.codaasr.model.recognizer.RecognizerConfig;
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
    static final Path DEV_FLAC = Path.of(
            "../shared/data/librispeech/LibriSpeech/test-other/1688/142285/1688-142285-0000.flac");

    static float[][] features;

    @BeforeAll
    static void loadFeatures() {
        assumeTrue(Files.isRegularFile(TINY_CODA.resolve("model.coda-r4.onnx")),
                "tiny CoDA models not present in " + TINY_CODA);
        features = FbankExtractor.withDefaults().compute(AudioDecoder.load(DEV_FLAC, 16000).samples());
    }

    private static OnnxAcousticModel load(int codaR) {
        Path file = RecognizerConfig.defaults().withModelDir(TINY_CODA).withCodaR(codaR).modelFile();
        assumeTrue(Files.isRegularFile(file), file + " missing");
        return OnnxAcousticModel.load(file, OnnxConfig.defaults().withProvider(ExecutionProvider.CPU));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void denseAndAdapterHaveNoRouting(int codaR) {
        try (OnnxAcousticModel model = load(codaR)) {
            assertEquals(codaR, model.info().codaR());
            assertTrue(model.routingOutput().isEmpty());
            assertTrue(model.routing(features).isEmpty());
            assertTrue(model.logProbs(features).length > 0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void codaModelDecodesAndReportsRoutingPerOutputFrame(int r) {
        try (OnnxAcousticModel model = load(r)) {
            assertEquals(r, model.info().codaR());
            assertEquals(Optional.of(OnnxAcousticModel.ROUTING_OUTPUT), model.routingOutput());
            float[][] logProbs = model.logProbs(features);
            assertTrue(logProbs.length > 0);
            assertEquals(model.info().vocabSize(), logProbs[0].length);
            RoutingTrace trace = model.routing(features).orElseThrow();
            assertEquals(logProbs.length, trace.frames());
            assertTrue(trace.layers() > 0);
            assertCodaLayersSelectCeilNOverR(trace, r);
        }
    }

    @Test
    void topKFollowsTheUtteranceLengthNotTheExportLength() {
        try (OnnxAcousticModel model = load(4)) {
            for (int frames : new int[] {101, 333, features.length}) {
                RoutingTrace trace = model.routing(Arrays.copyOf(features, frames)).orElseThrow();
                assertEquals(model.logProbs(Arrays.copyOf(features, frames)).length, trace.frames());
                assertCodaLayersSelectCeilNOverR(trace, 4);
            }
        }
    }

    /** Routed layers process ceil(n/r) frames; layers kept dense (if any) process all n. */
    private static void assertCodaLayersSelectCeilNOverR(RoutingTrace trace, int r) {
        int n = trace.frames();
        int k = (n + r - 1) / r;
        int routed = 0;
        for (int l = 0; l < trace.layers(); l++) {
            int count = trace.selectedCount(l);
            assertTrue(count == k || count == n, "layer " + l + " selected " + count + " of " + n
                    + " frames, expected ceil(n/r) = " + k + " (or all for a dense layer)");
            if (count == k) {
                routed++;
                assertEquals((double) k / n, trace.selectedFraction(l), 1e-12);
            }
        }
        assertTrue(routed > 0, "no layer of the r=" + r + " model routes frames");
    }
}
