package org.codaasr.model.audio;

import java.util.Objects;

/**
 * Mono PCM audio: samples nominally in [-1, 1] (IEEE-float sources may exceed it slightly) at
 * {@code sampleRate} Hz. The array is not copied, for speed; treat it as read-only once wrapped.
 */
public record AudioData(float[] samples, int sampleRate) {

    public AudioData {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be > 0 Hz, got " + sampleRate);
        }
    }

    /** Length in seconds: number of samples divided by the sample rate. */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }
}
