package org.codaasr.app.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import org.codaasr.streams.StreamsAppConfig;

/**
 * What {@link Pipeline#start} brings up.
 *
 * @param bootstrapServers an existing Kafka cluster; null starts the in-JVM KRaft broker
 * @param partitions partitions of topics created when missing
 * @param replication replication factor of topics created when missing
 * @param stateDir state folder of the streams applications; null uses a temporary one removed on close
 * @param streams settings of the streams applications (their bootstrap servers and state folder are set from
 *     this configuration)
 * @param startTimeout how long the applications may take to reach RUNNING
 */
public record PipelineConfig(String bootstrapServers, int partitions, short replication, Path stateDir,
        StreamsAppConfig streams, Duration startTimeout) {

    public PipelineConfig {
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must be null (embedded broker) or host:port, got a "
                    + "blank string");
        }
        if (partitions < 1 || replication < 1) {
            throw new IllegalArgumentException("partitions and replication must be >= 1, got " + partitions + " and "
                    + replication);
        }
        if (streams == null) {
            throw new IllegalArgumentException("streams settings must not be null");
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
        }
    }

    /** Embedded broker, 4 partitions, a temporary state folder, default streams settings, 60 s to start. */
    public static PipelineConfig embedded() {
        return new PipelineConfig(null, 4, (short) 1, null, StreamsAppConfig.defaults(),
                Pipeline.DEFAULT_START_TIMEOUT);
    }

    public PipelineConfig withBootstrapServers(String servers) {
        return new PipelineConfig(servers, partitions, replication, stateDir, streams, startTimeout);
    }

    public PipelineConfig withPartitions(int n) {
        return new PipelineConfig(bootstrapServers, n, replication, stateDir, streams, startTimeout);
    }

    public PipelineConfig withStateDir(Path dir) {
        return new PipelineConfig(bootstrapServers, partitions, replication, dir, streams, startTimeout);
    }

    public PipelineConfig withStreams(StreamsAppConfig s) {
        return new PipelineConfig(bootstrapServers, partitions, replication, stateDir, s, startTimeout);
    }
}
