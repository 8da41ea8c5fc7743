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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.codaasr.app.ModelOptions;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Faults injected into a running pipeline and counted in one run, as Kafka's own system tests do: {@code asr streams}
 * runs as separate JVMs on a real broker while real-time ingest goes on, and each test kills, restarts or adds
 * members, or restarts the broker. The recognizer is deterministic, so every utterance must end with exactly one
 * final per segment and a final text equal to decoding the same audio directly, with nothing dead-lettered. Each
 * test prints what was sent, received, duplicated, lost and dead-lettered, and which faults came when. The members'
 * output stays in {@code app/target/fault-it/}.
 */
@Tag("shared-data")
class FaultInjectionIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = DataSets.devSet().orElse(null);
    static final Path LOGS = Path.of("app", "target", "fault-it");
    static final String APP_ID = "faults";

    @TempDir
    Path dir;

    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<String, Map<Long, Integer>> finalsBySegment = new ConcurrentHashMap<>();
    private final Map<String, Transcript> lastComplete = new ConcurrentHashMap<>();
    private final Map<String, Integer> completesByStream = new ConcurrentHashMap<>();
    private final Set<String> reopened = ConcurrentHashMap.newKeySet();
    private long startNanos;
    private int generation;

    private record Fault(String kind, double atSeconds) {}

    @BeforeEach
    void needsModelAndData() {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "shipped model missing");
        assumeTrue(DEV != null, "shared data missing: " + DataSets.WHERE_DEV_SET);
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
            runChecked(servers, items, 2, Decoding.DEFAULT, HOSTILE.size(), first -> {
                Process streams = first;
                try {
                    for (int i = 0; i < 10; i++) {
                        Thread.sleep(1_000 + random.nextInt(3_000));
                        boolean kill = i % 2 == 0;
                        stop(streams, kill);
                        fault(kill ? "SIGKILL" : "SIGTERM");
                        if (i == 4) {
                            sendHostileRecords(servers); // read by the member that starts next, between crashes
                            fault("hostile records sent");
                        }
                        Thread.sleep(1_000);
                        streams = startStreams(servers, Decoding.DEFAULT);
                    }
                    return streams;
                } catch (Throwable t) {
                    streams.destroyForcibly();
                    throw t;
                }
            });
        }
        assertEquals(11, faults.size(), faults.toString());
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
            runChecked(servers, items, 4, Decoding.GREEDY, 0, streams -> {
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

    /** Issue 31: a member killed and started again only 12 s later (plus its own start, model load and restore),
     * longer than the 10 s idle timeout, while the producers go on sending: no stream may be closed early or
     * reopened. */
    @Test
    void aRestartSlowerThanTheIdleTimeoutClosesNoStreamEarly() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, 32);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            runChecked(servers, items, 4, Decoding.GREEDY, 0, first -> {
                Thread.sleep(4_000);
                stop(first, true);
                fault("SIGKILL");
                Thread.sleep(12_000);
                fault("restart began");
                Process second = startStreams(servers, Decoding.GREEDY);
                System.out.printf("slow restart: the new member runs at %.1f s%n", seconds());
                return second;
            });
        }
        assertEquals(2, faults.size(), faults.toString());
    }

    /** A second member joins mid-run and takes partitions; then the first leaves; both decoded some of it. */
    @Test
    void secondInstanceJoinsThenFirstLeavesLosingAndDuplicatingNothing() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, 16);
        Map<String, Integer> partitionsByMember = new LinkedHashMap<>();
        Map<String, Long> workByMember = new LinkedHashMap<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, 2, (short) 1);
            runChecked(servers, items, 4, Decoding.GREEDY, 0, first -> {
                Process second;
                try {
                    Thread.sleep(3_000);
                    second = startStreams(servers, Decoding.GREEDY);
                    fault("second member joined");
                    Map<String, Set<TopicPartition>> assignment = awaitTwoMembersWithPartitions(servers);
                    assignment.forEach((member, tps) -> partitionsByMember.put(member, tps.size()));
                    Map<TopicPartition, Long> before = committedAudioOffsets(servers);
                    Thread.sleep(3_000);
                    Map<TopicPartition, Long> after = committedAudioOffsets(servers);
                    assertEquals(assignment, awaitTwoMembersWithPartitions(servers), "assignment moved meanwhile");
                    assignment.forEach((member, tps) -> tps.forEach(tp -> workByMember.merge(member,
                            after.getOrDefault(tp, 0L) - before.getOrDefault(tp, 0L), Long::sum)));
                } catch (Throwable t) {
                    first.destroyForcibly();
                    throw t;
                }
                stop(first, false);
                fault("first member left (SIGTERM)");
                return second;
            });
        }
        System.out.printf("rebalance: partitions by member while both ran %s; audio records each committed in "
                + "3 s of that %s%n", partitionsByMember, workByMember);
        assertEquals(2, partitionsByMember.size(), "members with partitions: " + partitionsByMember);
        assertTrue(partitionsByMember.values().stream().allMatch(n -> n > 0), partitionsByMember.toString());
        assertTrue(workByMember.size() == 2 && workByMember.values().stream().allMatch(n -> n > 0),
                "both members decoded and committed audio while both ran: " + workByMember);
    }

    /** Runs the faults while ingest goes on, given the member started before it; returns the member left running. */
    private interface FaultScript {
        Process run(Process first) throws Exception;
    }

    /**
     * How the members decode: the crash test runs the default (prefix beam search with the language model, whose
     * incremental search is what a restored stream must catch up exactly); the others greedy, to keep them short.
     */
    private enum Decoding {
        DEFAULT(), GREEDY("--decoder", "greedy");

        final List<String> args;

        Decoding(String... args) {
            this.args = List.of(args);
        }

        RecognizerConfig config() {
            ModelOptions options = new ModelOptions();
            List<String> all = new ArrayList<>(List.of("--model", MODEL.toString()));
            all.addAll(args);
            new CommandLine(options).parseArgs(all.toArray(String[]::new));
            return options.toConfig();
        }
    }

    /** Records no stream can accept, each rejected before it reaches a stream: one dead letter each, exactly once. */
    static final Map<String, byte[]> HOSTILE = hostileRecords();

    private static Map<String, byte[]> hostileRecords() {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("hostile-bytes", new byte[] {42, 0, 7, -1, 13});
        byte[] pcm = new byte[3200];
        records.put("hostile-key", AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO,
                new AudioChunk("another-stream", 0, 16000, AudioEncoding.PCM_S16LE, pcm, false, "u", 0)));
        records.put("hostile-rate", AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO,
                new AudioChunk("hostile-rate", 0, 1_000_000_000, AudioEncoding.PCM_S16LE, pcm, true, "u", 0)));
        return records;
    }

    private static void sendHostileRecords(String servers) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> r : HOSTILE.entrySet()) {
                producer.send(new ProducerRecord<>(Topics.AUDIO, r.getKey(), r.getValue())).get();
            }
        }
    }

    private void runChecked(String servers, List<AudioItem> items, int concurrency, Decoding decoding,
            int hostileRecords, FaultScript script) throws Exception {
        Map<String, Direct> expected = directStreaming(items, decoding);
        try (PipelineMonitor monitor = PipelineMonitor.start(servers, this::observe)) {
            Process first = startStreams(servers, decoding);
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
            report(items, expected, monitor, ingestEnd.get(), hostileRecords);
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
                completesByStream.merge(t.streamId(), 1, Integer::sum);
            }
            if (t.reopened() > 0) {
                reopened.add(t.streamId());
            }
        }
    }

    private void report(List<AudioItem> items, Map<String, Direct> expected, PipelineMonitor monitor,
            double ingestEndSeconds, int hostileRecords) {
        int duplicates = 0;
        int finals = 0;
        for (Map<Long, Integer> perSegment : finalsBySegment.values()) {
            for (int n : perSegment.values()) {
                finals += n;
                duplicates += n - 1;
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        WerResult drift = WerResult.empty();
        for (AudioItem item : items) {
            String id = item.utteranceId();
            Transcript complete = lastComplete.get(id);
            if (complete == null) {
                lost.add(id + " (no stream-complete record)");
                continue;
            }
            WerResult w = WerCalculator.compare(expected.get(id).text(), complete.text());
            drift = drift.plus(w);
            if (w.errors() > 0) {
                lost.add(id + " (pipeline '" + complete.text() + "' vs direct '" + expected.get(id).text() + "')");
            }
            Set<Long> segments = finalsBySegment.getOrDefault(id, Map.of()).keySet();
            if (!segments.equals(expected.get(id).segments())) {
                missing.add(id + " (final segments " + new java.util.TreeSet<>(segments) + ", direct decoding "
                        + expected.get(id).segments() + ")");
            }
        }
        List<String> lettered = monitor.deadLetters().stream().map(d -> d.key() + ": " + d.reason()).toList();
        System.out.printf("faults: %d utterances sent (ingest ended at %.1f s), %d finals, %d duplicated %s, "
                + "%d segments without a final, %d lost or changed, %d dead letters (%d hostile records sent); "
                + "pipeline vs direct decoding: %d errors / %d words; %d records re-read by the monitor; "
                + "faults injected %s%n", items.size(), ingestEndSeconds, finals, duplicates, duplicated(),
                missing.size(), lost.size(), lettered.size(), hostileRecords, drift.errors(), drift.referenceWords(),
                monitor.rereadRecords(), faults);
        assertEquals(hostileRecords, lettered.size(), "one dead letter per hostile record, none else: " + lettered);
        assertTrue(monitor.deadLetters().stream().allMatch(d -> HOSTILE.containsKey(d.key())), lettered.toString());
        Map<String, Integer> closedEarly = new java.util.TreeMap<>(completesByStream);
        closedEarly.values().removeIf(n -> n == 1);
        System.out.printf("streams closed early (more than one stream-complete): %s; reopened: %s%n", closedEarly,
                reopened);
        assertEquals(0, duplicates, "finals emitted twice for one segment");
        assertEquals(Map.of(), closedEarly, "no producer paused: one stream-complete per stream");
        assertEquals(Set.of(), reopened, "no producer paused: no stream reopened");
        assertEquals(List.of(), missing, "segments whose final never came");
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

    /** The fault-free answer for one utterance: its text and the segments that each get one final. */
    private record Direct(String text, Set<Long> segments) {}

    /** What decoding each utterance directly, in the pipeline's 100 ms chunks and the members' decoding, gives. */
    private static Map<String, Direct> directStreaming(List<AudioItem> items, Decoding decoding) {
        Map<String, Direct> out = new LinkedHashMap<>();
        try (Recognizer recognizer = Recognizer.load(decoding.config())) {
            for (AudioItem item : items) {
                List<RecognitionResult> finals = recognizer.transcribeStreaming(
                        AudioDecoder.load(item.audio(), 16000), 1600);
                out.put(item.utteranceId(), new Direct(finals.stream().map(RecognitionResult::text)
                        .filter(t -> !t.isBlank()).collect(Collectors.joining(" ")),
                        new java.util.TreeSet<>(finals.stream().map(RecognitionResult::segment).toList())));
            }
        }
        return out;
    }

    /** {@code asr streams} in a JVM of its own, with a fresh state folder; returns once it says it runs. */
    private Process startStreams(String servers, Decoding decoding) throws IOException, InterruptedException {
        int n = ++generation;
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve("streams-" + n + ".out");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.codaasr.app.AsrCli", "streams", "--bootstrap-servers", servers, "--model", MODEL.toString(),
                "--state-dir", dir.resolve("state-" + n).toString(), "--application-id", APP_ID,
                "--partitions", "2", "--metrics-port", "0"));
        command.addAll(decoding.args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
    private static Map<String, Set<TopicPartition>> awaitTwoMembersWithPartitions(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Set<TopicPartition>> byMember = Map.of();
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APP_ID)).all().get()
                        .get(APP_ID);
                byMember = new LinkedHashMap<>();
                for (MemberDescription m : group.members()) {
                    String process = m.clientId().replaceFirst("-StreamThread-.*$", ""); // threads of one JVM
                    Set<TopicPartition> mine = byMember.computeIfAbsent(process, k -> new java.util.TreeSet<>(
                            java.util.Comparator.comparing(TopicPartition::toString)));
                    m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.AUDIO))
                            .forEach(mine::add);
                }
                byMember.values().removeIf(Set::isEmpty);
                if (byMember.size() >= 2) {
                    return byMember;
                }
                Thread.sleep(500);
            }
            return byMember;
        }
    }

    /** Committed offsets of the recognition group on {@code asr.audio}, by partition. */
    private static Map<TopicPartition, Long> committedAudioOffsets(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            Map<TopicPartition, Long> out = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(APP_ID)
                    .partitionsToOffsetAndMetadata().get().entrySet()) {
                if (e.getKey().topic().equals(Topics.AUDIO) && e.getValue() != null) {
                    out.put(e.getKey(), e.getValue().offset());
                }
            }
            return out;
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
