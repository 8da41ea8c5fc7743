package org.codaasr.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.junit.jupiter.api.Test;

/** The JDK's WebSocket client streams PCM into the source, which re-cuts it into chunks. */
class WebSocketSourceTest {

    /** Collects chunks from the server's threads. */
    private static final class CollectingSink implements ChunkSink {
        private final List<AudioChunk> chunks = new ArrayList<>();

        @Override
        public void send(Reference reference) {
            throw new UnsupportedOperationException("the WebSocket source sends no references");
        }

        @Override
        public synchronized void send(AudioChunk chunk) {
            chunks.add(chunk);
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
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink)) {
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
        try (WebSocketSource source = WebSocketSource.start(new InetSocketAddress("127.0.0.1", 0), 100, sink)) {
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
}
