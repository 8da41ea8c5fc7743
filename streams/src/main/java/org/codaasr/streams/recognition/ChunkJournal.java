package org.codaasr.streams.recognition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The chunk journal: each accepted chunk's bytes by stream and sequence, written in the transaction that consumes it,
 * from its arrival (or its turn, when it came early) until a recognizer snapshot holds it or the stream ends.
 */
final class ChunkJournal {

    private final KeyValueStore<String, byte[]> store;

    ChunkJournal(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    byte[] get(String id, long sequence) {
        return store.get(key(id, sequence));
    }

    void put(String id, long sequence, byte[] chunk) {
        store.put(key(id, sequence), chunk);
    }

    void delete(String id, long sequence) {
        store.delete(key(id, sequence));
    }

    /** Sequences of the stream's journaled chunks from {@code from} on, in order. */
    List<Long> sequencesFrom(String id, long from) {
        List<Long> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(key(id, from), key(id, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                out.add(sequenceOf(it.next().key));
            }
        }
        return out;
    }

    /** Hands the stream's chunks {@code from..to} (inclusive), in sequence order, to {@code replay}. */
    void forEach(String id, long from, long to, Consumer<byte[]> replay) {
        try (KeyValueIterator<String, byte[]> it = store.range(key(id, from), key(id, to))) {
            while (it.hasNext()) {
                replay.accept(it.next().value);
            }
        }
    }

    /** Deletes the stream's chunks from {@code from} up to, not including, {@code to}. */
    void deleteRange(String id, long from, long to) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(key(id, from), key(id, to))) {
            while (it.hasNext()) {
                String k = it.next().key;
                if (sequenceOf(k) < to) {
                    keys.add(k);
                }
            }
        }
        keys.forEach(store::delete);
    }

    static String key(String streamId, long sequence) {
        // zero-padded so that the store's lexicographic order is sequence order (no String.format: hot path)
        String digits = Long.toString(sequence);
        return streamId + '\u0000' + "0000000000000000000".substring(digits.length()) + digits;
    }

    static long sequenceOf(String journalKey) {
        return Long.parseLong(journalKey.substring(journalKey.lastIndexOf('\u0000') + 1));
    }
}
