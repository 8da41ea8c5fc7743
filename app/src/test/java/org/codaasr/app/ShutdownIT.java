package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what {@code kill PID} and service managers send) to {@code ./asr demo --keep-running} in its own JVM while
 * it replays the demo set in real time: the replay stops, the streams applications, their state and the broker close,
 * and the process exits with 143 (128 + SIGTERM; Ctrl-C gives 130) within 5 seconds, with no stack trace.
 */
class ShutdownIT {

    @Test
    void sigtermMidReplayStopsTheDemoWithinFiveSecondsAndClosesEverything(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("demo.log");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
        int[] ports = freePorts();
        Process demo = new ProcessBuilder(javaBin, "-Djava.io.tmpdir=" + tmp, "-Dasr.log.file=" + log, "-cp",
                classpath, "org.codaasr.app.AsrCli", "demo", "--keep-running", "--no-partials", "--no-lm", "--no-auth",
                "--web-port", String.valueOf(ports[0]), "--audio-port", String.valueOf(ports[1]))
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(demo, lines));
        try {
            // the replay starts after the line naming the broker and the model; a second into it, stop the demo
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (lines.stream().noneMatch(l -> l.startsWith("kafka ")) && demo.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(demo.isAlive() && lines.stream().anyMatch(l -> l.startsWith("kafka ")),
                    "the demo started its replay:\n" + String.join("\n", lines));
            Thread.sleep(1500);
            long signalled = System.nanoTime();
            demo.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the pipe of its output
            boolean exited = demo.waitFor(5, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - signalled) / 1e9;
            System.out.printf("demo exited %.2f s after SIGTERM (exit %s)%n", seconds,
                    exited ? demo.exitValue() : "-");
            assertTrue(exited, "exit within 5 s of SIGTERM:\n" + String.join("\n", lines));
            reader.get(5, TimeUnit.SECONDS);
            String printed = String.join("\n", lines);
            assertEquals(143, demo.exitValue(), printed);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("stopping: ")), "it says it stops:\n" + printed);
            assertFalse(lines.contains("=== summary ==="), "stopped mid-replay, before the summary:\n" + printed);
            for (String line : lines) {
                assertFalse(line.contains("Exception") || line.startsWith("\tat ") || line.contains("ERROR"),
                        "a clean shutdown: " + line);
            }
            try (Stream<Path> left = Files.list(tmp)) {
                List<String> folders = left.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("coda-asr-kafka-") || n.startsWith("coda-asr-state")).toList();
                assertEquals(List.of(), folders,
                        "the broker's log folder and the streams' state folder are deleted once they are closed");
            }
        } finally {
            demo.destroyForcibly();
        }
    }

    private static void read(Process process, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (java.io.IOException e) {
            lines.add("(output not readable: " + e + ")");
        }
    }

    private static int[] freePorts() throws java.io.IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }
}
