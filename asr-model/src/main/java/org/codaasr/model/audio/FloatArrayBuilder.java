package org.codaasr.model.audio;

import java.util.Arrays;

/** Growable float array for decoders that do not know the output length up front. */
final class FloatArrayBuilder {
    private float[] data;
    private int size;

    FloatArrayBuilder(long initialCapacity) {
        data = new float[(int) Math.max(16, Math.min(initialCapacity, Integer.MAX_VALUE - 8))];
    }

    void add(float v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8L, data.length * 2L));
        }
        data[size++] = v;
    }

    int size() {
        return size;
    }

    float[] toArray() {
        return size == data.length ? data : Arrays.copyOf(data, size);
    }
}
