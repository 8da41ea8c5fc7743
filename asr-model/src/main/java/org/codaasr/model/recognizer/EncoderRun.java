package org.codaasr.model.recognizer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What one {@link ModelFamily#run} cost: the model calls made and the thread CPU time spent inside them (not in
 * decoding their output).
 */
record EncoderRun(int calls, long cpuNanos) {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The calling thread's CPU time so far, in nanoseconds. */
    static long threadCpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** One model call that started at {@code cpuStart} ({@link #threadCpuNanos()}) and ends now. */
    static EncoderRun oneCallSince(long cpuStart) {
        return new EncoderRun(1, threadCpuNanos() - cpuStart);
    }

    EncoderRun plus(EncoderRun other) {
        return new EncoderRun(calls + other.calls, cpuNanos + other.cpuNanos);
    }
}
