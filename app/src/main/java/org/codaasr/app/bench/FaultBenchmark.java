package org.codaasr.app.bench;

import java.io.IOException;
import java.io.PrintStream;
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
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartitionInfo;
import org.codaasr.messages.Topics;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.TopicSetup;

/**
 * Fault scenarios against real processes: Kafka's own brokers ({@link KafkaCluster}, one node or a three-node KRaft
 * cluster with replication factor 3 and min.insync.replicas 2), {@code asr streams} (exactly-once v2) and
 * {@code asr ingest --realtime} each in a JVM of its own with a capped heap, the output topics read back
 * {@code read_committed} ({@link ReadBack}), and every utterance's final text compared with decoding its audio
 * directly in the pipeline's 100 ms chunks (what a fault-free run gives: {@code FaultInjectionIT} finds no
 * difference). Each scenario runs on a cluster of its own:
 * <ul>
 *   <li>{@code streams-kill}: {@code kill -9} of the streams JVM {@code kills} times at seeded random moments, each
 *       restarted on an empty state folder, every {@code slowEvery}-th only after {@code slowRestartMs} (longer than
 *       the idle timeout);
 *   <li>{@code leader-kill}: {@code kill -9} of the leader of the busiest {@code asr.audio} partition while streams
 *       flow, restarted {@link #BROKER_DOWN_MS} later, then the in-sync replicas full again;
 *   <li>{@code coordinator-kill}: the same for the transaction coordinator of the streams application's producer;
 *   <li>{@code rolling-restart}: each node stopped (SIGTERM) and started in turn, the next once every replica is in
 *       sync again;
 *   <li>{@code disk-full}: node 1's log directory and the member's state folder on small tmpfs mounts, both filled
 *       while streams flow, freed {@link #DISK_FULL_MS} later, the node restarted if it stopped;
 *   <li>{@code partition}: two members, one in a network namespace of its own, cut off for longer than the session
 *       timeout and joined again.
 * </ul>
 */
public final class FaultBenchmark {

    public static final List<String> SCENARIOS = List.of("streams-kill", "leader-kill", "coordinator-kill",
            "rolling-restart", "disk-full", "partition");
    /** The scenarios that need three nodes or more. */
    public static final Set<String> CLUSTER_SCENARIOS = Set.of("leader-kill", "coordinator-kill", "rolling-restart");

    static final String APP_ID = "faults-bench";
    private static final int PARTITIONS = 2;
    private static final String BROKER_HEAP = "512m";
    private static final String MEMBER_HEAP = "-Xmx1g";
    private static final String INGEST_HEAP = "-Xmx384m";
    static final long BROKER_DOWN_MS = 10_000;
    static final long DISK_FULL_MS = 15_000;
    static final long PARTITION_MS = StreamsAppConfig.SESSION_TIMEOUT_MS + 15_000;
    private static final Duration ISR_TIMEOUT = Duration.ofSeconds(180);

    /**
     * @param concurrency streams sent at once in every scenario but {@code streams-kill}
     * @param killConcurrency streams sent at once in {@code streams-kill} (few: its kills stop when all is sent)
     * @param memberArgs model and decoding arguments for {@code asr streams} (the direct decoding uses the same)
     */
    public record Settings(Path data, List<AudioItem> items, int brokers, int concurrency, int killConcurrency,
            int kills, int slowEvery, long slowRestartMs, long seed, List<String> memberArgs, Path workDir) {
        public Settings {
            if (items.isEmpty() || concurrency < 1 || killConcurrency < 1 || kills < 0 || slowEvery < 1
                    || slowRestartMs < 0 || (brokers != 1 && brokers < 3)) {
                throw new IllegalArgumentException("expected utterances, 1 broker or 3 and more, concurrency >= 1, "
                        + "kills >= 0, slowEvery >= 1 and slowRestartMs >= 0");
            }
            items = List.copyOf(items);
            memberArgs = List.copyOf(memberArgs);
        }
    }

