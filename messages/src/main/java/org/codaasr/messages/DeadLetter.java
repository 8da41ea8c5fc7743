package org.codaasr.messages;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record that could not be processed, on {@link Topics#DLQ} keyed like the original record.
 * In JSON the original bytes are base64 (Jackson's default for {@code byte[]}).
 *
 * @param sourceTopic   topic the record was read from
 * @param partition     its partition
 * @param offset        its offset
 * @param key           its key as a string; may be null
 * @param reason        why it was rejected, for a human
 * @param errorClass    class of the exception, or {@code "validation"} for a rule violation
 * @param originalValue the original value bytes; may be null
 * @param timestampMs   when it was dead-lettered, epoch milliseconds
 */
public record DeadLetter(String sourceTopic, int partition, long offset, String key, String reason,
                         String errorClass, byte[] originalValue, long timestampMs) {

    public DeadLetter {
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(reason, "reason");
        originalValue = originalValue == null ? null : originalValue.clone();
    }

    /** A copy of the original bytes, or null. */
    @Override
    public byte[] originalValue() {
        return originalValue == null ? null : originalValue.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter that
                && partition == that.partition && offset == that.offset && timestampMs == that.timestampMs
                && sourceTopic.equals(that.sourceTopic) && Objects.equals(key, that.key)
                && reason.equals(that.reason) && Objects.equals(errorClass, that.errorClass)
                && Arrays.equals(originalValue, that.originalValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceTopic, partition, offset, key, reason, errorClass,
                Arrays.hashCode(originalValue), timestampMs);
    }

    @Override
    public String toString() {
        return "DeadLetter[sourceTopic=" + sourceTopic + ", partition=" + partition + ", offset=" + offset
                + ", key=" + key + ", reason=" + reason + ", errorClass=" + errorClass + ", originalBytes="
                + (originalValue == null ? "null" : originalValue.length) + ", timestampMs=" + timestampMs + "]";
    }
}
