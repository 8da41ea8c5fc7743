package org.codaasr.app.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;

/**
 * Reads {@code asr.transcripts} and {@code asr.dlq} from the start, {@code read_committed}, on a thread of its own
 * until closed: the finals per stream and segment (with when and on which partition each arrived), the
 * stream-complete records and the dead letters.
 */
final class ReadBack implements AutoCloseable {

    /** When a final arrived (wall clock, ms) and its partition of {@code asr.transcripts}. */
    record Arrival(long atMs, int partition) {}

    final Map<String, Map<Long, Integer>> finalsBySegment = new ConcurrentHashMap<>();
    final Map<String, Integer> completes = new ConcurrentHashMap<>();
    final Map<String, String> completeText = new ConcurrentHashMap<>();
    final List<String> deadLetters = new CopyOnWriteArrayList<>();
    final List<Arrival> finalArrivals = new CopyOnWriteArrayList<>();

    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final Thread thread;

    ReadBack(String servers) {
        thread = new Thread(() -> read(servers), "read-back");
        thread.setDaemon(true);
        thread.start();
    }

    /** The first final at or after {@code fromMs} on one of {@code partitions} (any, if empty), or -1. */
    long firstFinalAfter(long fromMs, Set<Integer> partitions) {
        return finalArrivals.stream().filter(a -> a.atMs() >= fromMs)
                .filter(a -> partitions.isEmpty() || partitions.contains(a.partition()))
                .mapToLong(Arrival::atMs).min().orElse(-1);
    }

    private void read(String servers) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, "faults-bench-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.TRANSCRIPTS, Topics.DLQ));
            while (reading.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    take(r);
                }
            }
        }
    }

    private void take(ConsumerRecord<String, byte[]> r) {
        if (r.topic().equals(Topics.DLQ)) {
            deadLetters.add(AsrSerdes.deadLetter().deserializer().deserialize(r.topic(), r.value()).reason());
            return;
        }
        Transcript t = AsrSerdes.transcript().deserializer().deserialize(r.topic(), r.value());
        if (t.kind() == Transcript.Kind.FINAL) {
            finalsBySegment.computeIfAbsent(t.streamId(), k -> new ConcurrentHashMap<>())
                    .merge(t.segment(), 1, Integer::sum);
            finalArrivals.add(new Arrival(System.currentTimeMillis(), r.partition()));
        } else if (t.kind() == Transcript.Kind.STREAM_COMPLETE) {
            completes.merge(t.streamId(), 1, Integer::sum);
            completeText.put(t.streamId(), t.text());
        }
    }

    @Override
    public void close() throws InterruptedException {
        reading.set(false);
        thread.join(10_000);
    }
}
