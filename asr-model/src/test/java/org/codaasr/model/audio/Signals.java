package org.codaasr.model.audio;

import java.util.Random;

/** Test signals and the measurements the audio tests make on them. */
final class Signals {

    private Signals() {
    }

    static float[] sine(double hz, double amplitude, int rate, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    /** Uniform values in [-1, 1) plus the two extremes, interleaved or not as the caller reads them. */
    static float[] randomFullScale(int length, long seed) {
        Random random = new Random(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        x[0] = -1f;
        x[1] = 0.9999f;
        return x;
    }

    /** Amplitude of the {@code hz} component by least-squares projection onto sin/cos over [from, to). */
    static double toneAmplitude(float[] x, int rate, double hz, int from, int to) {
        double c = 0;
        double s = 0;
        for (int i = from; i < to; i++) {
            double phase = 2 * Math.PI * hz * i / rate;
            c += x[i] * Math.cos(phase);
            s += x[i] * Math.sin(phase);
        }
        int n = to - from;
        return 2 * Math.hypot(c, s) / n;
    }

    static double rms(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) x[i] * x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /** Frequency estimate from the count of sign changes over [from, to). */
    static double zeroCrossingFrequency(float[] x, int rate, int from, int to) {
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if ((x[i - 1] < 0) != (x[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / ((to - from) / (double) rate);
    }

    static float[] interleave(float[] left, float[] right) {
        float[] out = new float[left.length * 2];
        for (int i = 0; i < left.length; i++) {
            out[2 * i] = left[i];
            out[2 * i + 1] = right[i];
        }
        return out;
    }
}
