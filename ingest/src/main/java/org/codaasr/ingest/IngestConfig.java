package org.codaasr.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Reference;

/**
 * How audio is ingested into Kafka.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param chunkMs          audio per chunk, milliseconds
 * @param realtime         pace chunks at the speed the audio was spoken, instead of as fast as possible
 * @param concurrency      streams sent at once, their chunks interleaved
 * @param compressionType  producer compression: none, gzip, snappy, lz4 or zstd
 * @param lingerMs         producer {@code linger.ms}
 * @param clientId         producer {@code client.id}
 * @param runId            evaluation run written into every reference, so WER is aggregated per run
 * @param client           security (TLS/SASL) settings of the producer
 */
public record IngestConfig(String bootstrapServers, int chunkMs, boolean realtime, int concurrency,
                           String compressionType, int lingerMs, String clientId, String runId,
                           KafkaClientProperties client) {

    private static final Set<String> COMPRESSION_TYPES = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    public IngestConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("expected bootstrapServers like host:port, got a blank string");
        }
        new AudioChunker(chunkMs); // same bounds as the chunker
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("expected concurrency in 1..1024, got " + concurrency);
        }
        if (!COMPRESSION_TYPES.contains(compressionType)) {
            throw new IllegalArgumentException("expected compressionType in " + COMPRESSION_TYPES + ", got "
                    + compressionType);
        }
        if (lingerMs < 0 || lingerMs > 1000) {
            throw new IllegalArgumentException("expected lingerMs in 0..1000, got " + lingerMs);
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("expected a non-blank clientId");
        }
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("expected a non-blank runId");
        }
        Objects.requireNonNull(client, "client");
    }

    /** localhost:9092, 100 ms chunks, as fast as possible, 8 streams at once, lz4, linger 5 ms, run "default". */
    public static IngestConfig defaults() {
        return new IngestConfig("localhost:9092", AudioChunker.DEFAULT_CHUNK_MS, false, 8, "lz4", 5, "coda-asr-ingest",
                Reference.DEFAULT_RUN, KafkaClientProperties.NONE);
    }

    public IngestConfig withBootstrapServers(String servers) {
        return new IngestConfig(servers, chunkMs, realtime, concurrency, compressionType, lingerMs, clientId, runId, client);
    }

    public IngestConfig withChunkMs(int ms) {
        return new IngestConfig(bootstrapServers, ms, realtime, concurrency, compressionType, lingerMs, clientId, runId, client);
    }

    public IngestConfig withRealtime(boolean paced) {
        return new IngestConfig(bootstrapServers, chunkMs, paced, concurrency, compressionType, lingerMs, clientId, runId, client);
    }

    public IngestConfig withConcurrency(int streams) {
        return new IngestConfig(bootstrapServers, chunkMs, realtime, streams, compressionType, lingerMs, clientId, runId, client);
    }

    public IngestConfig withRunId(String id) {
        return new IngestConfig(bootstrapServers, chunkMs, realtime, concurrency, compressionType, lingerMs, clientId, id, client);
    }

    public IngestConfig withClient(KafkaClientProperties properties) {
        return new IngestConfig(bootstrapServers, chunkMs, realtime, concurrency, compressionType, lingerMs, clientId,
                runId, properties);
    }

    /** Producer settings: the client's security settings, idempotent, acks=all, compressed, short linger;
     * serializers are passed in code. */
    public Map<String, Object> producerProperties() {
        Map<String, Object> props = client.applyTo(new HashMap<>());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compressionType);
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return props;
    }
}
