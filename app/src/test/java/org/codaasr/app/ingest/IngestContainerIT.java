package org.codaasr.app.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.ingest.IngestConfig;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The ingest round trip against the official Kafka image; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class IngestContainerIT {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Test
    void ingestsThreeDevUtterancesIntoARealKafkaContainer() {
        List<AudioItem> items = IngestedStreams.firstUtterances(3);
        IngestConfig config = IngestConfig.defaults().withBootstrapServers(KAFKA.getBootstrapServers()).withConcurrency(3);
        try (AudioIngestor ingestor = AudioIngestor.toKafka(config, AudioLoader.decoder())) {
            ingestor.ingest(items);
        }
        IngestedStreams.assertIngested(KAFKA.getBootstrapServers(), items, config.chunkMs(), config.runId());
    }
}
