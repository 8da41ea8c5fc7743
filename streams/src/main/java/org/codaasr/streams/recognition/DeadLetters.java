package org.codaasr.streams.recognition;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a stage's rejects to the dead-letter sink, with the source record's topic, partition and offset. */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final ProcessorContext<String, Object> context;

    DeadLetters(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    /** Dead-letters {@code value} (the record's own bytes, or a journaled chunk drained with it). */
    void reject(Record<String, ?> record, byte[] value, String reason, Throwable error) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        forward(new DeadLetter(meta.map(RecordMetadata::topic).orElse(Topics.AUDIO),
                meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                record.key(), reason, error == null ? null : error.getClass().getName(), value,
                context.currentSystemTimeMs()), record.timestamp());
    }

    void forward(DeadLetter dl, long timestamp) {
        LOG.warn("dead letter for key {}: {}", dl.key(), dl.reason());
        context.forward(new Record<String, Object>(dl.key(), dl, timestamp), RecognitionTopology.DLQ_SINK);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
