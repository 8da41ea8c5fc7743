package org.codaasr.ingest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.codaasr.messages.AudioChunker;
import org.codaasr.model.AsrException;
import org.codaasr.model.recognizer.RoutingRequest;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket server that turns each connection into one audio stream on {@code asr.audio} (Java-WebSocket does the
 * framing; an {@link AudioProtocol} what the messages mean).
 *
 * <p>The default protocol ({@link RawPcmProtocol}, the page's): connect to {@code ws://host:port/<streamId>} (no
 * path: a generated id); send binary messages of 16 kHz mono 16-bit little-endian PCM of any length; they are re-cut
 * into chunks of {@code chunkMs} and sent to the sink as they fill. A text message {@code END}, or closing the
 * socket, ends the stream: the remainder goes out as the end-of-stream chunk (possibly empty).
 *
 * <p>Access and limits follow a {@link WebSocketPolicy}: a handshake without the token (bearer
 * {@code Authorization} header or {@code ?token=}; loopback clients need none where the policy says so) is answered
 * {@code 401 Unauthorized}; one with a stream id that is not {@link WebSocketPolicy#STREAM_ID} is refused; a larger
 * message closes the connection (1009); a stream past its longest duration is ended and closed; a client address with
 * its most streams open gets no more; a client silent for longer than the idle limit is closed (1001) and its stream
 * ended as its protocol ends a closed one. The token never appears in the log. A server that lets clients in
 * without a token only listens on a loopback address.
 *
 * <p>A query parameter {@code coda} ({@code adaptive}, {@code dense}, {@code 2}, {@code 4} ...) asks for a CoDA
 * routing for the stream; it travels as the {@link org.codaasr.messages.Topics#CODA_HEADER} header of every chunk. A
 * value that is not one of those refuses the handshake.
 */
public final class WebSocketSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSource.class);
    private static final AtomicLong GENERATED_IDS = new AtomicLong();
    /** The attachment of a connection refused in its handshake; its onOpen never runs. */
    private static final String UNAUTHORIZED = "401 Unauthorized";

    private final Server server;

    private WebSocketSource(Server server) {
        this.server = server;
    }

    /** The page's protocol ({@link RawPcmProtocol}) on {@code address}. */
    public static WebSocketSource start(InetSocketAddress address, int chunkMs, ChunkSink sink,
            WebSocketPolicy policy) {
        return start(address, chunkMs, sink, policy, new RawPcmProtocol());
    }

    /**
     * Starts listening on {@code address} (port 0: any free port) and returns once it accepts connections.
     *
     * @throws IllegalArgumentException the policy lets some clients in without a token and the address is not a
     *                                  loopback address
     */
    public static WebSocketSource start(InetSocketAddress address, int chunkMs, ChunkSink sink,
            WebSocketPolicy policy, AudioProtocol protocol) {
        requireTokenOffLoopback(address.getAddress(), policy, protocol.name());
        Server server = new Server(address, new AudioChunker(chunkMs), sink, policy, protocol);
        server.setReuseAddr(true);
        server.setDaemon(true);
        server.start();
        try {
            if (!server.started.await(10, TimeUnit.SECONDS) || server.startFailure.get() != null) {
                stopQuietly(server);
                throw new AsrException("expected the " + protocol.name() + " WebSocket server to listen on "
                        + address, server.startFailure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(server);
            throw new AsrException("interrupted while starting the WebSocket source on " + address, e);
        }
        return new WebSocketSource(server);
    }

    /** A server that lets anyone in without the token must not be reachable from other machines. */
    public static void requireTokenOffLoopback(InetAddress address, WebSocketPolicy policy, String what) {
        boolean open = !policy.requiresToken() || policy.loopbackWithoutToken();
        if (open && (address == null || !address.isLoopbackAddress())) {
            throw new IllegalArgumentException(what + " would listen on " + (address == null ? "every interface"
                    : address.getHostAddress()) + " and let clients in without a token: give a token, or listen "
                    + "on a loopback address (127.0.0.1)");
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops listening; open streams end as their protocol ends a closed connection. */
    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        server.idleSweeper.shutdownNow();
        try {
            server.stop(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.writer.shutdown();
        }
    }

    /** What a connection carries: its audio stream and its protocol's session. */
    private record Stream(AudioConnection audio, AudioProtocol.Session session) {
    }

    private static final class Server extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<Exception> startFailure = new AtomicReference<>();
        private final AudioChunker chunker;
        private final ChunkSink sink;
        private final WebSocketPolicy policy;
        private final AudioProtocol protocol;
        private final Map<InetAddress, Integer> openByClient = new HashMap<>();
        /** Writes replies and closes for every connection, holding none of the sessions' locks (see AudioConnection). */
        private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "coda-asr-websocket-writer");
            t.setDaemon(true);
            return t;
        });
        private final ScheduledExecutorService idleSweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coda-asr-websocket-idle");
            t.setDaemon(true);
            return t;
        });

        Server(InetSocketAddress address, AudioChunker chunker, ChunkSink sink, WebSocketPolicy policy,
                AudioProtocol protocol) {
            // the draft refuses frames over the limit before buffering them, so a huge message costs nothing
            super(address, Runtime.getRuntime().availableProcessors(),
                    List.of(new Draft_6455(List.of(), policy.maxMessageBytes())));
            this.chunker = chunker;
            this.sink = sink;
            this.policy = policy;
            this.protocol = protocol;
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket connection, Draft draft,
                ClientHandshake request) throws InvalidDataException {
            ServerHandshakeBuilder response = super.onWebsocketHandshakeReceivedAsServer(connection, draft, request);
            if (!policy.accepts(presentedToken(request), connection.getRemoteSocketAddress().getAddress())) {
                LOG.warn("{} WebSocket connection from {} refused: no valid token", protocol.name(),
                        connection.getRemoteSocketAddress());
                refuseUnauthorized(connection);
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "a valid token is required");
            }
            String id = streamIdOf(request);
            if (!id.isEmpty() && !WebSocketPolicy.STREAM_ID.matcher(id).matches()) {
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "stream id must match "
                        + WebSocketPolicy.STREAM_ID.pattern());
            }
            try {
                routingOf(request);
            } catch (IllegalArgumentException e) {
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "query parameter coda: " + e.getMessage());
            }
            return response;
        }

        /**
         * Answers the handshake with {@code 401 Unauthorized}. Java-WebSocket answers every refused handshake with a
         * 404 of its own, written after this response; a client reads the first and closes.
         */
        private static void refuseUnauthorized(WebSocket connection) {
            connection.setAttachment(UNAUTHORIZED);
            String body = "a valid token is required (Authorization: Bearer <token>, or ?token=<token>)\n";
            String response = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body;
            ((WebSocketImpl) connection).outQueue.add(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
        }

        private static String presentedToken(ClientHandshake request) {
            String auth = request.getFieldValue("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return auth.substring(7).strip();
            }
            return queryParameter(request, "token");
        }

        /** The {@code ?coda=} routing request; null when the client names none. */
        private static RoutingRequest routingOf(ClientHandshake request) {
            String coda = queryParameter(request, "coda");
            return coda == null ? null : RoutingRequest.parse(coda);
        }

        private static String queryParameter(ClientHandshake request, String name) {
            String resource = request.getResourceDescriptor();
            int q = resource == null ? -1 : resource.indexOf('?');
            if (q >= 0) {
                for (String pair : resource.substring(q + 1).split("&")) {
                    if (pair.startsWith(name + "=")) {
                        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                    }
                }
            }
            return null;
        }

        private static String streamIdOf(ClientHandshake request) {
            String path = request.getResourceDescriptor();
            return path == null ? "" : URLDecoder.decode(path.replaceFirst("^/+", "").replaceFirst("\\?.*$", ""),
                    StandardCharsets.UTF_8);
        }

        @Override
        public void onStart() {
            started.countDown();
            idleSweeper.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
        }

        /** Closes the connections of clients that have sent nothing for longer than the policy allows. */
        private void closeIdle() {
            long limit = (long) (policy.maxIdleSeconds() * 1e9);
            long now = System.nanoTime();
            for (WebSocket connection : getConnections()) {
                if (connection.getAttachment() instanceof Stream stream && !stream.audio().ended()
                        && now - stream.audio().lastMessageNanos > limit) {
                    LOG.info("WebSocket stream {} sent nothing for {} s: closing it", stream.audio().streamId(),
                            policy.maxIdleSeconds());
                    connection.close(CloseFrame.GOING_AWAY, "nothing received for " + policy.maxIdleSeconds()
                            + " s; stream " + stream.audio().streamId() + " ended");
                }
            }
        }

        @Override
        public void onOpen(WebSocket connection, ClientHandshake handshake) {
            String id = streamIdOf(handshake);
            String streamId = id.isBlank()
                    ? protocol.name() + "-" + System.currentTimeMillis() + "-" + GENERATED_IDS.incrementAndGet()
                    : id;
            InetAddress client = connection.getRemoteSocketAddress().getAddress();
            synchronized (openByClient) {
                int open = openByClient.getOrDefault(client, 0);
                if (open >= policy.maxStreamsPerClient()) {
                    connection.close(CloseFrame.TRY_AGAIN_LATER, "at most " + policy.maxStreamsPerClient()
                            + " streams at once per client");
                    return;
                }
                openByClient.put(client, open + 1);
            }
            RoutingRequest routing = routingOf(handshake);
            AudioConnection audio = new AudioConnection(connection, streamId, client, routing, sink, chunker,
                    policy.maxStreamSeconds(), writer);
            LOG.info("WebSocket stream {} opened from {} ({}{})", streamId, connection.getRemoteSocketAddress(),
                    protocol.name(), routing == null ? "" : ", CoDA " + routing.text());
            connection.setAttachment(new Stream(audio, protocol.open(audio)));
        }

        @Override
        public void onMessage(WebSocket connection, ByteBuffer message) {
            if (connection.getAttachment() instanceof Stream stream) {
                stream.audio().lastMessageNanos = System.nanoTime();
                stream.session().onBinary(message);
            }
        }

        @Override
        public void onMessage(WebSocket connection, String message) {
            if (connection.getAttachment() instanceof Stream stream) {
                stream.audio().lastMessageNanos = System.nanoTime();
                stream.session().onText(message);
            }
        }

        @Override
        public void onClose(WebSocket connection, int code, String reason, boolean remote) {
            if (connection.getAttachment() instanceof Stream stream) {
                try {
                    stream.session().onClose(code, reason);
                } finally {
                    synchronized (openByClient) {
                        openByClient.computeIfPresent(stream.audio().client(), (k, n) -> n > 1 ? n - 1 : null);
                    }
                }
            }
        }

        @Override
        public void onError(WebSocket connection, Exception e) {
            if (connection == null) {
                startFailure.compareAndSet(null, e);
                started.countDown();
            } else {
                LOG.warn("WebSocket stream error from {}", connection.getRemoteSocketAddress(), e);
            }
        }
    }
}
