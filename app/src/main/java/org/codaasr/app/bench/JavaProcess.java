package org.codaasr.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.codaasr.model.AsrException;

/** JVMs on this JVM's class path (which holds Kafka's server jars), as the fault scenarios start them. */
final class JavaProcess {

    private JavaProcess() {}

    /** A JVM running {@code mainAndArgs}, its output to {@code log}; {@code prefix} (e.g. a netns exec) before it. */
    static Process start(List<String> prefix, List<String> mainAndArgs, Path log, String... jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static Process start(List<String> mainAndArgs, Path log, String... jvmOptions) throws IOException {
        return start(List.of(), mainAndArgs, log, jvmOptions);
    }

    /** Runs {@code mainAndArgs} to its end (at most 2 minutes); an exit status other than 0 is an error. */
    static void run(List<String> mainAndArgs, Path log) throws IOException {
        Process p = start(mainAndArgs, log, "-Xmx256m");
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AsrException(mainAndArgs.get(0) + " failed:\n" + tail(log));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while running " + mainAndArgs.get(0), e);
        }
    }

    /** The last 30 lines of a process's output, for an error message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
