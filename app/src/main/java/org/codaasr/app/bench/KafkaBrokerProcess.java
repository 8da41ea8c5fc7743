package org.codaasr.app.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.codaasr.model.AsrException;

/**
 * Kafka's own broker, {@code kafka.Kafka} from the Kafka jars on this JVM's class path (Maven Central), in a JVM of
 * its own: one KRaft node (broker and controller), its log directory formatted by Kafka's {@code StorageTool} as
 * {@code kafka-storage.sh format} does. Internal topics use replication factor 1 and min ISR 1, so transactions work.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrapServers;

    private KafkaBrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats {@code dir} and starts the broker with at most {@code heap} of heap; returns once it answers. */
    static KafkaBrokerProcess start(Path dir, String heap) {
        try {
            Files.createDirectories(dir);
            int[] ports = freePorts();
            Path config = dir.resolve("server.properties");
            writeConfig(config, dir.resolve("logs"), ports[0], ports[1]);
            Path log = dir.resolve("broker.out");
            run(List.of("kafka.tools.StorageTool", "format", "--config", config.toString(), "--cluster-id",
                    Uuid.randomUuid().toString()), dir.resolve("format.out"), "-Xmx256m");
            Process p = java(List.of("kafka.Kafka", config.toString()), log, "-Xmx" + heap);
            KafkaBrokerProcess broker = new KafkaBrokerProcess(p, "127.0.0.1:" + ports[0]);
            broker.awaitReady(log);
            return broker;
        } catch (IOException e) {
            throw new AsrException("cannot start Kafka's broker in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while starting Kafka's broker", e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    private void awaitReady(Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AsrException("Kafka's broker exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                Thread.sleep(500);
            }
        }
        close();
        throw new AsrException("Kafka's broker did not answer within " + READY_TIMEOUT.toSeconds() + " s:\n"
                + tail(log));
    }

    private static void writeConfig(Path file, Path logDir, int brokerPort, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "written by asr bench faults");
        }
    }

    private static void run(List<String> mainAndArgs, Path log, String heap) throws IOException, InterruptedException {
        Process p = java(mainAndArgs, log, heap);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AsrException(mainAndArgs.get(0) + " failed:\n" + tail(log));
        }
    }

    /** A JVM on this JVM's class path (which holds Kafka's server jars), its output to {@code log}. */
    static Process java(List<String> mainAndArgs, Path log, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
