package org.codaasr.streams.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) running inside this JVM, for tests,
 * demos and the {@code asr} CLI's self-contained mode.
 *
 * <p>It does what {@code kafka-storage.sh format} and {@code kafka-server-start.sh} do: formats a temp
 * log directory with {@link Formatter} and starts {@link KafkaRaftServer} on free ports of 127.0.0.1.
 * Internal topics use replication factor 1 and min ISR 1 (so transactions and {@code exactly_once_v2}
 * work), and the group initial rebalance delay is 0. Kafka's own {@code KafkaClusterTestKit} lives in a
 * test artifact, so this drives the server classes directly instead.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *     broker.createTopics(Map.of(Topics.AUDIO, 4));
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Path logDir;
    private final boolean temporary;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final KafkaClientProperties client;
    private boolean closed;

    private EmbeddedKafkaBroker(Path logDir, boolean temporary, KafkaRaftServer server, String bootstrapServers,
            KafkaClientProperties client) {
        this.logDir = logDir;
        this.temporary = temporary;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.client = client;
    }

    /** Starts a broker on a free port with the default settings. */
    public static EmbeddedKafkaBroker start() {
        return start(0, Map.of());
    }

    /**
     * Starts a broker whose client listener is on {@code brokerPort} of 127.0.0.1 (0: any free port);
     * {@code overrides} are broker properties applied on top of the defaults (e.g. {@code num.partitions},
     * {@code auto.create.topics.enable}); listeners and ports are not meant to be overridden.
     */
    public static EmbeddedKafkaBroker start(int brokerPort, Map<String, String> overrides) {
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("expected brokerPort in 0..65535, got " + brokerPort);
        }
        RuntimeException last = null;
        // the free ports are found by binding and releasing them, so another process may grab one in between
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(brokerPort, overrides);
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("embedded Kafka start attempt {} failed: {}", attempt, e.toString());
            }
        }
        throw new AsrException("could not start an embedded Kafka broker on 127.0.0.1 after "
                + START_ATTEMPTS + " attempts", last);
    }

    /**
     * Starts a broker on free ports whose client listener requires SASL/PLAIN authentication ({@code SASL_PLAINTEXT})
     * and knows one user; {@link #clientProperties()} are the settings a client logs in with. For tests of client
     * security settings; the controller listener stays plaintext on loopback.
     */
    public static EmbeddedKafkaBroker startSaslPlain(String user, String password) {
        if (user == null || !user.matches("[A-Za-z0-9_-]+") || password == null || password.isEmpty()
                || password.contains("\"")) {
            throw new IllegalArgumentException("expected a user of letters, digits, _ or - and a non-empty password "
                    + "without quotes");
        }
        int[] ports = freePorts(2);
        String listener = "SASL_PLAINTEXT://127.0.0.1:" + ports[0];
        Map<String, String> overrides = new HashMap<>();
        overrides.put("listeners", listener + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + ports[1]);
        overrides.put("advertised.listeners", listener);
        overrides.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT," + CONTROLLER_LISTENER
                + ":PLAINTEXT");
        overrides.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        overrides.put("sasl.enabled.mechanisms", "PLAIN");
        overrides.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        String login = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\"";
        overrides.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                login + " user_" + user + "=\"" + password + "\";");
        KafkaClientProperties client = new KafkaClientProperties(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", login + ";"));
        return startIn(createTempDir(), true, ports[0], ports[1], overrides, client);
    }

    /**
     * Starts a broker that keeps its topics and data in {@code dataDir}: formatted on first use, reused as it is on
     * every later start, never deleted. Clients find it again after a restart because the ports are fixed.
     *
     * @param brokerPort client listener on 127.0.0.1
     * @param controllerPort KRaft controller listener on 127.0.0.1
     */
    public static EmbeddedKafkaBroker startPersistent(Path dataDir, int brokerPort, int controllerPort) {
        if (brokerPort < 1 || brokerPort > 65535 || controllerPort < 1 || controllerPort > 65535
                || brokerPort == controllerPort) {
            throw new IllegalArgumentException("expected two different ports in 1..65535, got " + brokerPort + " and "
                    + controllerPort);
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new AsrException("cannot create the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        return startIn(dataDir.toAbsolutePath(), false, brokerPort, controllerPort, Map.of(),
                KafkaClientProperties.NONE);
    }

    private static EmbeddedKafkaBroker startOnce(int brokerPort, Map<String, String> overrides) {
        int[] ports = freePorts(2);
        if (brokerPort != 0) {
            ports[0] = brokerPort;
        }
        return startIn(createTempDir(), true, ports[0], ports[1], overrides, KafkaClientProperties.NONE);
    }

    private static EmbeddedKafkaBroker startIn(Path logDir, boolean temporary, int brokerPort, int controllerPort,
            Map<String, String> overrides, KafkaClientProperties client) {
        KafkaRaftServer server = null;
        try {
            String bootstrap = "127.0.0.1:" + brokerPort;
            Map<String, String> props = brokerProperties(logDir, brokerPort, controllerPort);
            props.putAll(overrides);
            KafkaConfig config = new KafkaConfig(props, false);
            if (!Files.isRegularFile(logDir.resolve("meta.properties"))) {
                format(config, logDir);
            }
            long started = System.nanoTime();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            LOG.debug("KafkaRaftServer.startup returned after {} ms", (System.nanoTime() - started) / 1_000_000);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, temporary, server, bootstrap, client);
            broker.awaitReady();
            LOG.info("embedded Kafka ready at {} in {} ms (log dir {})", bootstrap,
                    (System.nanoTime() - started) / 1_000_000, logDir);
            return broker;
        } catch (Exception e) {
            if (server != null) {
                stopQuietly(server);
            }
            if (temporary) {
                deleteRecursively(logDir);
            }
            throw e instanceof RuntimeException re ? re : new AsrException("embedded Kafka failed to start", e);
        }
    }

    static Map<String, String> brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // logs are flushed and closed in parallel at shutdown (one thread per partition would be the most): a stop is quick
        props.put("num.recovery.threads.per.data.dir", "8");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        return props;
    }

    private static void format(KafkaConfig config, Path logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(config.metadataLogDir())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    /** Waits until the broker answers admin requests and has registered itself. */
    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AsrException("embedded Kafka at " + bootstrapServers + " not ready after "
                                + READY_TIMEOUT.toSeconds() + " s", e.getCause());
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    /** {@code host:port} of the client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The security settings a client needs for this broker (none unless started with SASL). */
    public KafkaClientProperties clientProperties() {
        return client;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        Map<String, Object> config = client.applyTo(new HashMap<>());
        config.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
        return Admin.create(config);
    }

    /**
     * Creates topics (replication factor 1) with the given partition counts and waits until they exist.
     * Topics that already exist are left as they are.
     */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = new ArrayList<>();
        partitionsByTopic.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
        try (Admin admin = admin()) {
            var futures = admin.createTopics(topics).values();
            for (var entry : futures.entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new AsrException("could not create topic " + entry.getKey() + " on "
                                + bootstrapServers, e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while creating topics " + partitionsByTopic.keySet(), e);
        }
    }

    /** The folder holding the broker's logs and metadata. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the server; deletes its log directory unless it was started on a data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        stopQuietly(server);
        long stopped = System.nanoTime();
        if (temporary) {
            deleteRecursively(logDir);
        }
        LOG.info("embedded Kafka stopped in {} ms{}", (stopped - start) / 1_000_000,
                temporary ? ", its log folder removed in " + (System.nanoTime() - stopped) / 1_000_000 + " ms" : "");
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka did not shut down cleanly", e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("coda-asr-kafka-");
        } catch (IOException e) {
            throw new AsrException("could not create a temp log directory for embedded Kafka", e);
        }
    }

    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing was sent on it; the port is released either way
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete embedded Kafka log dir {}", dir, e);
        }
    }
}
