package org.codaasr.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.messages.WerRecord;

/**
 * Reads the pipeline's outputs (committed records only) and keeps what a demo or benchmark reports: completed
 * streams, per-utterance WER, the running aggregates, dead letters and result latencies.
 */
public final class PipelineMonitor implements AutoCloseable {

    /** Something the monitor saw, for printing. */
    public sealed interface Event permits TranscriptEvent, WerEvent, AggregateEvent, DeadLetterEvent {}

    public record TranscriptEvent(Transcript transcript) implements Event {}

    public record WerEvent(WerRecord record) implements Event {}

    public record AggregateEvent(WerAggregate aggregate) implements Event {}

    public record DeadLetterEvent(DeadLetter deadLetter) implements Event {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Transcript> completed = new ConcurrentHashMap<>();
    private final Map<String, WerRecord> wer = new ConcurrentHashMap<>();
    private final Map<String, WerAggregate> aggregates = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
    private final List<Latency> finalLatencies = Collections.synchronizedList(new ArrayList<>());
    private final List<Latency> partialLatencies = Collections.synchronizedList(new ArrayList<>());
    /** The next offset expected per partition: a consumer reset (e.g. across a broker restart) reads again from the
     * earliest offset, and records already seen must not count twice. Touched by the monitor thread only. */
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    private final AtomicLong reread = new AtomicLong();

    /** The latency of one result of one stream. */
    private record Latency(String streamId, long millis, int codaR) {}

    private PipelineMonitor(String bootstrapServers, KafkaClientProperties client, Consumer<Event> listener) {
        Properties p = client.applyTo(new Properties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "coda-asr-monitor-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.TRANSCRIPTS, Topics.WER, Topics.WER_AGGREGATES, Topics.DLQ));
        thread = new Thread(() -> loop(listener), "pipeline-monitor");
        thread.setDaemon(true);
    }

    /** Starts reading from the beginning of every output topic; {@code listener} runs on the monitor's thread. */
    public static PipelineMonitor start(String bootstrapServers, Consumer<Event> listener) {
        return start(bootstrapServers, KafkaClientProperties.NONE, listener);
    }

    /** {@link #start(String, Consumer)} on a cluster that needs the {@code client} security settings. */
    public static PipelineMonitor start(String bootstrapServers, KafkaClientProperties client,
            Consumer<Event> listener) {
        PipelineMonitor m = new PipelineMonitor(bootstrapServers, client, listener);
        m.thread.start();
        return m;
    }

    private void loop(Consumer<Event> listener) {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < nextOffset.getOrDefault(tp, 0L)) {
                        reread.incrementAndGet();
                        continue;
                    }
                    nextOffset.put(tp, r.offset() + 1);
                    Event e = decode(r);
                    if (e != null) {
                        listener.accept(e);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private Event decode(ConsumerRecord<String, byte[]> r) {
        switch (r.topic()) {
            case Topics.TRANSCRIPTS -> {
                Transcript t = AsrSerdes.transcript().deserializer().deserialize(r.topic(), r.value());
                if (t == null) {
                    return null;
                }
                if (t.streamComplete()) {
                    completed.put(t.streamId(), t);
                } else if (t.isFinal()) {
                    finalLatencies.add(new Latency(t.streamId(), observedLatency(t), t.codaR()));
                } else {
                    partialLatencies.add(new Latency(t.streamId(), observedLatency(t), t.codaR()));
                }
                return new TranscriptEvent(t);
            }
            case Topics.WER -> {
                WerRecord w = AsrSerdes.werRecord().deserializer().deserialize(r.topic(), r.value());
                wer.put(w.utteranceId(), w);
                return new WerEvent(w);
            }
            case Topics.WER_AGGREGATES -> {
                WerAggregate a = AsrSerdes.werAggregate().deserializer().deserialize(r.topic(), r.value());
                aggregates.put(r.key(), a);
                return new AggregateEvent(a);
            }
            case Topics.DLQ -> {
                DeadLetter d = AsrSerdes.deadLetter().deserializer().deserialize(r.topic(), r.value());
                deadLetters.add(d);
                return new DeadLetterEvent(d);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Latency as a consumer sees it: from the capture of the newest audio the result covers to the moment the
     * committed result reached this monitor (so it includes the transaction commit interval), not just to its
     * emission inside the processor.
     */
    private static long observedLatency(Transcript t) {
        long capturedAt = t.createdAtMs() - t.latencyMs();
        return Math.max(0, System.currentTimeMillis() - capturedAt);
    }

    /** Waits until {@code streams} streams are complete and scored, or the timeout passes. */
    public boolean awaitCompleted(int streams, int scored, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (completed.size() >= streams && wer.size() >= scored) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public Map<String, Transcript> completed() {
        return Map.copyOf(completed);
    }

    public Map<String, WerRecord> werRecords() {
        return Map.copyOf(wer);
    }

    public Map<String, WerAggregate> aggregates() {
        return Map.copyOf(aggregates);
    }

    /** Records read a second time after the consumer's position was reset, and skipped. */
    public long rereadRecords() {
        return reread.get();
    }

    public List<DeadLetter> deadLetters() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }

    /** Latencies of every final result (not the stream-complete records), in arrival order. */
    public List<Long> finalLatencies() {
        return finalLatencies(id -> true);
    }

    /** Latencies of the finals of the streams {@code streams} accepts, in arrival order. */
    public List<Long> finalLatencies(Predicate<String> streams) {
        return select(finalLatencies, streams);
    }

    /** Final results of the selected streams counted by the CoDA reduction factor that produced them. */
    public SortedMap<Integer, Long> finalsByCodaR(Predicate<String> streams) {
        SortedMap<Integer, Long> counts = new TreeMap<>();
        synchronized (finalLatencies) {
            for (Latency l : finalLatencies) {
                if (streams.test(l.streamId())) {
                    counts.merge(l.codaR(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    public List<Long> partialLatencies() {
        return partialLatencies(id -> true);
    }

    public List<Long> partialLatencies(Predicate<String> streams) {
        return select(partialLatencies, streams);
    }

    private static List<Long> select(List<Latency> from, Predicate<String> streams) {
        synchronized (from) {
            return from.stream().filter(l -> streams.test(l.streamId())).map(Latency::millis).toList();
        }
    }

    /** The p-th percentile (0-100) of a list of values, nearest rank; 0 for an empty list. */
    public static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
