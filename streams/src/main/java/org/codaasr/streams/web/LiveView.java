package org.codaasr.streams.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live web view of the pipeline's output. A Kafka consumer (its own group, {@code read_committed}, from the
 * earliest offset) reads {@code asr.transcripts}, {@code asr.wer.aggregates} and {@code asr.dlq} into a
 * {@link LiveState}; the JDK HTTP server serves
 * <ul>
 *   <li>{@code GET /}: the page (with {@code /app.js}, {@code /app.css}, {@code /pcm-worklet.js}; nothing from other
 *       hosts): speak into the microphone or upload a file when the config names an audio endpoint, the live
 *       streams, latency, running WER and dead letters,</li>
 *   <li>{@code GET /events}: Server-Sent Events, first {@code event: snapshot} (the state), then one
 *       {@code transcript}, {@code wer} or {@code dlq} event per record,</li>
 *   <li>{@code GET /api/state}: the state as JSON ({@link LiveSnapshot}),</li>
 *   <li>{@code GET /api/config}: what the page may do ({@link LiveViewConfig}),</li>
 *   <li>{@code GET /api/streams/<id>/transcript.txt}, {@code .srt}, {@code .vtt}: a stream's finals as text or
 *       subtitles, cut as {@code asr transcribe --format srt} cuts them.</li>
 * </ul>
 * Everything but the page's own files ({@code /}, its script, style and worklet, which hold no data) needs the
 * config's token, as {@code Authorization: Bearer <token>} or {@code ?token=<token>} (what {@code EventSource} and
 * download links can send); without it or with a wrong one the answer is {@code 401}. The server listens on the
 * loopback address unless the config names another, which needs a token.
 *
 * <pre>{@code
 * try (LiveView view = LiveView.start("localhost:9092", 8080)) {
 *     System.out.println("open " + view.uri());
 * }
 * }</pre>
 */
