package org.codaasr.ingest.protocol;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of the streams this process sends, as they come back from {@code asr.transcripts}: one consumer
 * ({@code read_committed}, no group: every partition assigned, from its end when the feed starts) hands each record
 * to the listener of its stream id. Listeners are called on the feed's thread, in the topic's order per stream.
 */
public final class TranscriptFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TranscriptFeed.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Consumer<Transcript>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private TranscriptFeed(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
        this.thread = new Thread(this::run, "coda-asr-transcript-feed");
        thread.setDaemon(true);
    }

    /**
     * Starts reading {@code asr.transcripts} of {@code bootstrapServers} from its end; returns once every partition
     * is assigned and positioned, so that no result of a stream opened after this is missed.
     */
    public static TranscriptFeed start(String bootstrapServers, KafkaClientProperties client, Duration timeout) {
        Map<String, Object> config = client.applyTo(new HashMap<>());
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "coda-asr-transcript-feed",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        TranscriptFeed feed = new TranscriptFeed(new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer()));
        feed.thread.start();
        try {
            if (!feed.ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                feed.close();
                throw new AsrException("expected topic " + Topics.TRANSCRIPTS + " on " + bootstrapServers
                        + " within " + timeout.toSeconds() + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            feed.close();
            throw new AsrException("interrupted while starting the transcript feed", e);
        }
        if (feed.failure.get() != null) {
            feed.close();
            throw new AsrException("could not read " + Topics.TRANSCRIPTS + " on " + bootstrapServers,
                    feed.failure.get());
        }
        return feed;
    }

    /** Hands every later record of {@code streamId} to {@code listener} until the returned handle is closed. */
    public AutoCloseable subscribe(String streamId, Consumer<Transcript> listener) {
        listeners.put(streamId, listener);
        return () -> listeners.remove(streamId, listener);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolves the end offsets now, before anyone subscribes
            ready.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("transcript feed woken up while running", e);
            }
        } catch (RuntimeException e) {
            failure.set(e);
            LOG.error("transcript feed stopped", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ready.countDown();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private List<TopicPartition> awaitPartitions() throws InterruptedException {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(Topics.TRANSCRIPTS, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.info("waiting for topic {}: {}", Topics.TRANSCRIPTS, e.getMessage());
            }
            Thread.sleep(500);
        }
        throw new WakeupException();
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        Consumer<Transcript> listener = record.key() == null ? null : listeners.get(record.key());
        if (listener == null || record.value() == null) {
            return;
        }
        try {
            listener.accept(AsrSerdes.transcript().deserializer().deserialize(record.topic(), record.value()));
        } catch (KafkaException | IllegalArgumentException e) {
            LOG.warn("transcript feed skipped an unreadable record of stream {}: {}", record.key(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("the listener of stream {} failed", record.key(), e);
        }
    }

    /** Stops reading. Idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
