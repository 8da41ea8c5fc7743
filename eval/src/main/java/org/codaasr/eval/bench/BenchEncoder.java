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

    /**
     * Log-probabilities of several utterances decoded in lockstep, one chunk of each per encoder call (the streaming
     * graph only: the live path batches a thread's streams so).
     *
     * @throws UnsupportedOperationException for a whole-utterance graph
     */
    default List<float[][]> logProbs(List<float[][]> utterances) {
        throw new UnsupportedOperationException(path() + " is a whole-utterance graph: streams per call need the "
                + "streaming graphs");
    }

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

        /**
         * Each step encodes the next chunk of every utterance that has one; chunks of one frame count share a call
         * (the graph takes no padding), as {@code Recognizer.decode} groups windows.
         */
        @Override
        public List<float[][]> logProbs(List<float[][]> utterances) {
            int s = encoder.subsamplingFactor();
            int receptiveField = 2 * s - 1;
            int chunk = encoder.shape().chunkFrames();
            int n = utterances.size();
            int[] out = new int[n];
            int[] done = new int[n];
            List<EncoderCache> caches = new ArrayList<>();
            List<List<float[]>> frames = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int length = utterances.get(i).length;
                out[i] = length < receptiveField ? 0 : (length - receptiveField) / s + 1;
                caches.add(encoder.newCache());
                frames.add(new ArrayList<>(out[i]));
            }
            while (true) {
                java.util.Map<Integer, List<Integer>> byFrames = new java.util.TreeMap<>();
                for (int i = 0; i < n; i++) {
                    if (done[i] < out[i]) {
                        byFrames.computeIfAbsent(Math.min(chunk, out[i] - done[i]), k -> new ArrayList<>()).add(i);
                    }
                }
                if (byFrames.isEmpty()) {
                    break;
                }
                for (java.util.Map.Entry<Integer, List<Integer>> group : byFrames.entrySet()) {
                    int k = group.getKey();
                    List<Integer> members = group.getValue();
                    float[][][] batch = new float[members.size()][][];
                    List<EncoderCache> groupCaches = new ArrayList<>();
                    for (int j = 0; j < members.size(); j++) {
                        int i = members.get(j);
                        batch[j] = Arrays.copyOfRange(utterances.get(i), s * done[i], s * (done[i] + k - 1)
                                + receptiveField);
                        groupCaches.add(caches.get(i));
                    }
                    float[][][] encoded = encoder.encode(batch, groupCaches);
                    for (int j = 0; j < members.size(); j++) {
                        int i = members.get(j);
                        frames.get(i).addAll(List.of(encoded[j]));
                        done[i] += k;
                    }
                }
            }
            List<float[][]> result = new ArrayList<>();
            frames.forEach(f -> result.add(f.toArray(new float[0][])));
            return result;
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
