package org.codaasr.eval.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.EncoderCache;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.onnx.OnnxStreamingEncoder;
import org.codaasr.model.onnx.RoutingTrace;

/**
 * One variant's encoder as {@link CodaBenchmark} times it: the whole-utterance graph, or the cache-based streaming
 * graph fed one chunk per call with a fresh cache per utterance, as a live stream runs it.
 */
interface BenchEncoder extends AutoCloseable {

    /** Log-probabilities of a whole utterance. */
    float[][] logProbs(float[][] features);

    Path path();

    String provider();

    int vocabSize();

    int subsamplingFactor();

    Map<String, String> metadata();

    /** The routing trace of an utterance, where the graph outputs one. */
    Optional<RoutingTrace> routing(float[][] features);

    @Override
    void close();

    /** The file {@code variant} is benchmarked with. */
    static Path file(Path modelDir, CodaVariant variant, boolean streaming) {
        return streaming ? modelDir.resolve(OnnxStreamingEncoder.fileName(variant)) : variant.file(modelDir);
    }

    static BenchEncoder load(Path modelDir, CodaVariant variant, boolean streaming, OnnxConfig onnx) {
        Path file = file(modelDir, variant, streaming);
        return streaming ? new Streaming(OnnxStreamingEncoder.load(file, onnx))
                : new WholeUtterance(OnnxAcousticModel.load(file, onnx));
    }

    /** The whole-utterance graph. */
    record WholeUtterance(OnnxAcousticModel model) implements BenchEncoder {
        @Override
        public float[][] logProbs(float[][] features) {
            return model.logProbs(features);
        }

        @Override
        public Path path() {
            return model.path();
        }

        @Override
        public String provider() {
            return model.provider();
        }

        @Override
        public int vocabSize() {
            return model.info().vocabSize();
        }

        @Override
        public int subsamplingFactor() {
            return model.info().subsamplingFactor();
        }

        @Override
        public Map<String, String> metadata() {
            return model.info().metadata();
        }

        @Override
        public Optional<RoutingTrace> routing(float[][] features) {
            return model.routingOutput().isEmpty() ? Optional.empty() : model.routing(features);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** The cache-based streaming graph, one chunk of output frames per call. */
    record Streaming(OnnxStreamingEncoder encoder) implements BenchEncoder {
        @Override
        public float[][] logProbs(float[][] features) {
            int s = encoder.subsamplingFactor();
            int receptiveField = 2 * s - 1;
            int chunk = encoder.shape().chunkFrames();
            int out = features.length < receptiveField ? 0 : (features.length - receptiveField) / s + 1;
            EncoderCache cache = encoder.newCache();
            List<float[]> frames = new ArrayList<>(out);
            for (int done = 0; done < out; done += chunk) {
                int n = Math.min(chunk, out - done);
                float[][] slice = Arrays.copyOfRange(features, s * done, s * (done + n - 1) + receptiveField);
                frames.addAll(List.of(encoder.encode(new float[][][] {slice}, List.of(cache))[0]));
            }
            return frames.toArray(new float[0][]);
        }

        @Override
        public Path path() {
            return encoder.path();
        }

        @Override
        public String provider() {
            return encoder.provider();
        }

        @Override
        public int vocabSize() {
            return encoder.shape().vocab();
        }

        @Override
        public int subsamplingFactor() {
            return encoder.subsamplingFactor();
        }

        @Override
        public Map<String, String> metadata() {
            return encoder.metadata();
        }

        @Override
        public Optional<RoutingTrace> routing(float[][] features) {
            return Optional.empty();
        }

        @Override
        public void close() {
            encoder.close();
        }
    }
}
