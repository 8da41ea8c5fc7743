package org.codaasr.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.codaasr.model.recognizer.RoutingRequest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The JDK's WebSocket client streams PCM into the source, which re-cuts it into chunks. */
class WebSocketSourceTest {

    /** Collects chunks from the server's threads. */
    private static final class CollectingSink implements ChunkSink {
        private final List<AudioChunk> chunks = new ArrayList<>();
        private final java.util.Map<String, RoutingRequest> routing = new java.util.HashMap<>();

        @Override
        public void send(Reference reference) {
            throw new UnsupportedOperationException("the WebSocket source sends no references");
        }

        @Override
        public synchronized void send(AudioChunk chunk, RoutingRequest routing) {
            chunks.add(chunk);
            if (routing != null) {
                this.routing.merge(chunk.streamId(), routing, (a, b) -> a.equals(b) ? a : null);
            }
            notifyAll();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        synchronized List<AudioChunk> awaitEndOfStreams(int streams, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (chunks.stream().filter(AudioChunk::endOfStream).count() < streams && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            return List.copyOf(chunks);
        }
    }

    private static byte[] pcm(int samples, float value) {
        float[] floats = new float[samples];
        java.util.Arrays.fill(floats, value);
        return AudioChunk.encodeS16le(floats, 0, samples);
    }

    @Test
    void recutsBinaryFramesIntoChunksAndEndsOnClose() throws Exception {
        CollectingSink sink = new CollectingSink();
        byte[] audio = new ByteArrayOutputStream() {{
            writeBytes(pcm(2000, 0.25f));
            writeBytes(pcm(3600, -0.5f));
        }}.toByteArray(); // 5600 samples = 0.35 s
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink,
                WebSocketPolicy.anonymous())) {
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + source.port() + "/call-7"), new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            // uneven frames, one boundary inside a sample
            int[] cuts = {0, 1001, 5000, 9999, audio.length};
            for (int i = 0; i + 1 < cuts.length; i++) {
                socket.sendBinary(ByteBuffer.wrap(audio, cuts[i], cuts[i + 1] - cuts[i]), true).get(5, TimeUnit.SECONDS);
            }
            socket.sendText("END", true).get(5, TimeUnit.SECONDS);
            List<AudioChunk> chunks = sink.awaitEndOfStreams(1, 5000);

