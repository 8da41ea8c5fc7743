package org.codaasr.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM handling for long-running commands: {@link #await} returns when the JVM is asked to stop, and the
 * shutdown hook then waits until {@link #close} says everything is closed, so Kafka clients, streams applications
 * and servers shut down cleanly instead of being cut off. Use as the outermost try-with-resources.
 */
public final class ShutdownSignal implements AutoCloseable {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    private ShutdownSignal(String name) {
        hook = new Thread(() -> {
            requested.countDown();
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** Registers the shutdown hook. */
    public static ShutdownSignal install(String name) {
        ShutdownSignal s = new ShutdownSignal(name);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** Blocks until the JVM is asked to stop. */
    public void await() throws InterruptedException {
        requested.await();
    }

    /** Blocks until the JVM is asked to stop or {@code timeout} passes; true if a stop was requested. */
    public boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything is closed: lets a running shutdown finish, or drops the hook if none is running. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and now returns
        }
    }
}
