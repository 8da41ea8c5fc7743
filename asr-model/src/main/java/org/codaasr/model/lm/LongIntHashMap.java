package org.codaasr.model.lm;

import java.util.Arrays;

/**
 * Open-addressing map from long keys to non-negative int values. Hand-written because an n-gram
 * table with millions of entries in a {@code HashMap<Long, Integer>} costs several times the memory.
 */
final class LongIntHashMap {

    private static final int MISSING = -1;

    private long[] keys;
    private int[] values;
    private int size;

    LongIntHashMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, MISSING);
    }

    int size() {
        return size;
    }

    /** The value stored for {@code key}, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
            if (values[slot] == MISSING) {
                return MISSING;
            }
            if (keys[slot] == key) {
                return values[slot];
            }
        }
    }

    void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be non-negative: " + value);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
            if (values[slot] == MISSING) {
                keys[slot] = key;
                values[slot] = value;
                size++;
                return;
            }
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, MISSING);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != MISSING) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
