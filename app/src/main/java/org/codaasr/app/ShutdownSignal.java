package org.codaasr.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM handling for long-running commands: {@link #await} returns when the JVM is asked to stop, and the
 * shutdown hook then waits until {@link #close} says everything is closed, so Kafka clients, streams applications
 * and servers shut down cleanly instead of being cut off. Use as the outermost try-with-resources. Work that does not
 * wait in {@link #await} (a replay, a wait for results) is told to stop by {@link #onRequest} actions or asks
 * {@link #requested()}. The JVM then exits with 128 + the signal's number: 143 after SIGTERM, 130 after Ctrl-C.
 */
public final class ShutdownSignal implements AutoCloseable {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private final Thread hook;

    private ShutdownSignal(String name) {
        hook = new Thread(() -> {
            requested.countDown();
            for (Runnable action : actions) {
                action.run();
            }
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

    /** Runs {@code action} on the hook's thread when the JVM is asked to stop (at once if it already was). */
    public void onRequest(Runnable action) {
        actions.add(action);
        if (requested()) {
            action.run();
        }
    }

    /** True once the JVM has been asked to stop. */
    public boolean requested() {
        return requested.getCount() == 0;
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
