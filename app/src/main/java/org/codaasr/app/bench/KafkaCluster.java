package org.codaasr.app.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.codaasr.model.AsrException;

/**
 * Kafka's own broker, {@code kafka.Kafka} from the Kafka jars on this JVM's class path (Maven Central), one JVM per
 * node: {@code nodes} KRaft nodes, each broker and controller (combined), a static quorum of all of them, each log
 * directory formatted by Kafka's {@code StorageTool} as {@code kafka-storage.sh format} does. One node: internal
 * topics with replication factor 1 and min ISR 1. Three or more: replication factor 3 and min.insync.replicas 2 for
 * every topic created without its own (the streams application's changelogs too) and for the internal topics, so a
 * transaction commits while one node is down.
 */
final class KafkaCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final String host;
    private final String heap;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Process[] processes;
    private final Path[] logs;
    private int starts;

    private KafkaCluster(Path dir, String host, String heap, int nodes) throws IOException {
        this.dir = dir;
        this.host = host;
        this.heap = heap;
        this.brokerPorts = freePorts(nodes);
        this.controllerPorts = freePorts(nodes);
        this.processes = new Process[nodes];
        this.logs = new Path[nodes];
    }

    /**
     * Formats and starts {@code nodes} nodes under {@code dir} ({@code node-<id>/logs} is node {@code id}'s log
     * directory: mount something there first to put it elsewhere), listening on {@code host}, each with at most
     * {@code heap} of heap; returns once every node answers.
     */
    static KafkaCluster start(Path dir, int nodes, String host, String heap) {
        if (nodes != 1 && nodes < 3) {
            throw new IllegalArgumentException("expected 1 node or 3 and more (replication 3), got " + nodes);
        }
        KafkaCluster cluster = null;
        try {
            cluster = new KafkaCluster(dir, host, heap, nodes);
            String clusterId = Uuid.randomUuid().toString();
            for (int id = 1; id <= nodes; id++) {
                Path config = cluster.writeConfig(id);
                JavaProcess.run(List.of("kafka.tools.StorageTool", "format", "--config", config.toString(),
                        "--cluster-id", clusterId), cluster.nodeDir(id).resolve("format.out"));
            }
            for (int id = 1; id <= nodes; id++) {
                cluster.launch(id);
            }
            for (int id = 1; id <= nodes; id++) {
                cluster.awaitReady(id);
            }
            return cluster;
        } catch (IOException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw new AsrException("cannot start Kafka's brokers in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
    }

    int nodes() {
        return processes.length;
    }

    String bootstrapServers() {
        List<String> all = new ArrayList<>();
        for (int port : brokerPorts) {
            all.add(host + ":" + port);
        }
        return String.join(",", all);
    }

    Path logDir(int id) {
        return nodeDir(id).resolve("logs");
    }

    boolean isAlive(int id) {
        return processes[id - 1] != null && processes[id - 1].isAlive();
    }

    /** {@code kill -9} of node {@code id}. */
    void kill(int id) throws InterruptedException {
        Process p = processes[id - 1];
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM to node {@code id} (a controlled shutdown), waiting for it to exit. */
    void stop(int id) throws InterruptedException {
        Process p = processes[id - 1];
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts node {@code id} again on its log directory; returns once it answers. */
    void restart(int id) {
        try {
            launch(id);
            awaitReady(id);
        } catch (IOException e) {
            throw new AsrException("cannot restart Kafka node " + id + ": " + e.getMessage(), e);
        }
    }

    Path nodeDir(int id) {
        return dir.resolve("node-" + id);
    }

    private void launch(int id) throws IOException {
        int start = ++starts;
        Path log = nodeDir(id).resolve("broker-" + start + ".out");
        Path config = nodeDir(id).resolve("server.properties");
        processes[id - 1] = JavaProcess.start(List.of("kafka.Kafka", config.toString()), log, "-Xmx" + heap,
                "-Dasr.log.file=" + nodeDir(id).resolve("broker-" + start + ".log"));
        logs[id - 1] = log;
    }

    private void awaitReady(int id) {
        String address = host + ":" + brokerPorts[id - 1];
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Process p = processes[id - 1];
                if (!p.isAlive()) {
                    throw new AsrException("Kafka node " + id + " exited with " + p.exitValue() + ":\n"
                            + JavaProcess.tail(logs[id - 1]));
                }
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
                    boolean registered = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).stream()
                            .anyMatch(n -> n.id() == id);
                    if (registered) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not answering yet
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while starting Kafka node " + id, e);
        }
        throw new AsrException("Kafka node " + id + " did not answer within " + READY_TIMEOUT.toSeconds() + " s:\n"
                + JavaProcess.tail(logs[id - 1]));
    }

    private Path writeConfig(int id) throws IOException {
        Files.createDirectories(logDir(id));
        int n = processes.length;
        String replication = n >= 3 ? "3" : "1";
        String minIsr = n >= 3 ? "2" : "1";
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(id));
        List<String> voters = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            voters.add(i + "@" + host + ":" + controllerPorts[i - 1]);
        }
        p.put("controller.quorum.voters", voters.stream().collect(Collectors.joining(",")));
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPorts[id - 1] + ",CONTROLLER://" + host + ":"
                + controllerPorts[id - 1]);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPorts[id - 1]);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir(id).toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replication);
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("unclean.leader.election.enable", "false");
        Path file = nodeDir(id).resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "written by asr bench faults");
        }
        return file;
    }

    private int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.bind(new InetSocketAddress(host, 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null) {
                process.destroy();
            }
        }
        for (Process process : processes) {
            if (process == null) {
                continue;
            }
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
}