    /**
     * One scenario's outcome, in the JSON of {@code asr bench faults}.
     *
     * @param faults faults injected
     * @param failoverMs per fault, the time from the fault to the first final after it on the partitions it
     *     affected (all, where it affected every one)
     * @param details what was lost, duplicated or changed, one line each (empty when clean)
     * @param notes what happened besides (which node was killed, what it cost), one line each
     */
    public record Scenario(String name, boolean skipped, String reason, int brokers, int standbyReplicas, int faults,
            int utterances, int finals, int lost, int duplicated, int changed, int deadLetters, List<Long> failoverMs,
            List<String> details, List<String> notes) {

        static Scenario skipped(String name, String reason, int brokers, int standbyReplicas) {
            return new Scenario(name, true, reason, brokers, standbyReplicas, 0, 0, 0, 0, 0, 0, 0, List.of(),
                    List.of(), List.of());
        }

        public boolean clean() {
            return skipped || (lost == 0 && duplicated == 0 && changed == 0 && deadLetters == 0 && details.isEmpty());
        }
    }

    /** The fault-free answer per utterance: its text and the segments that each get one final. */
    private record Direct(String text, Set<Long> segments) {}

    /** A fault: when it happened and the {@code asr.transcripts} partitions it affected (empty: all). */
    private record Fault(long atMs, Set<Integer> partitions) {}

    private final Settings settings;
    private final PrintStream out;
    private final Random random;
    private Map<String, Direct> expected;
    private int generation;

