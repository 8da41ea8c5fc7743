package org.codaasr.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.Topics;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into a running pipeline and counted in one run, as Kafka's own system tests do: {@code asr streams}
 * runs as separate JVMs on a real broker while real-time ingest goes on, and each test kills, restarts or adds
 * members, or restarts the broker. The recognizer is deterministic, so every utterance must end with exactly one
 * final per segment and a final text equal to decoding the same audio directly, with nothing dead-lettered. Each
 * test prints what was sent, received, duplicated, lost and dead-lettered, and which faults came when. The members'
 * output stays in {@code app/target/fault-it/}.
 */
class FaultInjectionIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = Path.of("../shared/data/librispeech/LibriSpeech/test-other");
    static final Path LOGS = Path.of("app", "target", "fault-it");
    static final String APP_ID = "faults";

    @TempDir
    Path dir;

    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<String, Map<Long, Integer>> finalsBySegment = new ConcurrentHashMap<>();
    private final Map<String, Transcript> lastComplete = new ConcurrentHashMap<>();
    private long startNanos;
    private int generation;

    private record Fault(String kind, double atSeconds) {}

    @BeforeEach
    void needsModelAndData() {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "shipped model missing");
        assumeTrue(Files.isDirectory(DEV), "dev set missing");
    }

    /** Ten crashes in one run, alternately SIGKILL (no commit, no leave-group) and SIGTERM, each restarted on an
     * empty state folder a second later, at seeded random moments while all 50 dev utterances stream in. */
    @Test
    void tenCrashesOfTheStreamsApplicationLoseAndDuplicateNothing() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(DEV);
        Random random = new Random(20261203);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            runChecked(servers, items, 2, first -> {
                Process streams = first;
                try {
                    for (int i = 0; i < 10; i++) {
                        Thread.sleep(1_000 + random.nextInt(3_000));
                        boolean kill = i % 2 == 0;
                        stop(streams, kill);
                        fault(kill ? "SIGKILL" : "SIGTERM");
                        Thread.sleep(1_000);
                        streams = startStreams(servers);
                    }
                    return streams;
                } catch (Throwable t) {
                    streams.destroyForcibly();
                    throw t;
                }
            });
        }
        assertEquals(10, faults.size(), faults.toString());
    }

    /** The broker stops mid-run and starts again on the same data directory and ports three seconds later; ingest
     * and the streams application recover by themselves. */
    @Test
    void brokerRestartMidRunLosesAndDuplicatesNothing() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, 8);
        int[] ports = freePorts();
        Path data = dir.resolve("broker");
        AtomicReference<EmbeddedKafkaBroker> broker =
                new AtomicReference<>(EmbeddedKafkaBroker.startPersistent(data, ports[0], ports[1]));
        try {
            String servers = broker.get().bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            runChecked(servers, items, 4, streams -> {
                Thread.sleep(6_000);
                broker.get().close();
                fault("broker stopped");
                Thread.sleep(3_000);
                broker.set(EmbeddedKafkaBroker.startPersistent(data, ports[0], ports[1]));
                fault("broker restarted");
                return streams;
            });
        } finally {
            broker.get().close();
        }
        assertEquals(2, faults.size(), faults.toString());
    }

    /** A second member joins mid-run and takes partitions; then the first leaves; both decoded some of it. */
    @Test
    void secondInstanceJoinsThenFirstLeavesLosingAndDuplicatingNothing() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, 16);
        Map<String, Integer> partitionsByMember = new LinkedHashMap<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            runChecked(servers, items, 4, first -> {
                Process second;
                try {
                    Thread.sleep(3_000);
                    second = startStreams(servers);
                    fault("second member joined");
                    partitionsByMember.putAll(awaitTwoMembersWithPartitions(servers));
                    Thread.sleep(2_000);
                } catch (Throwable t) {
                    first.destroyForcibly();
                    throw t;
                }
                stop(first, false);
                fault("first member left (SIGTERM)");
                return second;
            });
        }
        System.out.printf("rebalance: partitions by member while both ran %s%n", partitionsByMember);
        assertEquals(2, partitionsByMember.size(), "members with partitions: " + partitionsByMember);
        assertTrue(partitionsByMember.values().stream().allMatch(n -> n > 0), partitionsByMember.toString());
    }

    /** Runs the faults while ingest goes on, given the member started before it; returns the member left running. */
    private interface FaultScript {
        Process run(Process first) throws Exception;
    }

    private void runChecked(String servers, List<AudioItem> items, int concurrency, FaultScript script)
            throws Exception {
        Map<String, String> expected = directStreamingTexts(items);
        try (PipelineMonitor monitor = PipelineMonitor.start(servers, this::observe)) {
            Process first = startStreams(servers);
            startNanos = System.nanoTime();
            AtomicReference<Throwable> ingestError = new AtomicReference<>();
            AtomicReference<Double> ingestEnd = new AtomicReference<>();
            Thread ingest = new Thread(() -> {
                try (AudioIngestor ingestor = AudioIngestor.toKafka(IngestConfig.defaults()
                        .withBootstrapServers(servers).withConcurrency(concurrency).withRealtime(true)
                        .withRunId("faults"), AudioLoader.decoder())) {
                    ingestor.ingest(items);
                } catch (Throwable t) {
                    ingestError.set(t);
                } finally {
                    ingestEnd.set(seconds());
                }
            }, "ingest");
            ingest.start();
            Process last;
            try {
                last = script.run(first);
            } catch (Throwable t) {
                first.destroyForcibly();
                throw t;
            }
            try {
                ingest.join();
                assertEquals(null, ingestError.get(), "ingest failed");
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (lastComplete.size() < items.size() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                Thread.sleep(2_000); // a duplicate or a late reopen would show up by now
            } finally {
                last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            report(items, expected, monitor, ingestEnd.get());
        }
    }

    private void observe(PipelineMonitor.Event e) {
        if (e instanceof PipelineMonitor.TranscriptEvent te) {
            Transcript t = te.transcript();
            if (t.kind() == Transcript.Kind.FINAL) {
                finalsBySegment.computeIfAbsent(t.streamId(), k -> new ConcurrentHashMap<>())
                        .merge(t.segment(), 1, Integer::sum);
            } else if (t.kind() == Transcript.Kind.STREAM_COMPLETE) {
                lastComplete.put(t.streamId(), t);
            }
        }
    }

    private void report(List<AudioItem> items, Map<String, String> expected, PipelineMonitor monitor,
            double ingestEndSeconds) {
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
        System.out.printf("faults: %d utterances sent (ingest ended at %.1f s), %d finals, %d duplicated %s, "
                + "%d lost or changed, %d dead letters; pipeline vs direct decoding: %d errors / %d words; "
                + "%d records re-read by the monitor; faults injected %s%n", items.size(), ingestEndSeconds, finals,
                duplicates, duplicated(), lost.size(), monitor.deadLetters().size(), drift.errors(),
                drift.referenceWords(), monitor.rereadRecords(), faults);
        assertEquals(List.of(), monitor.deadLetters(), "dead letters");
        assertEquals(0, duplicates, "finals emitted twice for one segment");
        assertEquals(List.of(), lost, "utterances lost, truncated or changed by the faults");
        assertEquals(Set.copyOf(items.stream().map(AudioItem::utteranceId).toList()), lastComplete.keySet());
        assertTrue(faults.stream().allMatch(f -> f.atSeconds() < ingestEndSeconds),
                "every fault while ingest ran: " + faults);
    }

    private List<String> duplicated() {
        List<String> out = new ArrayList<>();
        finalsBySegment.forEach((id, perSegment) -> perSegment.forEach((segment, n) -> {
            if (n > 1) {
                out.add(id + "#" + segment + " x" + n);
            }
        }));
        return out;
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
    private Process startStreams(String servers) throws IOException, InterruptedException {
        int n = ++generation;
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve("streams-" + n + ".out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.codaasr.app.AsrCli", "streams", "--bootstrap-servers", servers, "--model", MODEL.toString(),
                "--state-dir", dir.resolve("state-" + n).toString(), "--application-id", APP_ID,
                "--partitions", "2", "--decoder", "greedy")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
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

    private static void stop(Process streams, boolean kill) throws InterruptedException {
        if (kill) {
            streams.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } else {
            streams.destroy(); // the shutdown hook closes the application
            if (!streams.waitFor(60, TimeUnit.SECONDS)) {
                streams.destroyForcibly();
                throw new AssertionError("asr streams did not stop within 60 s of SIGTERM");
            }
        }
    }

    /** Audio partitions of the recognition group per member JVM, once two JVMs hold some (at most 60 s). */
    private static Map<String, Integer> awaitTwoMembersWithPartitions(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Integer> byMember = Map.of();
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APP_ID)).all().get()
                        .get(APP_ID);
                byMember = new LinkedHashMap<>();
                for (MemberDescription m : group.members()) {
                    long audio = m.assignment().topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(Topics.AUDIO)).count();
                    String process = m.clientId().replaceFirst("-StreamThread-.*$", ""); // threads of one JVM
                    byMember.merge(process, (int) audio, Integer::sum);
                }
                if (byMember.values().stream().filter(n -> n > 0).count() >= 2) {
                    return byMember;
                }
                Thread.sleep(500);
            }
            return byMember;
        }
    }

    private void fault(String kind) {
        faults.add(new Fault(kind, seconds()));
    }

    private double seconds() {
        return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }
}
