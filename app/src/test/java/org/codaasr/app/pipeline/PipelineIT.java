package org.codaasr.app.pipeline;

import org.codaasr.messages.Topics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.messages.Transcript;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsApp;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.TopicSetup;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real in-JVM KRaft broker with exactly-once processing: ingest -> recognition -> WER. Uses
 * the tiny test model (real ONNX graph, random weights): the point here is delivery, not accuracy.
 */
class PipelineIT {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    static final Path DEV = DataSets.demoSet();

    static Recognizer recognizer;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void load() {
        recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)));
    }

    @AfterAll
    static void close() {
        if (recognizer != null) {
            recognizer.close();
        }
    }

    private static List<AudioItem> firstUtterances(int n) {
        return LibriSpeechSource.items(DEV).subList(0, n);
    }

    private StreamsAppConfig config(String servers, String appId, Path dir) {
        return StreamsAppConfig.builder().applicationId(appId).bootstrapServers(servers).stateDir(dir)
                .idleTimeoutMs(60_000).build();
    }

    @Test
    void everyIngestedUtteranceGivesExactlyOneCompletionAndOneWerRecord() throws Exception {
        List<AudioItem> items = firstUtterances(4);
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        PipelineConfig config = PipelineConfig.embedded().withStateDir(stateDir)
                .withStreams(StreamsAppConfig.builder().applicationId("it-one").idleTimeoutMs(60_000).build());
        try (Pipeline pipeline = Pipeline.start(config, recognizer, e -> {
            if (e instanceof PipelineMonitor.TranscriptEvent te && te.transcript().streamComplete()) {
                completions.computeIfAbsent(te.transcript().streamId(), k -> new AtomicInteger()).incrementAndGet();
            }
        })) {
            PipelineMonitor monitor = pipeline.monitor();
            pipeline.ingest(items, IngestConfig.defaults().withRunId("it").withConcurrency(4), AudioLoader.decoder());
            assertTrue(monitor.awaitCompleted(items.size(), items.size(), Duration.ofSeconds(120)),
                    "completed " + monitor.completed().size() + ", scored " + monitor.werRecords().size());
            Thread.sleep(1500); // anything duplicated would show up by now
            assertEquals(items.size(), completions.size());
            completions.forEach((id, n) -> assertEquals(1, n.get(), "completions of " + id));
            assertEquals(items.stream().map(AudioItem::utteranceId).collect(java.util.stream.Collectors.toSet()),
                    monitor.werRecords().keySet());
            assertEquals(items.size(), monitor.aggregates().get("run:it").utterances(), "WER aggregated per run");
            assertTrue(monitor.deadLetters().isEmpty(), monitor.deadLetters().toString());
        }
        assertTrue(Files.isDirectory(stateDir), "a state folder the caller gave is left in place");
    }

    @Test
    void twoInstancesSharePartitionsAndBothDoWork() throws Exception {
        List<AudioItem> items = firstUtterances(8);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 4, (short) 1);
            try (StreamsApp a = StreamsApp.start(config(servers, "it-two", stateDir.resolve("a")), recognizer);
                    StreamsApp b = StreamsApp.start(config(servers, "it-two", stateDir.resolve("b")), recognizer);
                    PipelineMonitor monitor = PipelineMonitor.start(servers, e -> {})) {
                assertTrue(a.awaitRunning(Duration.ofSeconds(60)));
                assertTrue(b.awaitRunning(Duration.ofSeconds(60)));
                awaitBalanced(a.recognition(), b.recognition());
                try (AudioIngestor ingestor = AudioIngestor.toKafka(
                        IngestConfig.defaults().withBootstrapServers(servers).withConcurrency(8),
                        AudioLoader.decoder())) {
                    ingestor.ingest(items);
                }
                assertTrue(monitor.awaitCompleted(items.size(), items.size(), Duration.ofSeconds(180)));
                Set<Integer> partsA = assignedAudioPartitions(a.recognition());
                Set<Integer> partsB = assignedAudioPartitions(b.recognition());
                assertTrue(!partsA.isEmpty() && !partsB.isEmpty(), "A " + partsA + " B " + partsB);
                assertTrue(java.util.Collections.disjoint(partsA, partsB));
                assertEquals(items.size(), monitor.completed().size());
            }
        }
    }

    @Test
    void aRestartMidStreamLosesAndDuplicatesNothing() throws Exception {
        List<AudioItem> items = firstUtterances(3);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
            Map<String, Set<Long>> finals = new ConcurrentHashMap<>();
            List<Transcript> repeatedFinals = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (PipelineMonitor monitor = PipelineMonitor.start(servers, e -> {
                if (e instanceof PipelineMonitor.TranscriptEvent te) {
                    Transcript t = te.transcript();
                    if (t.streamComplete()) {
                        completions.computeIfAbsent(t.streamId(), k -> new AtomicInteger()).incrementAndGet();
                    } else if (t.isFinal()) {
                        // collected here, asserted on the test thread (the listener runs on the monitor's thread)
                        if (!finals.computeIfAbsent(t.streamId(), k -> ConcurrentHashMap.newKeySet())
                                .add(t.segment())) {
                            repeatedFinals.add(t);
                        }
                    }
                }
            })) {
                StreamsAppConfig cfg = config(servers, "it-restart", stateDir);
                Thread ingest;
                try (StreamsApp app = StreamsApp.start(cfg, recognizer)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    ingest = new Thread(() -> {
                        try (AudioIngestor ingestor = AudioIngestor.toKafka(IngestConfig.defaults()
                                .withBootstrapServers(servers).withConcurrency(3).withRealtime(true),
                                AudioLoader.decoder())) {
                            ingestor.ingest(items);
                        }
                    });
                    ingest.start();
                    Thread.sleep(3000); // mid-stream: audio is still arriving in real time
                }
                // a new instance with a wiped local state folder restores from the changelogs
                try (StreamsApp app = StreamsApp.start(cfg.withStateDir(stateDir.resolve("after")), recognizer)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    ingest.join();
                    assertTrue(monitor.awaitCompleted(items.size(), items.size(), Duration.ofSeconds(180)));
                    Thread.sleep(1500);
                }
                assertEquals(items.size(), completions.size());
                completions.forEach((id, n) -> assertEquals(1, n.get(), "completions of " + id));
                assertEquals(List.of(), repeatedFinals, "final segments emitted twice");
                assertTrue(monitor.deadLetters().isEmpty(), monitor.deadLetters().toString());
            }
        }
    }

    private static void awaitBalanced(KafkaStreams a, KafkaStreams b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!assignedAudioPartitions(a).isEmpty() && !assignedAudioPartitions(b).isEmpty()
                    && a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static Set<Integer> assignedAudioPartitions(KafkaStreams streams) {
        Set<Integer> parts = new java.util.TreeSet<>();
        streams.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> task.topicPartitions()
                .forEach(tp -> {
                    if (tp.topic().equals(org.codaasr.messages.Topics.AUDIO)) {
                        parts.add(tp.partition());
                    }
                })));
        return parts;
    }
}
