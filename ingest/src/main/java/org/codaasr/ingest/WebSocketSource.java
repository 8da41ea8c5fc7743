package org.codaasr.ingest;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.model.AsrException;
import org.codaasr.model.recognizer.RoutingRequest;
import org.java_websocket.WebSocket;
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
 * A WebSocket server that turns each connection into one audio stream (Java-WebSocket does the protocol).
 *
 * <p>Protocol: connect to {@code ws://host:port/<streamId>} (no path: a generated id); send binary
 * messages of 16 kHz mono 16-bit little-endian PCM of any length; they are re-cut into chunks of
 * {@code chunkMs} and sent to the sink as they fill. A text message {@code END}, or closing the
 * socket, ends the stream: the remainder goes out as the end-of-stream chunk (possibly empty).
 *
 * <p>Access and limits follow a {@link WebSocketPolicy}: a handshake without the token (bearer
 * {@code Authorization} header or {@code ?token=}) or with a stream id that is not
 * {@link WebSocketPolicy#STREAM_ID} is refused; a larger message closes the connection (1009); a stream
 * past its longest duration is ended and closed; a client address with its most streams open gets no
 * more; a client silent for longer than the idle limit has its stream ended and is closed (1001). The token never
 * appears in the log.
 *
 * <p>A query parameter {@code coda} ({@code adaptive}, {@code dense}, {@code 2}, {@code 4} ...) asks for a CoDA
 * routing for the stream; it travels as the {@link org.codaasr.messages.Topics#CODA_HEADER} header of every chunk. A
 * value that is not one of those refuses the handshake.
 */
public final class WebSocketSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSource.class);
    private static final AtomicLong GENERATED_IDS = new AtomicLong();

    private final Server server;

    private WebSocketSource(Server server) {
        this.server = server;
    }

    /** Starts listening on {@code address} (port 0: any free port) and returns once it accepts connections. */
    public static WebSocketSource start(InetSocketAddress address, int chunkMs, ChunkSink sink,
            WebSocketPolicy policy) {
        Server server = new Server(address, new AudioChunker(chunkMs).samplesPerChunk(AudioLoader.SAMPLE_RATE) * 2, sink,
                policy);
        server.setReuseAddr(true);
        server.setDaemon(true);
        server.start();
        try {
            if (!server.started.await(10, TimeUnit.SECONDS) || server.startFailure.get() != null) {
                stopQuietly(server);
                throw new AsrException("expected the WebSocket source to listen on " + address,
                        server.startFailure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(server);
            throw new AsrException("interrupted while starting the WebSocket source on " + address, e);
        }
        return new WebSocketSource(server);
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    /** Stops listening; open streams are ended as if their clients had closed. */
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
        }
    }

    /** One connection's stream: bytes not yet cut into a chunk, and the next sequence number. */
    private static final class StreamState {
        final String streamId;
        final InetAddress client;
        final RoutingRequest routing;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        long sequence;
        long bytesReceived;
        boolean ended;
        volatile long lastMessageNanos = System.nanoTime();

        StreamState(String streamId, InetAddress client, RoutingRequest routing) {
            this.streamId = streamId;
            this.client = client;
            this.routing = routing;
        }
    }

    private static final class Server extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<Exception> startFailure = new AtomicReference<>();
        private final int chunkBytes;
        private final ChunkSink sink;
        private final WebSocketPolicy policy;
        private final Map<InetAddress, Integer> openByClient = new HashMap<>();
        private final ScheduledExecutorService idleSweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coda-asr-websocket-idle");
            t.setDaemon(true);
            return t;
        });

        Server(InetSocketAddress address, int chunkBytes, ChunkSink sink, WebSocketPolicy policy) {
            // the draft refuses frames over the limit before buffering them, so a huge message costs nothing
            super(address, Runtime.getRuntime().availableProcessors(),
                    List.of(new Draft_6455(List.of(), policy.maxMessageBytes())));
            this.chunkBytes = chunkBytes;
            this.sink = sink;
            this.policy = policy;
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket connection, Draft draft,
                ClientHandshake request) throws InvalidDataException {
            ServerHandshakeBuilder response = super.onWebsocketHandshakeReceivedAsServer(connection, draft, request);
            if (!policy.accepts(presentedToken(request))) {
                LOG.warn("WebSocket connection from {} refused: no valid token", connection.getRemoteSocketAddress());
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

        /** Ends the streams of clients that have sent nothing for longer than the policy allows. */
        private void closeIdle() {
            long limit = (long) (policy.maxIdleSeconds() * 1e9);
            long now = System.nanoTime();
            for (WebSocket connection : getConnections()) {
                StreamState state = connection.getAttachment();
                if (state != null && !state.ended && now - state.lastMessageNanos > limit) {
                    LOG.info("WebSocket stream {} sent nothing for {} s: ending it", state.streamId,
                            policy.maxIdleSeconds());
                    end(connection);
                    connection.close(CloseFrame.GOING_AWAY, "nothing received for " + policy.maxIdleSeconds()
                            + " s; stream " + state.streamId + " ended");
                }
            }
        }

        @Override
        public void onOpen(WebSocket connection, ClientHandshake handshake) {
            String id = streamIdOf(handshake);
            String streamId = id.isBlank() ? "ws-" + System.currentTimeMillis() + "-" + GENERATED_IDS.incrementAndGet() : id;
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
            connection.setAttachment(new StreamState(streamId, client, routing));
            LOG.info("WebSocket stream {} opened from {}{}", streamId, connection.getRemoteSocketAddress(),
                    routing == null ? "" : " (CoDA " + routing.text() + ")");
        }

        @Override
        public void onMessage(WebSocket connection, ByteBuffer message) {
            StreamState state = connection.getAttachment();
            if (state == null) {
                return; // refused in onOpen, closing
            }
            state.lastMessageNanos = System.nanoTime();
            synchronized (state) {
                if (state.ended) {
                    connection.close(CloseFrame.POLICY_VALIDATION, "stream " + state.streamId + " already ended");
                    return;
                }
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                state.bytesReceived += bytes.length;
                state.pending.writeBytes(bytes);
                sendFullChunks(connection, state);
                if (state.bytesReceived / (2.0 * AudioLoader.SAMPLE_RATE) > policy.maxStreamSeconds()) {
                    end(connection);
                    connection.close(CloseFrame.POLICY_VALIDATION, "stream " + state.streamId + " is longer than "
                            + policy.maxStreamSeconds() + " s; ended");
                }
            }
        }

        @Override
        public void onMessage(WebSocket connection, String message) {
            if ("END".equals(message.strip())) {
                end(connection);
                connection.close(CloseFrame.NORMAL, "end of stream");
            } else {
                connection.close(CloseFrame.REFUSE, "expected binary PCM or the text message END");
            }
        }

        @Override
        public void onClose(WebSocket connection, int code, String reason, boolean remote) {
            StreamState state = connection.getAttachment();
            if (state != null) {
                end(connection);
                synchronized (openByClient) {
                    openByClient.computeIfPresent(state.client, (k, n) -> n > 1 ? n - 1 : null);
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

        private void sendFullChunks(WebSocket connection, StreamState state) {
            byte[] all = state.pending.toByteArray();
            int offset = 0;
            try {
                for (; all.length - offset >= chunkBytes; offset += chunkBytes) {
                    sink.send(chunk(state, Arrays.copyOfRange(all, offset, offset + chunkBytes), false), state.routing);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not send chunk of stream {}", state.streamId, e);
                connection.close(CloseFrame.TRY_AGAIN_LATER, "could not forward audio: " + e.getMessage());
            }
            state.pending.reset();
            state.pending.write(all, offset, all.length - offset);
        }

        private void end(WebSocket connection) {
            StreamState state = connection.getAttachment();
            if (state == null) {
                return;
            }
            synchronized (state) {
                if (state.ended) {
                    return;
                }
                state.ended = true;
                byte[] rest = state.pending.toByteArray();
                // a trailing odd byte is half a sample; it is dropped
                byte[] whole = Arrays.copyOf(rest, rest.length - rest.length % 2);
                try {
                    sink.send(chunk(state, whole, true), state.routing);
                    sink.flush();
                    LOG.info("WebSocket stream {} ended after {} chunks", state.streamId, state.sequence);
                } catch (RuntimeException e) {
                    LOG.warn("could not send the end of stream {}", state.streamId, e);
                }
            }
        }

        private static AudioChunk chunk(StreamState state, byte[] payload, boolean endOfStream) {
            return new AudioChunk(state.streamId, state.sequence++, AudioLoader.SAMPLE_RATE, AudioEncoding.PCM_S16LE,
                    payload, endOfStream, null, System.currentTimeMillis());
        }
    }
}