    public FaultBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
    }

    /** Runs scenario {@code name} (one of {@link #SCENARIOS}); {@code standbyReplicas} for its members. */
    public Scenario run(String name, Recognizer recognizer, int standbyReplicas) throws Exception {
        if (expected == null) {
            expected = directStreaming(recognizer);
        }
        if (CLUSTER_SCENARIOS.contains(name) && settings.brokers() < 3) {
            return Scenario.skipped(name, "needs --brokers 3", settings.brokers(), standbyReplicas);
        }
        out.printf("scenario %s (%d brokers, standby replicas %d)%n", name, settings.brokers(), standbyReplicas);
        return switch (name) {
            case "streams-kill" -> streamsKill(standbyReplicas);
            case "leader-kill" -> brokerKill(name, standbyReplicas);
            case "coordinator-kill" -> brokerKill(name, standbyReplicas);
            case "rolling-restart" -> rollingRestart(standbyReplicas);
            case "disk-full" -> diskFull(standbyReplicas);
            case "partition" -> partition(standbyReplicas);
            default -> throw new IllegalArgumentException("unknown scenario " + name + "; expected one of "
                    + SCENARIOS);
        };
    }

    private Scenario streamsKill(int standby) throws Exception {
        List<Fault> faults = new ArrayList<>();
        try (Rig rig = new Rig("streams-kill", "127.0.0.1", standby)) {
            Process member = rig.startMember(List.of(), rig.dir.resolve("state-" + (generation + 1)));
            rig.startIngest(settings.killConcurrency());
            for (int i = 0; i < settings.kills() && rig.ingest.isAlive(); i++) {
                Thread.sleep(1_000 + random.nextInt(3_000));
                member.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                faults.add(new Fault(System.currentTimeMillis(), Set.of()));
                boolean slow = i % settings.slowEvery() == settings.slowEvery() - 1;
                out.printf("kill -9 #%d of asr streams; restart in %d ms%n", i + 1,
                        slow ? settings.slowRestartMs() : 1_000);
                Thread.sleep(slow ? settings.slowRestartMs() : 1_000);
                rig.members.remove(member);
                member = rig.startMember(List.of(), rig.dir.resolve("state-" + (generation + 1)));
            }
            rig.finish();
            return score("streams-kill", standby, rig, faults);
        }
    }

    /** {@code leader-kill} or {@code coordinator-kill}. */
    private Scenario brokerKill(String name, int standby) throws Exception {
        List<Fault> faults = new ArrayList<>();
        try (Rig rig = new Rig(name, "127.0.0.1", standby)) {
            rig.startMember(List.of(), rig.dir.resolve("state"));
            rig.startIngest(settings.concurrency());
            rig.awaitFlow();
            int node;
            Set<Integer> affected;
            if (name.equals("leader-kill")) {
                TopicPartitionInfo busiest = rig.probe.busiestPartition(Topics.AUDIO);
                node = busiest.leader().id();
                affected = Set.of(busiest.partition());
                rig.notes.add("killed node " + node + ", leader of asr.audio partition " + busiest.partition()
                        + " (the busiest)");
            } else {
                node = rig.probe.transactionCoordinator(APP_ID);
                affected = Set.of();
                rig.notes.add("killed node " + node + ", transaction coordinator of the streams application; its "
                        + "group coordinator was node " + rig.probe.groupCoordinator(APP_ID));
            }
            rig.cluster.kill(node);
            faults.add(new Fault(System.currentTimeMillis(), affected));
            out.printf("kill -9 of Kafka node %d; restart in %d ms%n", node, BROKER_DOWN_MS);
            Thread.sleep(BROKER_DOWN_MS);
            rig.restartNode(node);
            rig.finish();
            return score(name, standby, rig, faults);
        }
    }

    private Scenario rollingRestart(int standby) throws Exception {
        List<Fault> faults = new ArrayList<>();
        try (Rig rig = new Rig("rolling-restart", "127.0.0.1", standby)) {
            rig.startMember(List.of(), rig.dir.resolve("state"));
            rig.startIngest(settings.concurrency());
            rig.awaitFlow();
            for (int node = 1; node <= rig.cluster.nodes(); node++) {
                faults.add(new Fault(System.currentTimeMillis(), Set.of()));
                rig.cluster.stop(node);
                out.printf("node %d stopped (controlled shutdown); starting it again%n", node);
                rig.restartNode(node);
            }
            rig.finish();
            return score("rolling-restart", standby, rig, faults);
        }
    }

    private Scenario diskFull(int standby) throws Exception {
        Path dir = scenarioDir("disk-full", standby);
        Path clusterDir = dir.resolve("cluster");
        int node = 1;
        List<SmallDisk> disks = new ArrayList<>();
        try {
            disks.add(SmallDisk.mount(clusterDir.resolve("node-" + node).resolve("logs"), 512));
            disks.add(SmallDisk.mount(dir.resolve("state"), 64));
        } catch (IOException e) {
            disks.forEach(SmallDisk::close);
            return Scenario.skipped("disk-full", "cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): "
                    + e.getMessage(), settings.brokers(), standby);
        }
        List<Fault> faults = new ArrayList<>();
        try (Rig rig = new Rig("disk-full", "127.0.0.1", standby)) {
            rig.startMember(List.of(), dir.resolve("state"));
            rig.startIngest(settings.concurrency());
            rig.awaitFlow();
            long brokerBytes = disks.get(0).fill();
            long stateBytes = disks.get(1).fill();
            faults.add(new Fault(System.currentTimeMillis(), Set.of()));
            out.printf("node %d's log directory and the member's state folder full (%d and %d bytes written)%n",
                    node, brokerBytes, stateBytes);
            Thread.sleep(DISK_FULL_MS);
            rig.notes.add("node " + node + (rig.cluster.isAlive(node) ? " kept running" : " stopped") + " with its "
                    + "log directory full; the member " + (rig.membersAlive() ? "kept running" : "stopped")
                    + " with its state folder full");
            for (SmallDisk disk : disks) {
                disk.free();
            }
            if (!rig.cluster.isAlive(node)) {
                rig.restartNode(node);
            } else if (!rig.probe.awaitIsrFull(Duration.ofSeconds(60))) {
                rig.notes.add("node " + node + " kept its log directory offline after the space came back: "
                        + "restarted");
                rig.cluster.stop(node);
                rig.restartNode(node);
            }
            rig.finish();
            return score("disk-full", standby, rig, faults);
        } finally {
            disks.forEach(SmallDisk::close);
        }
    }

    private Scenario partition(int standby) throws Exception {
        NetworkNamespace ns;
        try {
            ns = NetworkNamespace.create();
        } catch (IOException e) {
            return Scenario.skipped("partition", "cannot make a network namespace joined by a veth link (needs root "
                    + "with CAP_NET_ADMIN and ip): " + e.getMessage(), settings.brokers(), standby);
        }
        List<Fault> faults = new ArrayList<>();
        try (ns; Rig rig = new Rig("partition", NetworkNamespace.HOST_ADDRESS, standby)) {
            rig.startMember(List.of(), rig.dir.resolve("state-a"));
            rig.startMember(ns.execPrefix(), rig.dir.resolve("state-b"));
            rig.startIngest(settings.concurrency());
            rig.awaitFlow();
            Set<Integer> cutOff = Set.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (cutOff.isEmpty() && System.nanoTime() < deadline) {
                cutOff = rig.probe.partitionsOfMembersFrom(APP_ID, Topics.AUDIO, NetworkNamespace.MEMBER_ADDRESS);
                Thread.sleep(cutOff.isEmpty() ? 500 : 0);
            }
            rig.notes.add("the member in the namespace held asr.audio partitions " + cutOff + " when cut off");
            ns.cut();
            faults.add(new Fault(System.currentTimeMillis(), cutOff));
            out.printf("member b cut off from the network (it held partitions %s); back in %d ms%n", cutOff,
                    PARTITION_MS);
            Thread.sleep(PARTITION_MS);
            ns.heal();
            rig.finish();
            return score("partition", standby, rig, faults);
        }
    }

    /** A folder of its own for each run of a scenario (one per standby setting). */
    private Path scenarioDir(String name, int standby) {
        return settings.workDir().resolve(name + "-standby-" + standby);
    }

    /** One scenario's processes: the cluster, the read-back, the members and the ingest. */
    private final class Rig implements AutoCloseable {
        final Path dir;
        final KafkaCluster cluster;
        final ReadBack readBack;
        final ClusterProbe probe;
        final int standby;
        final List<Process> members = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        Process ingest;

        Rig(String name, String host, int standby) throws IOException {
            this.dir = scenarioDir(name, standby);
            this.standby = standby;
            Files.createDirectories(dir);
            cluster = KafkaCluster.start(dir.resolve("cluster"), settings.brokers(), host, BROKER_HEAP);
            String servers = cluster.bootstrapServers();
            try {
                TopicSetup.ensure(servers, PARTITIONS, (short) Math.min(3, settings.brokers()));
                probe = new ClusterProbe(servers);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            readBack = new ReadBack(servers);
        }

        /** {@code asr streams} in a JVM of its own ({@code prefix}: e.g. in a namespace); returns once it runs. */
        Process startMember(List<String> prefix, Path stateDir) throws IOException, InterruptedException {
            int n = ++generation;
            Path log = dir.resolve("streams-" + n + ".out");
            List<String> args = new ArrayList<>(List.of("org.codaasr.app.AsrCli", "streams", "--bootstrap-servers",
                    cluster.bootstrapServers(), "--state-dir", stateDir.toString(), "--application-id", APP_ID,
                    "--partitions", Integer.toString(PARTITIONS), "--replication",
                    Integer.toString(Math.min(3, settings.brokers())), "--standby-replicas",
                    Integer.toString(standby), "--metrics-port", "0", "--status-interval", "5"));
            args.addAll(settings.memberArgs());
            Process p = JavaProcess.start(prefix, args, log, MEMBER_HEAP,
                    "-Dasr.log.file=" + dir.resolve("streams-" + n + ".log"));
            members.add(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new AsrException("asr streams exited with " + p.exitValue() + ":\n" + JavaProcess.tail(log));
                }
                if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("streams running")) {
                    return p;
                }
                Thread.sleep(200);
            }
            throw new AsrException("asr streams did not report running within 180 s:\n" + JavaProcess.tail(log));
        }

        boolean membersAlive() {
            return members.stream().allMatch(Process::isAlive);
        }

        void startIngest(int concurrency) throws IOException {
            ingest = JavaProcess.start(List.of("org.codaasr.app.AsrCli", "ingest", "--bootstrap-servers",
                    cluster.bootstrapServers(), "--librispeech", settings.data().toString(), "--limit",
                    Integer.toString(settings.items().size()), "--realtime", "--concurrency",
                    Integer.toString(concurrency), "--run-id", "faults"), dir.resolve("ingest.out"), INGEST_HEAP,
                    "-Dasr.log.file=" + dir.resolve("ingest.log"));
        }

        /** Waits for the first final (the pipeline flows), then a seeded 1-4 s more. */
        void awaitFlow() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (readBack.finalArrivals.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            if (readBack.finalArrivals.isEmpty()) {
                throw new AsrException("no final within 240 s of the ingest's start:\n"
                        + JavaProcess.tail(dir.resolve("ingest.out")));
            }
            Thread.sleep(1_000 + random.nextInt(3_000));
        }

        /** Starts node {@code id} again and waits until every replica is in sync (a note if not). */
        void restartNode(int id) throws InterruptedException {
            long start = System.currentTimeMillis();
            cluster.restart(id);
            boolean full = probe.awaitIsrFull(ISR_TIMEOUT);
            long ms = System.currentTimeMillis() - start;
            notes.add("node " + id + " restarted; " + (full ? "every replica in sync " + ms + " ms after its start"
                    : "replicas still out of sync after " + ISR_TIMEOUT.toSeconds() + " s"));
            out.println(notes.get(notes.size() - 1));
        }

        /** Waits for the ingest to end and every utterance's stream-complete record, then a little more. */
        void finish() throws InterruptedException {
            if (!ingest.waitFor(30, TimeUnit.MINUTES) || ingest.exitValue() != 0) {
                throw new AsrException("asr ingest failed:\n" + JavaProcess.tail(dir.resolve("ingest.out")));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (readBack.completes.size() < expected.size() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(3_000); // a duplicate or a late reopen would show up by now
        }

        @Override
        public void close() throws InterruptedException {
            for (Process member : members) {
                member.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            if (ingest != null) {
                ingest.destroyForcibly();
            }
            readBack.close();
            probe.close();
            cluster.close();
        }
    }

    private Scenario score(String name, int standby, Rig rig, List<Fault> faults) {
        ReadBack r = rig.readBack;
        int finals = 0;
        int duplicated = 0;
        List<String> details = new ArrayList<>();
        for (Map.Entry<String, Map<Long, Integer>> e : r.finalsBySegment.entrySet()) {
            for (Map.Entry<Long, Integer> seg : e.getValue().entrySet()) {
                finals += seg.getValue();
                if (seg.getValue() > 1) {
                    duplicated += seg.getValue() - 1;
                    details.add(e.getKey() + ": segment " + seg.getKey() + " final x" + seg.getValue());
                }
            }
        }
        for (Map.Entry<String, Integer> e : r.completes.entrySet()) {
            if (e.getValue() > 1) {
                duplicated += e.getValue() - 1;
                details.add(e.getKey() + ": stream-complete x" + e.getValue());
            }
        }
        int lost = 0;
        int changed = 0;
        for (Map.Entry<String, Direct> e : expected.entrySet()) {
            String text = r.completeText.get(e.getKey());
            if (text == null) {
                lost++;
                details.add(e.getKey() + ": no stream-complete record");
            } else if (!text.equals(e.getValue().text())) {
                changed++;
                details.add(e.getKey() + ": '" + text + "' instead of '" + e.getValue().text() + "'");
            }
            Set<Long> got = r.finalsBySegment.getOrDefault(e.getKey(), Map.of()).keySet();
            if (!got.equals(e.getValue().segments())) {
                details.add(e.getKey() + ": finals for segments " + new TreeSet<>(got) + ", direct decoding "
                        + e.getValue().segments());
            }
        }
        r.deadLetters.forEach(reason -> details.add("dead letter: " + reason));
        List<Long> failover = new ArrayList<>();
        for (Fault fault : faults) {
            long first = r.firstFinalAfter(fault.atMs(), fault.partitions());
            if (first >= 0) {
                failover.add(first - fault.atMs());
            } else {
                rig.notes.add("no final after the fault at " + fault.atMs() + " on partitions " + fault.partitions());
            }
        }
        return new Scenario(name, false, null, settings.brokers(), standby, faults.size(), expected.size(), finals,
                lost, duplicated, changed, r.deadLetters.size(), failover, details, List.copyOf(rig.notes));
    }

    private Map<String, Direct> directStreaming(Recognizer recognizer) {
        Map<String, Direct> direct = new LinkedHashMap<>();
        for (AudioItem item : settings.items()) {
            List<RecognitionResult> finals = recognizer.transcribeStreaming(AudioDecoder.load(item.audio(), 16000),
                    1600);
            direct.put(item.utteranceId(), new Direct(finals.stream().map(RecognitionResult::text)
                    .filter(t -> !t.isBlank()).collect(Collectors.joining(" ")),
                    new TreeSet<>(finals.stream().map(RecognitionResult::segment).toList())));
        }
        return direct;
    }
}
