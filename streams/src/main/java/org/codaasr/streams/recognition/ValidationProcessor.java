package org.codaasr.streams.recognition;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunkValidator;
import org.codaasr.messages.Topics;
import org.codaasr.model.recognizer.RoutingRequest;

/**
 * The first stage: an {@code asr.audio} record's bytes become an {@link AcceptedChunk} for the ordering stage, or
 * a dead letter that says why not (bytes that are not a chunk, a key that is not the chunk's stream id, values the
 * {@link AudioChunkValidator} rejects, a routing header that is neither {@code adaptive} nor a reduction factor).
 * Stateless; the source reads raw bytes so that a malformed record is a dead letter here instead of a failure of the
 * whole task.
 */
final class ValidationProcessor implements Processor<String, byte[], String, Object> {

    private final Deserializer<AudioChunk> chunkDeserializer = AsrSerdes.audioChunk().deserializer();
    private final AudioChunkValidator validator = AudioChunkValidator.defaults();
    private ProcessorContext<String, Object> context;
    private DeadLetters deadLetters;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.deadLetters = new DeadLetters(context);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        AudioChunk chunk;
        try {
            chunk = chunkDeserializer.deserialize(Topics.AUDIO, record.value());
        } catch (SerializationException e) {
            reject(record, "malformed audio chunk: " + DeadLetters.rootMessage(e), e);
            return;
        }
        if (chunk == null) {
            reject(record, "empty record value: expected an audio chunk", null);
            return;
        }
        if (record.key() != null && !record.key().equals(chunk.streamId())) {
            reject(record, "record key '" + record.key() + "' does not match the chunk's stream id '"
                    + chunk.streamId() + "'", null);
            return;
        }
        Optional<String> invalid = validator.validate(chunk);
        if (invalid.isPresent()) {
            reject(record, invalid.get(), null);
            return;
        }
        RoutingRequest routing;
        try {
            routing = routingRequest(record);
        } catch (IllegalArgumentException e) {
            reject(record, "header " + Topics.CODA_HEADER + " of chunk " + chunk.sequence() + " of stream '"
                    + chunk.streamId() + "': " + e.getMessage(), null);
            return;
        }
        context.forward(record.withValue((Object) new AcceptedChunk(chunk, routing, record.value())),
                RecognitionTopology.ORDER);
    }

    private void reject(Record<String, byte[]> record, String reason, Throwable error) {
        deadLetters.reject(record, record.value(), reason, error);
    }

    /** The stream's routing request in the record's last {@link Topics#CODA_HEADER} header; null when it has none. */
    private static RoutingRequest routingRequest(Record<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.CODA_HEADER);
        if (header == null) {
            return null;
        }
        if (header.value() == null) {
            throw new IllegalArgumentException("expected 'adaptive' or a CoDA reduction factor, got an empty value");
        }
        return RoutingRequest.parse(new String(header.value(), StandardCharsets.UTF_8));
    }
}
