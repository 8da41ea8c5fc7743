package org.codaasr.model.audio;

import java.util.Arrays;

/** Growable float array, for decoders and readers that do not know the output length up front. */
public final class FloatArrayBuilder {
    private float[] data;
    private int size;

    public FloatArrayBuilder(long initialCapacity) {
        data = new float[(int) Math.max(16, Math.min(initialCapacity, Integer.MAX_VALUE - 8))];
    }

    public void add(float v) {
        ensure(size + 1L);
        data[size++] = v;
    }

    public void addAll(float[] values) {
        ensure(size + (long) values.length);
        System.arraycopy(values, 0, data, size, values.length);
        size += values.length;
    }

    private void ensure(long needed) {
        if (needed > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(needed, data.length * 2L)));
        }
    }

    public int size() {
        return size;
    }

    public float[] toArray() {
        return size == data.length ? data : Arrays.copyOf(data, size);
    }
}
