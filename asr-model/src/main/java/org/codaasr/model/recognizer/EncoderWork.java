package org.codaasr.model.recognizer;

/**
 * Encoder work a {@link Recognizer} has done: batched model calls, the windows they carried and the feature frames
 * fed in. {@link #minus} gives the work between two readings.
 */
public record EncoderWork(long calls, long windows, long inputFrames) {

    public EncoderWork minus(EncoderWork earlier) {
        return new EncoderWork(calls - earlier.calls, windows - earlier.windows, inputFrames - earlier.inputFrames);
    }

    /** Windows per call (0 when there was no call). */
    public double meanBatch() {
        return calls == 0 ? 0.0 : (double) windows / calls;
    }
}
