package org.codaasr.streams.web;

import org.codaasr.messages.DeadLetter;

/**
 * A dead letter as the live view shows it: where it came from and why, without the original bytes.
 *
 * @param sourceTopic   topic the rejected record was read from
 * @param partition     its partition
 * @param offset        its offset
 * @param key           its key; may be null
 * @param reason        why it was rejected
 * @param errorClass    exception class or {@code "validation"}
 * @param originalBytes size of the original value, -1 when absent
 * @param timestampMs   when it was dead-lettered, epoch ms
 */
public record DeadLetterView(String sourceTopic, int partition, long offset, String key, String reason,
                             String errorClass, int originalBytes, long timestampMs) {

    public static DeadLetterView of(DeadLetter d) {
        byte[] original = d.originalValue();
        return new DeadLetterView(d.sourceTopic(), d.partition(), d.offset(), d.key(), d.reason(), d.errorClass(),
                original == null ? -1 : original.length, d.timestampMs());
    }
}
