package org.codaasr.model.recognizer;

/**
 * Encoder work a {@link Recognizer} has done: batched model calls, the windows they carried, the feature frames fed
 * in and the CPU time the decoding threads spent inside the calls (with one intra-op thread, ONNX Runtime computes on
 * the calling thread, so this is the encoder's whole CPU cost). {@link #minus} gives the work between two readings.
 */
public record EncoderWork(long calls, long windows, long inputFrames, long cpuNanos) {

    public EncoderWork minus(EncoderWork earlier) {
        return new EncoderWork(calls - earlier.calls, windows - earlier.windows, inputFrames - earlier.inputFrames,
                cpuNanos - earlier.cpuNanos);
    }

    /** Windows per call (0 when there was no call). */
    public double meanBatch() {
        return calls == 0 ? 0.0 : (double) windows / calls;
    }
}
