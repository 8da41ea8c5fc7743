package org.codaasr.streams.recognition;

import java.util.function.Supplier;

/**
 * One value per stream thread, owned by the topology that builds the processors (one per {@code build}, never a
 * static, so two topologies in one JVM, or two test drivers, share nothing). Kafka Streams runs all tasks of a stream
 * thread one after another on that thread, so what they share through it needs no locking; a processor takes its
 * thread's value when it first processes a record or punctuates (both run on the thread that runs its task).
 */
final class PerStreamThread<T> {

    private final ThreadLocal<T> values;

    PerStreamThread(Supplier<T> create) {
        this.values = ThreadLocal.withInitial(create);
    }

    /** The calling stream thread's value, created on its first call. */
    T current() {
        return values.get();
    }
}
