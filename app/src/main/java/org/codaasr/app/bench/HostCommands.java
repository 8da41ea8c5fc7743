package org.codaasr.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs the host's own tools ({@code ip}, {@code mount}) for the network and disk faults. */
final class HostCommands {

    private HostCommands() {}

    /** Runs {@code command}; an exit status other than 0 throws with its output. */
    static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Runs {@code command}, ignoring how it ends (clean-up of what may not exist). */
    static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IOException ignored) {
            // nothing to clean up
        }
    }
}
