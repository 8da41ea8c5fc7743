package org.codaasr.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.app.pipeline.Pipeline;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.Topics;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.TopicSetup;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;

/**
 * Real-time capacity with the recognition application scaled out: {@code asr streams} runs in {@code instances}
 * JVMs of its own that share the partitions of {@code asr.audio} (one consumer group), while this JVM runs the
 * broker, the real-time ingest and the monitor. For each level it reports the latencies of all streams and, per
 * instance, the partitions it held, the audio it completed and the CPU its whole process used, so a reader can see
 * how the cost grows as streams and instances grow.
 */
public final class InstancesBenchmark {

    /** Settings of one run; {@code modelArgs} are passed to every instance, so they all decode alike. */
    public record Settings(int partitions, int streamThreads, double seconds, double heldP95Ms,
            List<String> modelArgs) {
        public Settings {
            if (partitions < 1 || streamThreads < 1 || !(seconds > 0)) {
                throw new IllegalArgumentException("expected partitions, stream threads >= 1 and seconds > 0, got "
                        + partitions + ", " + streamThreads + ", " + seconds);
            }
            modelArgs = List.copyOf(modelArgs);
        }
    }

    /**
     * One instance's share of a level.
     *
     * @param cpuSeconds CPU time of the whole instance process during the measured load (stream threads, ONNX
     *     Runtime, GC, its Kafka clients and its WER application)
     */
    public record Instance(long pid, List<Integer> partitions, int completed, double audioSeconds, double cpuSeconds,
            long finalP95Ms) {
        public double cpuMsPerAudioSecond() {
            return audioSeconds > 0 ? 1000 * cpuSeconds / audioSeconds : 0;
        }
    }

    /** One level: {@code streams} real-time streams over {@code instances} instances. */
    public record Level(int instances, int streams, int completed, long finalP50Ms, long finalP95Ms, long finalP99Ms,
            double lagGrowthMs, boolean held, boolean assignmentStable, double wallSeconds, List<Instance> perInstance) {
        public double audioSeconds() {
            return perInstance.stream().mapToDouble(Instance::audioSeconds).sum();
        }

        public double cpuSeconds() {
            return perInstance.stream().mapToDouble(Instance::cpuSeconds).sum();
        }
    }

    private static final Pattern PARTITIONS = Pattern.compile("^streams: .*, partitions \\[([0-9, ]*)\\]$");

    private final List<AudioItem> items;
    private final Settings settings;
    private final Map<Path, float[]> decoded = new HashMap<>();
    private final double meanSeconds;

