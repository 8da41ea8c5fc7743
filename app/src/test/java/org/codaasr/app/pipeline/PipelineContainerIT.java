package org.codaasr.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The streams application (recognition and WER, exactly-once) against the official Kafka image instead of the
 * in-JVM broker: topics created by the pipeline, utterances in, one completion and one WER record each out. Skipped
 * where no Docker engine runs; {@link PipelineIT} tests the same against the embedded broker everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineContainerIT {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @TempDir
    Path stateDir;

    @Test
    void theStreamsApplicationRecognizesAndScoresAgainstARealKafkaContainer() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(PipelineIT.DEV).subList(0, 3);
        PipelineConfig config = PipelineConfig.embedded().withBootstrapServers(KAFKA.getBootstrapServers())
                .withStateDir(stateDir).withStreams(StreamsAppConfig.builder().applicationId("container-it")
                        .idleTimeoutMs(60_000).build());
        try (Recognizer recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(PipelineIT.TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)));
                Pipeline pipeline = Pipeline.start(config, recognizer, e -> {})) {
            PipelineMonitor monitor = pipeline.monitor();
            pipeline.ingest(items, IngestConfig.defaults().withRunId("container").withConcurrency(3),
                    AudioLoader.decoder());
            assertTrue(monitor.awaitCompleted(items.size(), items.size(), Duration.ofSeconds(180)),
                    "completed " + monitor.completed().size() + ", scored " + monitor.werRecords().size());
            assertEquals(items.stream().map(AudioItem::utteranceId).collect(Collectors.toSet()),
                    monitor.werRecords().keySet());
            assertTrue(monitor.deadLetters().isEmpty(), monitor.deadLetters().toString());
        }
    }
}
