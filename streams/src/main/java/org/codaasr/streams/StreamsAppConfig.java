package org.codaasr.streams;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.codaasr.messages.KafkaClientProperties;

/**
 * Settings of the recognition and WER topologies. Build with {@link #builder()}; every field has a default.
 *
 * @param applicationId Kafka Streams application id (consumer group, state and changelog prefix)
 * @param bootstrapServers Kafka cluster
 * @param stateDir local state store folder
 * @param streamThreads stream threads per instance
 * @param partialIntervalSeconds minimum audio time between two partial results of a stream
 * @param reorderWindow out-of-order chunks buffered per stream before a gap is declared lost
 * @param idleTimeoutMs a stream whose producer sent nothing for this long is finalized (see {@code IdleRule})
 * @param maxBatch most streams decoded in one batched encoder call
 * @param client security (TLS/SASL) settings of every client the applications create
 * @param standbyReplicas warm copies of each task's state kept by other instances ({@code num.standby.replicas})
 */
public record StreamsAppConfig(String applicationId, String bootstrapServers, Path stateDir, int streamThreads,
        double partialIntervalSeconds, int reorderWindow, long idleTimeoutMs, int maxBatch,
        KafkaClientProperties client, int standbyReplicas) {

    public static final String DEFAULT_APPLICATION_ID = "coda-asr";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final double DEFAULT_PARTIAL_INTERVAL_SECONDS = 0.5;
    public static final int DEFAULT_REORDER_WINDOW = 64;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_BATCH = 16;
    /** Consumer session timeout of the stream threads: how long a crashed member's partitions wait. */
    public static final int SESSION_TIMEOUT_MS = 10_000;

    public StreamsAppConfig {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank, e.g. localhost:9092");
        }
        if (streamThreads < 1 || maxBatch < 1 || reorderWindow < 0 || standbyReplicas < 0) {
            throw new IllegalArgumentException("streamThreads and maxBatch must be >= 1, reorderWindow and "
                    + "standbyReplicas >= 0, got " + streamThreads + ", " + maxBatch + ", " + reorderWindow + ", "
                    + standbyReplicas);
        }
        if (partialIntervalSeconds < 0 || idleTimeoutMs < 100) {
            throw new IllegalArgumentException("partialIntervalSeconds must be >= 0 and idleTimeoutMs >= 100, got "
                    + partialIntervalSeconds + " and " + idleTimeoutMs);
        }
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"), "coda-asr-streams");
        }
        if (client == null) {
            client = KafkaClientProperties.NONE;
        }
    }

    public static StreamsAppConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to change some of them. */
    public Builder toBuilder() {
        return new Builder().applicationId(applicationId).bootstrapServers(bootstrapServers).stateDir(stateDir)
                .streamThreads(streamThreads).partialIntervalSeconds(partialIntervalSeconds)
                .reorderWindow(reorderWindow).idleTimeoutMs(idleTimeoutMs).maxBatch(maxBatch).client(client)
                .standbyReplicas(standbyReplicas);
    }

    public StreamsAppConfig withBootstrapServers(String servers) {
        return toBuilder().bootstrapServers(servers).build();
    }

    public StreamsAppConfig withStateDir(Path dir) {
        return toBuilder().stateDir(dir).build();
    }

    public StreamsAppConfig withApplicationId(String id) {
        return toBuilder().applicationId(id).build();
    }

    public StreamsAppConfig withStreamThreads(int threads) {
        return toBuilder().streamThreads(threads).build();
    }

    public StreamsAppConfig withIdleTimeoutMs(long ms) {
        return toBuilder().idleTimeoutMs(ms).build();
    }

    /** Largest changelog record (a recognizer snapshot with a full encoder cache is about 1.5 MB). */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    /** Kafka Streams properties: exactly-once v2, byte-array default serdes (every node names its serde). */
    public Properties toProperties() {
        Properties p = client.applyTo(new Properties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.consumerPrefix("max.poll.records"), 200);
        // a crashed member's streams move to another after 10 s, not the client default of 45 s: live streams wait
        // for their audio that long (heartbeats run on their own thread, so long decodes do not expire a member)
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), SESSION_TIMEOUT_MS);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), SESSION_TIMEOUT_MS / 4);
        // a recognizer snapshot taken while the streaming encoder's cache holds context is larger than the
        // client's 1 MB default (the snapshot changelog topic allows the same, see RecognitionTopology)
        p.put(StreamsConfig.producerPrefix("max.request.size"), MAX_RECORD_BYTES);
        return p;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String applicationId = DEFAULT_APPLICATION_ID;
        private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;
        private Path stateDir;
        private int streamThreads = 1;
        private double partialIntervalSeconds = DEFAULT_PARTIAL_INTERVAL_SECONDS;
        private int reorderWindow = DEFAULT_REORDER_WINDOW;
        private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private KafkaClientProperties client = KafkaClientProperties.NONE;
        private int standbyReplicas;

        private Builder() {}

        public Builder applicationId(String id) {
            this.applicationId = id;
            return this;
        }

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Null means a {@code coda-asr-streams} folder under {@code java.io.tmpdir}. */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder streamThreads(int threads) {
            this.streamThreads = threads;
            return this;
        }

        public Builder partialIntervalSeconds(double seconds) {
            this.partialIntervalSeconds = seconds;
            return this;
        }

        public Builder reorderWindow(int chunks) {
            this.reorderWindow = chunks;
            return this;
        }

        public Builder idleTimeoutMs(long ms) {
            this.idleTimeoutMs = ms;
            return this;
        }

        public Builder maxBatch(int streams) {
            this.maxBatch = streams;
            return this;
        }

        public Builder client(KafkaClientProperties properties) {
            this.client = properties;
            return this;
        }

        public Builder standbyReplicas(int replicas) {
            this.standbyReplicas = replicas;
            return this;
        }

        public StreamsAppConfig build() {
            return new StreamsAppConfig(applicationId, bootstrapServers, stateDir, streamThreads,
                    partialIntervalSeconds, reorderWindow, idleTimeoutMs, maxBatch, client, standbyReplicas);
        }
    }
}
