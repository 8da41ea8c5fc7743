package org.codaasr.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C / SIGTERM handling for long-running commands: {@link #await} returns when a stop is asked for, and the
 * process ends only once {@link #close} says everything is closed, so Kafka clients, streams applications and servers
 * shut down cleanly instead of being cut off. Use as the outermost try-with-resources. Work that does not wait in
 * {@link #await} (a replay, a wait for results) is told to stop by {@link #onRequest} actions or asks
 * {@link #requested()}.
 *
 * <p>SIGTERM and SIGINT are handled here rather than by the JVM's shutdown: the JVM runs every shutdown hook at once,
 * and ONNX Runtime's hook releases its native environment while the model may still be loading or decoding (a crash).
 * After a signal, {@link #close} ends the JVM with 128 + the signal's number: 143 after SIGTERM, 130 after Ctrl-C (or
 * after 60 s if closing hangs). Other ways the JVM is asked to stop (SIGHUP, {@code System.exit}) go through a
 * shutdown hook that waits for {@link #close} in the same way.
 */
public final class ShutdownSignal implements AutoCloseable {

    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(60);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private final AtomicInteger exitStatus = new AtomicInteger();
    private final Map<Signal, SignalHandler> previousHandlers = new HashMap<>();
    private final String name;
    private final Thread hook;

    private ShutdownSignal(String name) {
        this.name = name;
        hook = new Thread(() -> {
            request();
            awaitClosed();
        }, name);
    }

    /** Handles SIGTERM and SIGINT, and registers the shutdown hook. */
    public static ShutdownSignal install(String name) {
        ShutdownSignal s = new ShutdownSignal(name);
        Runtime.getRuntime().addShutdownHook(s.hook);
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                Signal sig = new Signal(signal);
                s.previousHandlers.put(sig, Signal.handle(sig, s::onSignal));
            } catch (IllegalArgumentException notHandled) {
                // SIGINT ignored (started in the background) or taken by the VM (-Xrs): the shutdown hook stays
            }
        }
        return s;
    }

    private void onSignal(Signal signal) {
        if (!exitStatus.compareAndSet(0, 128 + signal.getNumber())) {
            return;
        }
        Thread watchdog = new Thread(() -> {
            request();
            awaitClosed();
            System.exit(exitStatus.get());
        }, name + "-signal");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private void request() {
        if (requested.getCount() == 0) {
            return;
        }
        requested.countDown();
        for (Runnable action : actions) {
            action.run();
        }
    }

    private void awaitClosed() {
        try {
            closed.await(CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code action} when a stop is asked for (at once if it already was), on the signal's or hook's thread. */
    public void onRequest(Runnable action) {
        actions.add(action);
        if (requested()) {
            action.run();
        }
    }

    /** True once a stop has been asked for. */
    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** Blocks until a stop is asked for. */
    public void await() throws InterruptedException {
        requested.await();
    }

    /** Blocks until a stop is asked for or {@code timeout} passes; true if a stop was asked for. */
    public boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Everything is closed: restores the signal handlers and drops the hook, or lets a running shutdown finish; after
     * SIGTERM or SIGINT it ends the JVM with 128 + the signal's number.
     */
    @Override
    public void close() {
        closed.countDown();
        previousHandlers.forEach(Signal::handle);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and now returns
        }
        int status = exitStatus.get();
        if (status != 0) {
            System.exit(status);
        }
    }
}