    public InstancesBenchmark(List<AudioItem> items, Settings settings) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("expected utterances to replay, got none");
        }
        this.items = List.copyOf(items);
        this.settings = settings;
        double total = 0;
        for (AudioItem item : items) {
            float[] s = AudioLoader.decoder().load16k(item.audio());
            decoded.put(item.audio(), s);
            total += s.length / 16000.0;
        }
        this.meanSeconds = total / items.size();
    }

    /** The partition each stream's chunks went to, read back from {@code asr.audio} (keys only). */
    private static Map<String, Integer> streamPartitions(String servers) {
        Map<String, Integer> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.AUDIO).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null) {
                        out.putIfAbsent(r.key(), r.partition());
                    }
                }
            }
        }
        return out;
    }

    /** The partitions in the last status line of an instance's output that names them; empty when none yet. */
    static List<Integer> lastPartitions(List<String> output) {
        for (int i = output.size() - 1; i >= 0; i--) {
            Matcher m = PARTITIONS.matcher(output.get(i));
            if (m.matches()) {
                List<Integer> out = new ArrayList<>();
                for (String p : m.group(1).split(",")) {
                    if (!p.isBlank()) {
                        out.add(Integer.parseInt(p.trim()));
                    }
                }
                return out;
            }
        }
        return List.of();
    }

    /** Runs one level on a fresh broker with fresh instances. */
    public Level run(int instances, int streams, java.io.PrintStream log) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("coda-asr-instances");
        List<Process> members = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        String appId = "bench-instances-" + instances + "x" + streams;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, settings.partitions(), (short) 1);
            for (int i = 0; i < instances; i++) {
                Path out = work.resolve("instance-" + i + ".out");
                outputs.add(out);
                members.add(startInstance(servers, appId, work.resolve("state-" + i), out));
            }
            try (PipelineMonitor monitor = PipelineMonitor.start(servers, e -> { })) {
                awaitAssignment(members, outputs);
                warmUp(servers, monitor);
                Map<Integer, Integer> owner = owners(outputs);
                int total = Math.max(streams, (int) Math.ceil(streams * settings.seconds() / meanSeconds));
                List<AudioItem> load = BenchLoad.repeated(items, total, "rt");
                Set<String> ids = new HashSet<>();
                load.forEach(i -> ids.add(i.utteranceId()));
                double[] cpuStart = cpu(members);
                long start = System.nanoTime();
                ingest(servers, load, streams);
                long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
                while (System.nanoTime() < deadline && BenchLoad.completed(monitor, ids) < load.size()) {
                    Thread.sleep(50);
                }
                double wall = (System.nanoTime() - start) / 1e9;
                double[] cpuEnd = cpu(members);
                Map<Integer, Integer> ownerAfter = owners(outputs);
                log.printf("  %d instances, %d streams: %d of %d completed in %.0f s%n", instances, streams,
                        BenchLoad.completed(monitor, ids), load.size(), wall);
                return level(instances, streams, monitor, ids, load.size(), streamPartitions(servers), owner,
                        owner.equals(ownerAfter), members, cpuStart, cpuEnd, wall);
            }
        } finally {
            for (Process p : members) {
                p.destroy();
            }
            for (Process p : members) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            Pipeline.deleteTree(work);
        }
    }

    private Level level(int instances, int streams, PipelineMonitor monitor, Set<String> ids, int total,
            Map<String, Integer> partitionOfStream, Map<Integer, Integer> owner, boolean stable, List<Process> members, double[] cpuStart, double[] cpuEnd,
            double wall) {
        List<Instance> per = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            int instance = i;
            List<Integer> held = owner.entrySet().stream().filter(e -> e.getValue() == instance)
                    .map(Map.Entry::getKey).sorted().toList();
            Set<String> mine = new HashSet<>();
            double audio = 0;
            for (Map.Entry<String, org.codaasr.messages.Transcript> e : monitor.completed().entrySet()) {
                if (ids.contains(e.getKey()) && held.contains(partitionOfStream.getOrDefault(e.getKey(), -1))) {
                    mine.add(e.getKey());
                    audio += e.getValue().audioEndSeconds();
                }
            }
            per.add(new Instance(members.get(i).pid(), held, mine.size(), audio, cpuEnd[i] - cpuStart[i],
                    PipelineMonitor.percentile(monitor.finalLatencies(mine::contains), 95)));
        }
        List<Long> finals = monitor.finalLatencies(ids::contains);
        double growth = BenchLoad.lagGrowthMs(finals);
        long p95 = PipelineMonitor.percentile(finals, 95);
        int done = BenchLoad.completed(monitor, ids);
        boolean held = BenchLoad.held(done, total, p95, growth, settings.heldP95Ms());
        return new Level(instances, streams, done, PipelineMonitor.percentile(finals, 50), p95,
                PipelineMonitor.percentile(finals, 99), growth, held, stable, wall, per);
    }

    private Process startInstance(String servers, String appId, Path stateDir, Path out) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        String home = System.getProperty("asr.home");
        if (home != null) {
            command.add("-Dasr.home=" + home);
        }
        command.addAll(List.of("org.codaasr.app.AsrCli", "streams", "--bootstrap-servers", servers,
                "--application-id", appId, "--state-dir", stateDir.toString(), "--partitions",
                String.valueOf(settings.partitions()), "--stream-threads", String.valueOf(settings.streamThreads()),
                "--status-interval", "1", "--metrics-port", "0"));
        command.addAll(settings.modelArgs());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** Waits until every instance runs and their status lines share out all partitions (at most 180 s). */
    private void awaitAssignment(List<Process> members, List<Path> outputs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < members.size(); i++) {
                if (!members.get(i).isAlive()) {
                    throw new AsrException("instance " + i + " exited with " + members.get(i).exitValue() + ":\n"
                            + Files.readString(outputs.get(i)));
                }
            }
            Map<Integer, Integer> owner = owners(outputs);
            boolean everyoneHolds = true;
            for (int i = 0; i < members.size(); i++) {
                everyoneHolds &= owner.containsValue(i);
            }
            if (owner.size() == settings.partitions() && everyoneHolds) {
                Thread.sleep(2_000); // and it stays so: a rebalance still settling would show in the next lines
                if (owners(outputs).equals(owner)) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AsrException("the " + members.size() + " instances did not share the " + settings.partitions()
                + " partitions within 180 s (see " + outputs + ")");
    }

    /** Partition -> instance index, from each instance's last status line. */
    private static Map<Integer, Integer> owners(List<Path> outputs) throws IOException {
        Map<Integer, Integer> owner = new HashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            List<String> lines = Files.exists(outputs.get(i))
                    ? Files.readAllLines(outputs.get(i), StandardCharsets.UTF_8) : List.of();
            for (int p : lastPartitions(lines)) {
                owner.put(p, i);
            }
        }
        return owner;
    }

    /** Short streams on every partition first: JIT, ONNX Runtime allocations and task setup are not measured. */
    private void warmUp(String servers, PipelineMonitor monitor) throws InterruptedException {
        List<AudioItem> warm = BenchLoad.repeated(items, 2 * settings.partitions(), "warmup");
        Set<String> ids = new HashSet<>();
        warm.forEach(i -> ids.add(i.utteranceId()));
        ingest(servers, warm, warm.size());
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && BenchLoad.completed(monitor, ids) < warm.size()) {
            Thread.sleep(50);
        }
    }

    private void ingest(String servers, List<AudioItem> load, int concurrency) {
        try (AudioIngestor ingestor = AudioIngestor.toKafka(IngestConfig.defaults().withBootstrapServers(servers)
                .withConcurrency(concurrency).withRealtime(true).withRunId("instances"),
                BenchLoad.predecoded(decoded))) {
            ingestor.ingest(load);
        }
    }

    /** CPU seconds each process has used so far (0 where the platform does not say). */
    private static double[] cpu(List<Process> members) {
        double[] out = new double[members.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = members.get(i).info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        }
        return out;
    }
}
