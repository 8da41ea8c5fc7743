package org.codaasr.app.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.TopicSetup;

/**
 * Fault scenarios against real processes: Kafka's own broker ({@link KafkaBrokerProcess}), {@code asr streams} and
 * {@code asr ingest --realtime} each in a JVM of its own with a capped heap, the output topics read back
 * {@code read_committed} by a Kafka consumer, and every utterance's final text compared with decoding its audio
 * directly in the pipeline's 100 ms chunks (what a fault-free run gives: {@code FaultInjectionIT} finds no
 * difference).
 *
 * <p>Built so far: {@code streams-kill}, {@code kill -9} of the streams JVM {@code kills} times at seeded random
 * moments while the utterances stream in, each restarted on an empty state folder, every {@code slowEvery}-th only
 * after {@code slowRestartMs} (longer than the idle timeout).
 */
public final class FaultBenchmark {

    private static final String APP_ID = "faults-bench";
    private static final int PARTITIONS = 2;

    /**
     * @param memberArgs model and decoding arguments for {@code asr streams} (the direct decoding uses the same)
     */
    public record Settings(Path data, List<AudioItem> items, int concurrency, int kills, int slowEvery,
            long slowRestartMs, long seed, List<String> memberArgs, Path workDir) {
        public Settings {
            if (items.isEmpty() || concurrency < 1 || kills < 0 || slowEvery < 1 || slowRestartMs < 0) {
                throw new IllegalArgumentException("expected utterances, concurrency >= 1, kills >= 0, slowEvery >= 1"
                        + " and slowRestartMs >= 0");
            }
            items = List.copyOf(items);
            memberArgs = List.copyOf(memberArgs);
        }
    }

    /**
     * One scenario's outcome, in the JSON of {@code asr bench faults}.
     *
     * @param faults faults injected (kills stop when the ingest has sent everything)
     * @param failoverMs per fault, the time from the fault to the first final after it
     * @param details what was lost, duplicated or changed, one line each
     */
    public record Scenario(String name, boolean skipped, String reason, int faults, int utterances, int finals,
            int lost, int duplicated, int changed, int deadLetters, List<Long> failoverMs, List<String> details) {}

    private final Settings settings;
    private final PrintStream out;
    private final Map<String, Map<Long, Integer>> finalsBySegment = new ConcurrentHashMap<>();
    private final Map<String, Integer> completes = new ConcurrentHashMap<>();
    private final Map<String, String> completeText = new ConcurrentHashMap<>();
    private final List<String> deadLetters = new CopyOnWriteArrayList<>();
    private final List<Long> finalArrivals = new CopyOnWriteArrayList<>();
    private int generation;

    public FaultBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** The fault-free answer per utterance: its text and the segments that each get one final. */
    private record Direct(String text, Set<Long> segments) {}