public final class LiveView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
    /** Path -> resource next to this class, and its content type. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/pcm-worklet.js", new String[] {"pcm-worklet.js", "text/javascript; charset=utf-8"},
            "/app.css", new String[] {"app.css", "text/css; charset=utf-8"});
    private static final String TRANSCRIPT_PATH = "/api/streams/";
    private static final List<String> TOPICS = List.of(Topics.TRANSCRIPTS, Topics.WER_AGGREGATES, Topics.DLQ);
    private static final Duration POLL = Duration.ofMillis(250);
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final LiveState state;
    private final SseBroadcaster events = new SseBroadcaster();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread consumerThread;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final Map<String, byte[]> assets;
    private final byte[] configJson;
    private final byte[] token;
    private final int port;
    private volatile boolean running = true;
    private boolean closed;

    private LiveView(String bootstrapServers, KafkaClientProperties client, LiveViewConfig config, LiveState state)
            throws IOException {
        int port = config.port();
        this.state = state;
        this.assets = loadAssets();
        this.configJson = json(PageConfig.of(config)).getBytes(StandardCharsets.UTF_8);
        this.token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        this.consumer = new KafkaConsumer<>(consumerConfig(bootstrapServers, client), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.httpThreads = Executors.newCachedThreadPool(daemonThreads("coda-asr-liveview-http-"));
        try {
            this.server = HttpServer.create(new InetSocketAddress(config.listen(), port), 0);
        } catch (IOException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            httpThreads.shutdownNow();
            throw e;
        }
        this.port = server.getAddress().getPort();
        server.setExecutor(httpThreads);
        server.createContext("/", this::handle);
        this.consumerThread = new Thread(this::consume, "coda-asr-liveview-consumer");
        consumerThread.setDaemon(true);
    }

    /**
     * Starts consuming from {@code bootstrapServers} and serving on {@code port} of the loopback address (0: a free
     * port), without a token. Kafka need not be reachable yet: the consumer keeps retrying in the background.
     */
    public static LiveView start(String bootstrapServers, int port) {
        return start(bootstrapServers, KafkaClientProperties.NONE, port);
    }

    /** {@link #start(String, int)} on a cluster that needs the {@code client} security settings. */
    public static LiveView start(String bootstrapServers, KafkaClientProperties client, int port) {
        return start(bootstrapServers, client, LiveViewConfig.defaults().withPort(port));
    }

    /** Starts the view that {@code config} describes, reading a cluster with the {@code client} settings. */
    public static LiveView start(String bootstrapServers, KafkaClientProperties client, LiveViewConfig config) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("expected Kafka bootstrap servers such as localhost:9092, got none");
        }
        LiveView view;
        try {
            view = new LiveView(bootstrapServers, client, config, new LiveState());
        } catch (IOException e) {
            throw new AsrException("could not start the live view HTTP server on port " + config.port(), e);
        }
        view.consumerThread.start();
        view.server.start();
        LOG.info("live view at {} reading {} from {}", view.uri(), TOPICS, bootstrapServers);
        return view;
    }

    /** The port the HTTP server listens on. */
    public int port() {
        return port;
    }

    /** The page's address on this machine. */
    public URI uri() {
        return URI.create("http://localhost:" + port() + "/");
    }

    /** The address the HTTP server listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** What the view holds now. */
    public LiveSnapshot snapshot() {
        return state.snapshot();
    }

    private static Map<String, Object> consumerConfig(String bootstrapServers, KafkaClientProperties client) {
        Map<String, Object> config = client.applyTo(new HashMap<>());
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "coda-asr-liveview-" + UUID.randomUUID(),
                ConsumerConfig.CLIENT_ID_CONFIG, "coda-asr-liveview",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // every view reads everything from the start; committed offsets would be of no use to anyone
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // topics may be created after the view starts: pick them up quickly
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000));
        return config;
    }

    private void consume() {
        try {
            consumer.subscribe(TOPICS);
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        accept(record.topic(), record.value());
                    }
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (KafkaException e) {
                    LOG.warn("live view consumer: {}; retrying", e.toString());
                    Thread.sleep(1_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("live view consumer stopped", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Applies one record to the state and broadcasts it, both under the state's lock (see streamEvents). */
    private void accept(String topic, byte[] value) {
        if (value == null) {
            return;
        }
        try {
            switch (topic) {
                case Topics.TRANSCRIPTS -> {
                    Transcript t = AsrSerdes.transcript().deserializer().deserialize(topic, value);
                    synchronized (state) {
                        state.add(t);
                        events.publish(SseBroadcaster.frame("transcript", json(t)));
                    }
                }
                case Topics.WER_AGGREGATES -> {
                    WerAggregate a = AsrSerdes.werAggregate().deserializer().deserialize(topic, value);
                    synchronized (state) {
                        state.add(a);
                        events.publish(SseBroadcaster.frame("wer", json(a)));
                    }
                }
                case Topics.DLQ -> {
                    DeadLetter d = AsrSerdes.deadLetter().deserializer().deserialize(topic, value);
                    synchronized (state) {
                        DeadLetterView view = state.add(d);
                        events.publish(SseBroadcaster.frame("dlq", json(view)));
                    }
                }
                default -> LOG.debug("ignoring a record of topic {}", topic);
            }
        } catch (KafkaException | IllegalArgumentException e) {
            state.addUnreadable();
            LOG.warn("live view skipped an unreadable record of {}: {}", topic, e.getMessage());
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String[] asset = ASSETS.get(path);
            if (asset != null) {
                send(exchange, 200, asset[1], assets.get(asset[0]));
                return;
            }
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(exchange, 401, "text/plain; charset=utf-8", ("a valid token is required (Authorization: Bearer "
                        + "<token>, or ?token=<token>)\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (path) {
                case "/api/state" -> send(exchange, 200, "application/json",
                        json(state.snapshot()).getBytes(StandardCharsets.UTF_8));
                case "/api/config" -> send(exchange, 200, "application/json", configJson);
                case "/events" -> streamEvents(exchange);
                default -> {
                    if (path.startsWith(TRANSCRIPT_PATH)) {
                        sendTranscript(exchange, path.substring(TRANSCRIPT_PATH.length()));
                    } else {
                        send(exchange, 404, "text/plain; charset=utf-8",
                                "not found; try / , /events, /api/state or /api/config\n"
                                        .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } finally {
            exchange.close();
        }
    }

    /** Whether the request presents the token (or none is needed), compared in constant time. */
    private boolean authorized(HttpExchange exchange) {
        if (token == null) {
            return true;
        }
        String presented = null;
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = auth.substring(7).strip();
        } else {
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("token=")) {
                    presented = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    private void streamEvents(HttpExchange exchange) throws IOException {
        SseBroadcaster.Client client;
        // under the state lock, so that no record falls between the snapshot and the first broadcast event
        synchronized (state) {
            client = events.subscribe(SseBroadcaster.frame("snapshot", json(state.snapshot())));
        }
        if (client == null) {
            send(exchange, 503, "text/plain; charset=utf-8",
                    "too many event clients or shutting down\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        events.stream(client, exchange);
    }

    /** {@code <streamId>/transcript.<txt|srt|vtt>}: the stream's finals as a download. */
    private void sendTranscript(HttpExchange exchange, String rest) throws IOException {
        int slash = rest.indexOf('/');
        String streamId = slash < 0 ? rest : rest.substring(0, slash);
        String file = slash < 0 ? "" : rest.substring(slash + 1);
        StreamTranscript.Format format = StreamTranscript.Format.ofFileName(file);
        if (format == null) {
            send(exchange, 404, "text/plain; charset=utf-8",
                    "expected /api/streams/<id>/transcript.txt, .srt or .vtt\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        StreamView view = state.stream(streamId);
        if (view == null) {
            send(exchange, 404, "text/plain; charset=utf-8", ("no stream '" + streamId + "' in this view\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\""
                + streamId.replaceAll("[^A-Za-z0-9._-]", "_") + "." + format.extension() + "\"");
        send(exchange, 200, format.contentType(), StreamTranscript.format(view, format)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AsrException("could not write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static Map<String, byte[]> loadAssets() throws IOException {
        Map<String, byte[]> loaded = new HashMap<>();
        for (String[] asset : ASSETS.values()) {
            if (loaded.containsKey(asset[0])) {
                continue;
            }
            try (InputStream in = LiveView.class.getResourceAsStream(asset[0])) {
                if (in == null) {
                    throw new IOException("expected the page resource " + asset[0] + " next to "
                            + LiveView.class.getName() + " on the classpath");
                }
                loaded.put(asset[0], in.readAllBytes());
            }
        }
        return Map.copyOf(loaded);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the consumer (leaving its group), ends the event streams and stops the HTTP server. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        consumer.wakeup();
        events.close();
        server.stop(0);
        httpThreads.shutdownNow();
        try {
            consumerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("live view on port {} closed", port);
    }
}