            assertEquals(List.of(1600, 1600, 1600, 800), chunks.stream().map(AudioChunk::sampleCount).toList());
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (int i = 0; i < chunks.size(); i++) {
                AudioChunk chunk = chunks.get(i);
                assertEquals("call-7", chunk.streamId());
                assertEquals(i, chunk.sequence());
                assertEquals(i == chunks.size() - 1, chunk.endOfStream());
                assertEquals(16000, chunk.sampleRate());
                joined.writeBytes(chunk.payload());
            }
            assertArrayEquals(audio, joined.toByteArray());
        }
    }

    @Test
    void eachConnectionIsItsOwnStreamAndClosingEndsIt() throws Exception {
        CollectingSink sink = new CollectingSink();
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink,
                WebSocketPolicy.anonymous())) {
            HttpClient client = HttpClient.newHttpClient();
            List<WebSocket> sockets = new ArrayList<>();
            for (String id : List.of("a", "")) {
                sockets.add(client.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + source.port() + "/" + id), new WebSocket.Listener() { })
                        .get(5, TimeUnit.SECONDS));
            }
            for (WebSocket socket : sockets) {
                socket.sendBinary(ByteBuffer.wrap(pcm(1700, 0.1f)), true).get(5, TimeUnit.SECONDS);
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            }
            List<AudioChunk> chunks = sink.awaitEndOfStreams(2, 5000);
            assertEquals(4, chunks.size(), chunks.toString());
            List<String> ids = chunks.stream().map(AudioChunk::streamId).distinct().toList();
            assertEquals(2, ids.size());
            assertTrue(ids.contains("a"));
            assertTrue(ids.stream().anyMatch(id -> id.startsWith("ws-")), ids.toString());
            assertTrue(chunks.stream().filter(AudioChunk::endOfStream).allMatch(c -> c.sampleCount() == 100));
        }
    }

    /** Records the close code the server sends. */
    private static final class CloseListener implements WebSocket.Listener {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    private static CompletableFuture<WebSocket> connect(HttpClient client, String uri, String bearer,
            WebSocket.Listener listener) {
        WebSocket.Builder b = client.newWebSocketBuilder();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.buildAsync(URI.create(uri), listener);
    }

    /** Every log event of the source while it runs, at the levels a deployment logs (this project's DEBUG too). */
    private static final class LogCapture implements AutoCloseable {
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final Logger own = (Logger) LoggerFactory.getLogger("org.codaasr");
        private final Level rootLevel = root.getLevel();
        private final Level ownLevel = own.getLevel();
        private final ListAppender<ILoggingEvent> events = new ListAppender<>();

        LogCapture() {
            events.start();
            root.addAppender(events);
            root.setLevel(Level.INFO);
            own.setLevel(Level.DEBUG);
        }

        /** Messages with their arguments and stack traces, one event per line. */
        String text() {
            StringBuilder out = new StringBuilder();
            for (ILoggingEvent e : List.copyOf(events.list)) {
                out.append(e.getLevel()).append(' ').append(e.getFormattedMessage());
                if (e.getThrowableProxy() != null) {
                    out.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
                }
                out.append('\n');
            }
            return out.toString();
        }

        @Override
        public void close() {
            root.detachAppender(events);
            root.setLevel(rootLevel);
            own.setLevel(ownLevel);
        }
    }

    @Test
    void tokenStreamIdsMessageSizeDurationAndStreamsPerClientAreEnforced() throws Exception {
        CollectingSink sink = new CollectingSink();
        String token = "tok-5e1f9a2b";
        WebSocketPolicy policy = WebSocketPolicy.withToken(token).withLimits(4096, 0.5, 2);
        assertFalse(policy.toString().contains(token), policy.toString());
        // audio whose bytes are recognizable in any rendering a log line could give them
        byte[] marked = "AUDIO-BYTES-7f3a".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String logged;
        try (LogCapture logs = new LogCapture()) {
            enforceLimits(sink, token, policy, marked);
            logged = logs.text();
        }
        assertTrue(logged.contains("refused: no valid token") && logged.contains("WebSocket stream long opened"),
                "the refusals and the streams are logged:\n" + logged);
        assertFalse(logged.contains(token), "a log line holds the token:\n" + logged);
        assertFalse(logged.contains("wrong-token"), "a log line holds a refused token:\n" + logged);
        for (String rendering : List.of("AUDIO-BYTES", java.util.HexFormat.of().formatHex(marked, 0, 8),
                java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(marked, 9)),
                java.util.Arrays.toString(java.util.Arrays.copyOf(marked, 4)).replace("]", ""))) {
            assertFalse(logged.toLowerCase(java.util.Locale.ROOT).contains(rendering.toLowerCase(java.util.Locale.ROOT)),
                    "a log line holds audio bytes (" + rendering + "):\n" + logged);
        }
    }

    private void enforceLimits(CollectingSink sink, String token, WebSocketPolicy policy, byte[] marked)
            throws Exception {
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink,
                policy)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "ws://127.0.0.1:" + source.port() + "/";
            for (String refused : List.of(base + "s1", base + "s1?token=wrong-token", base + "..%2Fetc?token=" + token)) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> connect(client, refused, null, new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS));
                assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), refused);
            }

            CloseListener tooBig = new CloseListener();
            WebSocket big = connect(client, base + "big", token, tooBig).get(5, TimeUnit.SECONDS);
            big.sendBinary(ByteBuffer.wrap(new byte[8000]), true);
            assertEquals(1009, tooBig.closed.get(5, TimeUnit.SECONDS), "a message over 4096 bytes");

            CloseListener tooLong = new CloseListener();
            WebSocket longer = connect(client, base + "long?token=" + token, null, tooLong).get(5, TimeUnit.SECONDS);
            longer.sendBinary(ByteBuffer.wrap(marked), true).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 5 && !tooLong.closed.isDone(); i++) {
                longer.sendBinary(ByteBuffer.wrap(pcm(2000, 0.1f)), true).get(5, TimeUnit.SECONDS);
            }
            assertEquals(1008, tooLong.closed.get(5, TimeUnit.SECONDS), "a stream over 0.5 s");
            List<AudioChunk> ended = sink.awaitEndOfStreams(1, 5000);
            assertTrue(ended.stream().anyMatch(c -> c.streamId().equals("long") && c.endOfStream()), ended.toString());

            List<CloseListener> listeners = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CloseListener l = new CloseListener();
                listeners.add(l);
                connect(client, base + "c" + i, token, l).get(15, TimeUnit.SECONDS);
            }
            assertEquals(1013, listeners.get(2).closed.get(15, TimeUnit.SECONDS), "a third stream from one client");
            assertFalse(listeners.get(0).closed.isDone());
        }
    }

    @Test
    void theCodaQueryParameterTravelsWithEveryChunkAndABadOneRefusesTheHandshake() throws Exception {
        CollectingSink sink = new CollectingSink();
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink,
                WebSocketPolicy.anonymous())) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "ws://127.0.0.1:" + source.port() + "/";
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> connect(client, base + "bad?coda=3", null, new WebSocket.Listener() { })
                            .get(5, TimeUnit.SECONDS));
            assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            for (String id : List.of("r4?coda=4", "ad?coda=adaptive", "plain")) {
                WebSocket socket = connect(client, base + id, null, new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
                socket.sendBinary(ByteBuffer.wrap(pcm(3300, 0.1f)), true).get(5, TimeUnit.SECONDS);
                socket.sendText("END", true).get(5, TimeUnit.SECONDS);
            }
            List<AudioChunk> chunks = sink.awaitEndOfStreams(3, 5000);
            assertEquals(3, chunks.stream().map(AudioChunk::streamId).distinct().count(), chunks.toString());
            synchronized (sink) {
                assertEquals(java.util.Map.of("r4", RoutingRequest.parse("4"), "ad", RoutingRequest.ADAPTIVE),
                        sink.routing, "every chunk of a stream carries its request; none without one");
            }
        }
    }

    @Test
    void misbehavingClientsAreClosedWithTheirReasonAndAHealthyStreamBesideThemIsUntouched() throws Exception {
        CollectingSink sink = new CollectingSink();
        WebSocketPolicy policy = WebSocketPolicy.anonymous().withLimits(4096, 60, 8).withMaxIdleSeconds(1.5);
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink,
                policy)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "ws://127.0.0.1:" + source.port() + "/";
            WebSocket healthy = connect(client, base + "healthy", null, new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            CloseListener text = new CloseListener();
            WebSocket chatty = connect(client, base + "chatty", null, text).get(5, TimeUnit.SECONDS);
            CloseListener big = new CloseListener();
            WebSocket oversized = connect(client, base + "oversized", null, big).get(5, TimeUnit.SECONDS);
            CloseListener idle = new CloseListener();
            connect(client, base + "silent", null, idle).get(5, TimeUnit.SECONDS);

            chatty.sendBinary(ByteBuffer.wrap(pcm(1000, 0.2f)), true).get(5, TimeUnit.SECONDS);
            chatty.sendText("hello there", true);
            oversized.sendBinary(ByteBuffer.wrap(new byte[8000]), true);
            byte[] odd = pcm(777, 0.3f);
            for (int i = 0; i < 10; i++) {
                // odd-sized frames that split samples: re-cut, nothing lost
                healthy.sendBinary(ByteBuffer.wrap(odd, 0, 777), true).get(5, TimeUnit.SECONDS);
                healthy.sendBinary(ByteBuffer.wrap(odd, 777, odd.length - 777), true).get(5, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
            assertEquals(1003, text.closed.get(5, TimeUnit.SECONDS), "a text message other than END");
            assertEquals(1009, big.closed.get(5, TimeUnit.SECONDS), "a message over the limit");
            assertEquals(1001, idle.closed.get(10, TimeUnit.SECONDS), "a client that sends nothing");
            healthy.sendText("END", true).get(5, TimeUnit.SECONDS);

            List<AudioChunk> chunks = sink.awaitEndOfStreams(4, 5000);
            List<AudioChunk> good = chunks.stream().filter(c -> c.streamId().equals("healthy")).toList();
            assertEquals(10 * 777, good.stream().mapToInt(AudioChunk::sampleCount).sum(), "every sample arrived");
            assertTrue(good.get(good.size() - 1).endOfStream());
            for (String ended : List.of("chatty", "oversized", "silent")) {
                assertTrue(chunks.stream().anyMatch(c -> c.streamId().equals(ended) && c.endOfStream()),
                        ended + " ends with what it had sent");
            }
        }
    }
}