    public Scenario streamsKill(Recognizer recognizer) throws Exception {
        Map<String, Direct> expected = directStreaming(recognizer);
        List<Long> faultTimes = new ArrayList<>();
        Files.createDirectories(settings.workDir());
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(settings.workDir().resolve("broker"), "768m")) {
            String servers = broker.bootstrapServers();
            TopicSetup.ensure(servers, PARTITIONS, (short) 1);
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = new Thread(() -> readBack(servers, reading), "read-back");
            reader.start();
            Process member = startMember(servers);
            Process ingest = KafkaBrokerProcess.java(List.of("org.codaasr.app.AsrCli", "ingest", "--bootstrap-servers",
                    servers, "--librispeech", settings.data().toString(), "--limit",
                    Integer.toString(settings.items().size()), "--realtime", "--concurrency",
                    Integer.toString(settings.concurrency()), "--run-id", "faults"),
                    settings.workDir().resolve("ingest.out"), "-Xmx512m");
            try {
                Random random = new Random(settings.seed());
                for (int i = 0; i < settings.kills() && ingest.isAlive(); i++) {
                    Thread.sleep(1_000 + random.nextInt(3_000));
                    member.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    faultTimes.add(System.currentTimeMillis());
                    boolean slow = i % settings.slowEvery() == settings.slowEvery() - 1;
                    out.printf("kill -9 #%d of asr streams; restart in %d ms%n", i + 1,
                            slow ? settings.slowRestartMs() : 1_000);
                    Thread.sleep(slow ? settings.slowRestartMs() : 1_000);
                    member = startMember(servers);
                }
                if (!ingest.waitFor(30, TimeUnit.MINUTES) || ingest.exitValue() != 0) {
                    throw new AsrException("asr ingest failed:\n"
                            + KafkaBrokerProcess.tail(settings.workDir().resolve("ingest.out")));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (completes.size() < expected.size() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                Thread.sleep(3_000); // a duplicate or a late reopen would show up by now
            } finally {
                member.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                ingest.destroyForcibly();
                reading.set(false);
                reader.join(10_000);
            }
        }
        return score("streams-kill", expected, faultTimes);
    }

    private Scenario score(String name, Map<String, Direct> expected, List<Long> faultTimes) {
        int finals = 0;
        int duplicated = 0;
        List<String> details = new ArrayList<>();
        for (Map.Entry<String, Map<Long, Integer>> e : finalsBySegment.entrySet()) {
            for (Map.Entry<Long, Integer> seg : e.getValue().entrySet()) {
                finals += seg.getValue();
                if (seg.getValue() > 1) {
                    duplicated += seg.getValue() - 1;
                    details.add(e.getKey() + ": segment " + seg.getKey() + " final x" + seg.getValue());
                }
            }
        }
        for (Map.Entry<String, Integer> e : completes.entrySet()) {
            if (e.getValue() > 1) {
                duplicated += e.getValue() - 1;
                details.add(e.getKey() + ": stream-complete x" + e.getValue());
            }
        }
        int lost = 0;
        int changed = 0;
        for (Map.Entry<String, Direct> e : expected.entrySet()) {
            String text = completeText.get(e.getKey());
            if (text == null) {
                lost++;
                details.add(e.getKey() + ": no stream-complete record");
            } else if (!text.equals(e.getValue().text())) {
                changed++;
                details.add(e.getKey() + ": '" + text + "' instead of '" + e.getValue().text() + "'");
            }
            Set<Long> got = finalsBySegment.getOrDefault(e.getKey(), Map.of()).keySet();
            if (!got.equals(e.getValue().segments())) {
                details.add(e.getKey() + ": finals for segments " + new TreeSet<>(got) + ", direct decoding "
                        + e.getValue().segments());
            }
        }
        List<Long> failover = new ArrayList<>();
        for (long fault : faultTimes) {
            finalArrivals.stream().filter(t -> t >= fault).min(Long::compare).ifPresent(t -> failover.add(t - fault));
        }
        return new Scenario(name, false, null, faultTimes.size(), expected.size(), finals, lost, duplicated, changed,
                deadLetters.size(), failover, details);
    }

    /** Reads {@code asr.transcripts} and {@code asr.dlq} from the start, read_committed, until told to stop. */
    private void readBack(String servers, AtomicBoolean reading) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, "faults-bench-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.TRANSCRIPTS, Topics.DLQ));
            while (reading.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.DLQ)) {
                        deadLetters.add(AsrSerdes.deadLetter().deserializer().deserialize(r.topic(), r.value())
                                .reason());
                        continue;
                    }
                    Transcript t = AsrSerdes.transcript().deserializer().deserialize(r.topic(), r.value());
                    if (t.kind() == Transcript.Kind.FINAL) {
                        finalsBySegment.computeIfAbsent(t.streamId(), k -> new ConcurrentHashMap<>())
                                .merge(t.segment(), 1, Integer::sum);
                        finalArrivals.add(System.currentTimeMillis());
                    } else if (t.kind() == Transcript.Kind.STREAM_COMPLETE) {
                        completes.merge(t.streamId(), 1, Integer::sum);
                        completeText.put(t.streamId(), t.text());
                    }
                }
            }
        }
    }

    /** {@code asr streams} in a JVM of its own on an empty state folder; returns once it says it runs. */
    private Process startMember(String servers) throws IOException, InterruptedException {
        int n = ++generation;
        Path log = settings.workDir().resolve("streams-" + n + ".out");
        List<String> args = new ArrayList<>(List.of("org.codaasr.app.AsrCli", "streams", "--bootstrap-servers",
                servers, "--state-dir", settings.workDir().resolve("state-" + n).toString(), "--application-id",
                APP_ID, "--partitions", Integer.toString(PARTITIONS)));
        args.addAll(settings.memberArgs());
        Process p = KafkaBrokerProcess.java(args, log, "-Xmx1g");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AsrException("asr streams exited with " + p.exitValue() + ":\n" + KafkaBrokerProcess.tail(log));
            }
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("streams running")) {
                return p;
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new AsrException("asr streams did not report running within 180 s:\n" + KafkaBrokerProcess.tail(log));
    }

    private Map<String, Direct> directStreaming(Recognizer recognizer) {
        Map<String, Direct> expected = new java.util.LinkedHashMap<>();
        for (AudioItem item : settings.items()) {
            List<RecognitionResult> finals = recognizer.transcribeStreaming(AudioDecoder.load(item.audio(), 16000),
                    1600);
            expected.put(item.utteranceId(), new Direct(finals.stream().map(RecognitionResult::text)
                    .filter(t -> !t.isBlank()).collect(Collectors.joining(" ")),
                    new TreeSet<>(finals.stream().map(RecognitionResult::segment).toList())));
        }
        return expected;
    }
}
