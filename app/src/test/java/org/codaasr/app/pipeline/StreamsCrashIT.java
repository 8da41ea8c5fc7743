package org.codaasr.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.TopicSetup;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asr streams} as its own JVM, killed mid-replay (SIGKILL, then a plain SIGTERM) and restarted each time with
 * an empty state folder, while real-time ingest goes on. The restarted member is handed a backlog of audio that
 * arrived while no member ran; every utterance must still end with all its audio decoded: its final text equal to
 * decoding the same audio directly, exactly one final per segment, nothing dead-lettered.
 */
class StreamsCrashIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = Path.of("../shared/data/librispeech/LibriSpeech/test-other");
    static final int UTTERANCES = 4;
    /** The streams processes' output and log (the test class path's logback-test.xml logs to the console). */
    static final Path LOGS = Path.of("app", "target", "crash-it");

    @TempDir
    Path dir;

    private record Fault(String kind, double atSeconds) {}

    @Test
    void killedAndRestartedStreamsLoseAndDuplicateNothing() throws Exception {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "shipped model missing");
        assumeTrue(Files.isDirectory(DEV), "dev set missing");
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, UTTERANCES);
        Map<String, String> expected = directStreamingTexts(items);

        Map<String, Map<Long, Integer>> finalsBySegment = new ConcurrentHashMap<>();
        Map<String, Transcript> lastComplete = new ConcurrentHashMap<>();
        List<Fault> faults = new CopyOnWriteArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            try (PipelineMonitor monitor = PipelineMonitor.start(servers, e -> {
                if (e instanceof PipelineMonitor.TranscriptEvent te) {
                    Transcript t = te.transcript();
                    if (t.kind() == Transcript.Kind.FINAL) {
                        finalsBySegment.computeIfAbsent(t.streamId(), k -> new ConcurrentHashMap<>())
                                .merge(t.segment(), 1, Integer::sum);
                    } else if (t.kind() == Transcript.Kind.STREAM_COMPLETE) {
                        lastComplete.put(t.streamId(), t);
                    }
                }
            })) {
                long start = System.nanoTime();
                Process streams = startStreams(servers, 1);
                AtomicReference<Throwable> ingestError = new AtomicReference<>();
                Thread ingest = new Thread(() -> {
                    try (AudioIngestor ingestor = AudioIngestor.toKafka(IngestConfig.defaults()
                            .withBootstrapServers(servers).withConcurrency(UTTERANCES).withRealtime(true)
                            .withRunId("crash"), AudioLoader.decoder())) {
                        ingestor.ingest(items);
                    } catch (Throwable t) {
                        ingestError.set(t);
                    }
                }, "ingest");
                ingest.start();
                try {
                    Thread.sleep(4_000);
                    streams.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no leave-group
                    faults.add(new Fault("SIGKILL", seconds(start)));
                    Thread.sleep(1_000);
                    streams = startStreams(servers, 2);
                    Thread.sleep(4_000);
                    streams.destroy(); // SIGTERM: the shutdown hook closes the application
                    streams.waitFor(60, TimeUnit.SECONDS);
                    faults.add(new Fault("SIGTERM", seconds(start)));
                    Thread.sleep(1_000);
                    streams = startStreams(servers, 3);
                    ingest.join();
                    assertEquals(null, ingestError.get(), "ingest failed");
                    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                    while (lastComplete.size() < items.size() && System.nanoTime() < deadline) {
                        Thread.sleep(200);
                    }
                    Thread.sleep(2_000); // a duplicate or a late reopen would show up by now
                } finally {
                    streams.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }

                int duplicates = 0;
                int finals = 0;
                for (Map<Long, Integer> perSegment : finalsBySegment.values()) {
                    for (int n : perSegment.values()) {
                        finals += n;
                        duplicates += n - 1;
                    }
                }
                List<String> lost = new ArrayList<>();
                WerResult drift = WerResult.empty();
                for (AudioItem item : items) {
                    String id = item.utteranceId();
                    Transcript complete = lastComplete.get(id);
                    if (complete == null) {
                        lost.add(id + " (no stream-complete record)");
                        continue;
                    }
                    WerResult w = WerCalculator.compare(expected.get(id), complete.text());
                    drift = drift.plus(w);
                    if (w.errors() > 0) {
                        lost.add(id + " (pipeline '" + complete.text() + "' vs direct '" + expected.get(id) + "')");
                    }
                }
                System.out.printf("crash test: %d utterances sent, %d finals, %d duplicated, %d lost or changed, "
                        + "%d dead letters; faults %s; pipeline vs direct decoding: %d errors / %d words%n",
                        items.size(), finals, duplicates, lost.size(), monitor.deadLetters().size(), faults,
                        drift.errors(), drift.referenceWords());
                assertEquals(List.of(), monitor.deadLetters(), "dead letters");
                assertEquals(0, duplicates, "finals emitted twice for one segment");
                assertEquals(List.of(), lost, "utterances lost, truncated or changed by the faults");
                assertEquals(Set.copyOf(items.stream().map(AudioItem::utteranceId).toList()), lastComplete.keySet());
                assertTrue(faults.size() == 2, faults.toString());
            }
        }
    }

    /** What decoding each utterance directly, in the pipeline's 100 ms chunks, gives: the fault-free answer. */
    private static Map<String, String> directStreamingTexts(List<AudioItem> items) {
        Map<String, String> texts = new LinkedHashMap<>();
        try (Recognizer recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(MODEL))) {
            for (AudioItem item : items) {
                List<RecognitionResult> finals = recognizer.transcribeStreaming(
                        AudioDecoder.load(item.audio(), 16000), 1600);
                texts.put(item.utteranceId(), finals.stream().map(RecognitionResult::text).filter(t -> !t.isBlank())
                        .collect(Collectors.joining(" ")));
            }
        }
        return texts;
    }

    /** {@code asr streams} in a JVM of its own, with a fresh state folder; returns once it says it runs. */
    private Process startStreams(String servers, int generation) throws IOException, InterruptedException {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve("streams-" + generation + ".out");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.codaasr.app.AsrCli", "streams", "--bootstrap-servers", servers, "--model", MODEL.toString(),
                "--state-dir", dir.resolve("state-" + generation).toString(), "--application-id", "crash",
                "--partitions", "2", "--decoder", "greedy")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("asr streams exited with " + p.exitValue() + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            if (Files.readString(log, StandardCharsets.UTF_8).contains("streams running")) {
                return p;
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new AssertionError("asr streams did not report running within 120 s:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
    }
}
