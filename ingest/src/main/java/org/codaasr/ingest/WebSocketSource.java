package org.codaasr.ingest;

import org.codaasr.messages.AudioChunker;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.model.AsrException;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
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
 */
public final class WebSocketSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSource.class);
    private static final AtomicLong GENERATED_IDS = new AtomicLong();

    private final Server server;

    private WebSocketSource(Server server) {
        this.server = server;
    }

    /** Starts listening on {@code address} (port 0: any free port) and returns once it accepts connections. */
    public static WebSocketSource start(InetSocketAddress address, int chunkMs, ChunkSink sink) {
        Server server = new Server(address, new AudioChunker(chunkMs).samplesPerChunk(AudioLoader.SAMPLE_RATE) * 2, sink);
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
        try {
            server.stop(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection's stream: bytes not yet cut into a chunk, and the next sequence number. */
    private static final class StreamState {
        final String streamId;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        long sequence;
        boolean ended;

        StreamState(String streamId) {
            this.streamId = streamId;
        }
    }

    private static final class Server extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<Exception> startFailure = new AtomicReference<>();
        private final int chunkBytes;
        private final ChunkSink sink;

        Server(InetSocketAddress address, int chunkBytes, ChunkSink sink) {
            super(address);
            this.chunkBytes = chunkBytes;
            this.sink = sink;
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onOpen(WebSocket connection, ClientHandshake handshake) {
            String path = handshake.getResourceDescriptor();
            String id = path == null ? "" : URLDecoder.decode(path.replaceFirst("^/+", "").replaceFirst("\\?.*$", ""),
                    StandardCharsets.UTF_8);
            String streamId = id.isBlank() ? "ws-" + System.currentTimeMillis() + "-" + GENERATED_IDS.incrementAndGet() : id;
            connection.setAttachment(new StreamState(streamId));
            LOG.info("WebSocket stream {} opened from {}", streamId, connection.getRemoteSocketAddress());
        }

        @Override
        public void onMessage(WebSocket connection, ByteBuffer message) {
            StreamState state = connection.getAttachment();
            synchronized (state) {
                if (state.ended) {
                    connection.close(CloseFrame.POLICY_VALIDATION, "stream " + state.streamId + " already ended");
                    return;
                }
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                state.pending.writeBytes(bytes);
                sendFullChunks(connection, state);
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
            if (connection.getAttachment() != null) {
                end(connection);
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
                    sink.send(chunk(state, Arrays.copyOfRange(all, offset, offset + chunkBytes), false));
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
            synchronized (state) {
                if (state.ended) {
                    return;
                }
                state.ended = true;
                byte[] rest = state.pending.toByteArray();
                // a trailing odd byte is half a sample; it is dropped
                byte[] whole = Arrays.copyOf(rest, rest.length - rest.length % 2);
                try {
                    sink.send(chunk(state, whole, true));
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
