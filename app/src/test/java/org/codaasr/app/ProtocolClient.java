package org.codaasr.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client as the Vosk and sherpa-onnx example clients behave, on the JDK's client: it sends text and
 * binary messages and keeps every text message it gets, in order, and how the server closed.
 */
final class ProtocolClient implements WebSocket.Listener {

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static ProtocolClient connect(String uri, String bearer) throws Exception {
        ProtocolClient client = new ProtocolClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        client.socket = builder.buildAsync(URI.create(uri), client).get(10, TimeUnit.SECONDS);
        return client;
    }

    void text(String message) throws Exception {
        socket.sendText(message, true).get(10, TimeUnit.SECONDS);
    }

    void binary(byte[] message) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
    }

    /** Sends without waiting: a server that refuses a message may close before the client has written it. */
    void binaryNoWait(byte[] message) {
        socket.sendBinary(ByteBuffer.wrap(message), true);
    }

    /** The next text message; fails after {@code seconds}. */
    String next(int seconds) throws InterruptedException {
        String message = received.poll(seconds, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + seconds + " s (closed: " + closeCode.getNow(null) + ")");
        }
        return message;
    }

    /** Every message until the server closes (or {@code seconds} pass). */
    List<String> untilClosed(int seconds) throws Exception {
        closeCode.get(seconds, TimeUnit.SECONDS);
        List<String> rest = new ArrayList<>();
        received.drainTo(rest);
        return rest;
    }

    /** Drops the connection without a close frame, as a client that crashes or loses its network. */
    void vanish() {
        socket.abort();
    }

    void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(-1);
    }
}
