package org.codaasr.eval.bench;

import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.onnx.ExecutionProvider;
import org.codaasr.model.recognizer.RecognizerConfig;

/**
 * What {@link CodaBenchmark} measures.
 *
 * @param modelDir folder holding some of {@code model.onnx}, {@code model.adapter.onnx}, {@code model.coda-r*.onnx}
 *     and {@code tokens.txt}
 * @param dataDir LibriSpeech-layout folder of dev utterances
 * @param threads ONNX Runtime intra-op thread counts to time, each a separate session
 * @param repeats timed passes over all utterances per variant and thread count; the median is reported
 * @param limit only the first {@code limit} utterances (0 = all)
 * @param provider execution provider of every session
 * @param streaming time the cache-based streaming graphs ({@code model.streaming*.onnx}) chunk by chunk instead of
 *     the whole-utterance graphs
 * @param streamsPerCall with {@code streaming}: how many utterances are decoded in lockstep, one chunk of each per
 *     encoder call, as the live path batches a thread's streams; 1 is one stream per call (at every thread count),
 *     each larger count is timed at the first thread count
 */
public record CodaBenchConfig(Path modelDir, Path dataDir, List<Integer> threads, int repeats, int limit,
        ExecutionProvider provider, boolean streaming, List<Integer> streamsPerCall) {

    public CodaBenchConfig {
        if (modelDir == null || dataDir == null || provider == null) {
            throw new IllegalArgumentException("modelDir, dataDir and provider must not be null");
        }
        if (threads == null || threads.isEmpty() || threads.stream().anyMatch(t -> t == null || t < 1)) {
            throw new IllegalArgumentException("threads must list one or more counts >= 1, got " + threads);
        }
        threads = List.copyOf(threads);
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = all utterances), got " + limit);
        }
        streamsPerCall = streamsPerCall == null ? List.of(1) : List.copyOf(streamsPerCall);
        if (streamsPerCall.isEmpty() || streamsPerCall.stream().anyMatch(n -> n == null || n < 1)) {
            throw new IllegalArgumentException("streams per call must list one or more counts >= 1, got "
                    + streamsPerCall);
        }
        if (!streaming && streamsPerCall.stream().anyMatch(n -> n > 1)) {
            throw new IllegalArgumentException("streams per call above 1 need the streaming graphs (--streaming), got "
                    + streamsPerCall);
        }
    }

    /** One stream per call. */
    public CodaBenchConfig(Path modelDir, Path dataDir, List<Integer> threads, int repeats, int limit,
            ExecutionProvider provider, boolean streaming) {
        this(modelDir, dataDir, threads, repeats, limit, provider, streaming, List.of(1));
    }

    /** The streams-per-call counts above 1, in the order given. */
    public List<Integer> batchedCounts() {
        return streamsPerCall.stream().filter(n -> n > 1).distinct().toList();
    }

    /** The whole-utterance graphs. */
    public CodaBenchConfig(Path modelDir, Path dataDir, List<Integer> threads, int repeats, int limit,
            ExecutionProvider provider) {
        this(modelDir, dataDir, threads, repeats, limit, provider, false);
    }

    /** The default model folder, the dev set (else the shipped demo set), 1 and 2 threads, 3 repeats, CPU. */
    public static CodaBenchConfig defaults() {
        return new CodaBenchConfig(RecognizerConfig.defaultModelDir(), DataSets.devSet().orElse(DataSets.demoSet()),
                List.of(1, 2), 3, 0,
                ExecutionProvider.CPU);
    }

    public CodaBenchConfig withModelDir(Path dir) {
        return new CodaBenchConfig(dir, dataDir, threads, repeats, limit, provider, streaming, streamsPerCall);
    }

    public CodaBenchConfig withDataDir(Path dir) {
        return new CodaBenchConfig(modelDir, dir, threads, repeats, limit, provider, streaming, streamsPerCall);
    }

    public CodaBenchConfig withThreads(List<Integer> counts) {
        return new CodaBenchConfig(modelDir, dataDir, counts, repeats, limit, provider, streaming, streamsPerCall);
    }

    public CodaBenchConfig withRepeats(int n) {
        return new CodaBenchConfig(modelDir, dataDir, threads, n, limit, provider, streaming, streamsPerCall);
    }

    public CodaBenchConfig withLimit(int n) {
        return new CodaBenchConfig(modelDir, dataDir, threads, repeats, n, provider, streaming, streamsPerCall);
    }

    public CodaBenchConfig withProvider(ExecutionProvider p) {
        return new CodaBenchConfig(modelDir, dataDir, threads, repeats, limit, p, streaming, streamsPerCall);
    }

    public CodaBenchConfig withStreaming(boolean cached) {
        return new CodaBenchConfig(modelDir, dataDir, threads, repeats, limit, provider, cached, streamsPerCall);
    }

    public CodaBenchConfig withStreamsPerCall(List<Integer> counts) {
        return new CodaBenchConfig(modelDir, dataDir, threads, repeats, limit, provider, streaming, counts);
    }
}
