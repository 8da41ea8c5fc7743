package org.codaasr.streams;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the recognition and WER topologies.
 *
 * @param applicationId Kafka Streams application id (consumer group, state and changelog prefix)
 * @param bootstrapServers Kafka cluster
 * @param stateDir local state store folder
 * @param streamThreads stream threads per instance
 * @param partialIntervalSeconds minimum audio time between two partial results of a stream
 * @param reorderWindow out-of-order chunks buffered per stream before a gap is declared lost
 * @param idleTimeoutMs a stream without new audio for this long (wall clock) is finalized
 * @param maxBatch most streams decoded in one batched encoder call
 * @param runId label of this run in WER records
 * @param modelLabel model name written into transcripts
 */
public record StreamsAppConfig(String applicationId, String bootstrapServers, Path stateDir, int streamThreads,
        double partialIntervalSeconds, int reorderWindow, long idleTimeoutMs, int maxBatch, String runId,
        String modelLabel) {

    public StreamsAppConfig {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank, e.g. localhost:9092");
        }
        if (streamThreads < 1 || maxBatch < 1 || reorderWindow < 0) {
            throw new IllegalArgumentException("streamThreads and maxBatch must be >= 1, reorderWindow >= 0");
        }
        if (partialIntervalSeconds < 0 || idleTimeoutMs < 100) {
            throw new IllegalArgumentException("partialIntervalSeconds must be >= 0 and idleTimeoutMs >= 100");
        }
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"), "coda-asr-streams");
        }
        runId = runId == null || runId.isBlank() ? "default" : runId;
        modelLabel = modelLabel == null ? "" : modelLabel;
    }

    public static StreamsAppConfig defaults() {
        return new StreamsAppConfig("coda-asr", "localhost:9092", null, 1, 0.5, 64, 10_000, 16, "default", "");
    }

    public StreamsAppConfig withBootstrapServers(String servers) {
        return new StreamsAppConfig(applicationId, servers, stateDir, streamThreads, partialIntervalSeconds,
                reorderWindow, idleTimeoutMs, maxBatch, runId, modelLabel);
    }

    public StreamsAppConfig withStateDir(Path dir) {
        return new StreamsAppConfig(applicationId, bootstrapServers, dir, streamThreads, partialIntervalSeconds,
                reorderWindow, idleTimeoutMs, maxBatch, runId, modelLabel);
    }

    public StreamsAppConfig withApplicationId(String id) {
        return new StreamsAppConfig(id, bootstrapServers, stateDir, streamThreads, partialIntervalSeconds,
                reorderWindow, idleTimeoutMs, maxBatch, runId, modelLabel);
    }

    public StreamsAppConfig withStreamThreads(int threads) {
        return new StreamsAppConfig(applicationId, bootstrapServers, stateDir, threads, partialIntervalSeconds,
                reorderWindow, idleTimeoutMs, maxBatch, runId, modelLabel);
    }

    public StreamsAppConfig withRunId(String id) {
        return new StreamsAppConfig(applicationId, bootstrapServers, stateDir, streamThreads, partialIntervalSeconds,
                reorderWindow, idleTimeoutMs, maxBatch, id, modelLabel);
    }

    public StreamsAppConfig withModelLabel(String label) {
        return new StreamsAppConfig(applicationId, bootstrapServers, stateDir, streamThreads, partialIntervalSeconds,
                reorderWindow, idleTimeoutMs, maxBatch, runId, label);
    }

    public StreamsAppConfig withIdleTimeoutMs(long ms) {
        return new StreamsAppConfig(applicationId, bootstrapServers, stateDir, streamThreads, partialIntervalSeconds,
                reorderWindow, ms, maxBatch, runId, modelLabel);
    }

    /** Kafka Streams properties: exactly-once v2, byte-array default serdes (every node names its serde). */
    public Properties toProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.consumerPrefix("max.poll.records"), 200);
        return p;
    }
}
