package org.codaasr.streams.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fans Server-Sent Events out to the connected {@code /events} clients. Each client has a bounded queue drained by
 * its own HTTP handler thread; a client that falls {@link #QUEUE_CAPACITY} events behind is disconnected (the
 * browser's EventSource reconnects and starts over from a fresh snapshot). Hand-written because the JDK HTTP server
 * has no SSE support and the protocol is a few lines of text.
 */
final class SseBroadcaster implements AutoCloseable {

    static final int QUEUE_CAPACITY = 4_096;
    static final int MAX_CLIENTS = 64;
    private static final long KEEP_ALIVE_MS = 15_000;
    /** Compared by identity: ends a client's stream. */
    private static final String END = new String("end");

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** One SSE frame: {@code event: <name>} and one {@code data:} line (the JSON has no raw newlines). */
    static String frame(String event, String json) {
        return "event: " + event + "\ndata: " + json + "\n\n";
    }

    /** A new client whose first frame is {@code first}; null when the server is closed or full. */
    Client subscribe(String first) {
        if (closed || clients.size() >= MAX_CLIENTS) {
            return null;
        }
        Client client = new Client();
        client.queue.add("retry: 2000\n" + first);
        clients.add(client);
        return client;
    }

    void publish(String frame) {
        for (Client client : clients) {
            if (!client.queue.offer(frame)) {
                disconnect(client);
            }
        }
    }

    int clientCount() {
        return clients.size();
    }

    private void disconnect(Client client) {
        clients.remove(client);
        client.queue.clear();
        client.queue.offer(END);
    }

    /** Ends every stream; their handler threads return. */
    @Override
    public void close() {
        closed = true;
        clients.forEach(this::disconnect);
    }

    /** Writes the client's frames to the exchange until the client goes away or the broadcaster closes. */
    void stream(Client client, HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            while (true) {
                String frame = client.queue.poll(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
                if (frame == END) {
                    return;
                }
                // a comment line keeps proxies from timing out and tells us when the client has gone
                out.write((frame == null ? ": keep-alive\n\n" : frame).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(client);
        }
    }

    /** One connected {@code /events} client. */
    static final class Client {
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    }
}
