package org.codaasr.ingest;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.codaasr.messages.Topics;
import org.codaasr.model.AsrException;
import org.codaasr.model.recognizer.RoutingRequest;

/**
 * Sends chunks to {@link Topics#AUDIO} and references to {@link Topics#REFERENCES} through one
 * idempotent producer (so the order of chunks within a stream is kept), key = stream id.
 * Sends are asynchronous; the first failure is reported by the next {@link #send} or {@link #flush}.
 */
public final class KafkaChunkSink implements ChunkSink {

    private final Producer<String, byte[]> producer;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback callback = (metadata, exception) -> {
        if (exception != null) {
            firstFailure.compareAndSet(null, exception);
        }
    };

    public KafkaChunkSink(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** A sink with its own producer configured by {@link IngestConfig#producerProperties()}. */
    public static KafkaChunkSink create(IngestConfig config) {
        return new KafkaChunkSink(new KafkaProducer<>(config.producerProperties(), new StringSerializer(),
                new ByteArraySerializer()));
    }

    @Override
    public void send(Reference reference) {
        throwIfFailed();
        byte[] value = AsrSerdes.reference().serializer().serialize(Topics.REFERENCES, reference);
        producer.send(new ProducerRecord<>(Topics.REFERENCES, reference.streamId(), value), callback);
    }

    @Override
    public void send(AudioChunk chunk, RoutingRequest routing) {
        throwIfFailed();
        byte[] value = AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, chunk);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.AUDIO, null, chunk.captureTimeMs(),
                chunk.streamId(), value);
        if (routing != null) {
            record.headers().add(Topics.CODA_HEADER, routing.text().getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record, callback);
    }

    @Override
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new AsrException("a send to Kafka failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
