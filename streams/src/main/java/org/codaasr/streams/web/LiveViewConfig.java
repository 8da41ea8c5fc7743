package org.codaasr.streams.web;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.codaasr.model.recognizer.RoutingRequest;

/**
 * What the live view serves: its HTTP port and, when audio can be sent from the page (microphone, file upload), the
 * WebSocket endpoint that takes it. The page reads this as {@code GET /api/config}.
 *
 * @param port           HTTP port, 0 for any free one
 * @param audio          the audio WebSocket endpoint the page sends to; null when the page only shows results
 * @param maxUploadBytes largest file the page accepts for upload
 * @param listen         the address the HTTP server listens on: loopback by default; another one needs a token
 * @param token          what every request but the page's own files must present ({@code Authorization: Bearer} or
 *                       {@code ?token=}); null: no token (loopback only)
 */
public record LiveViewConfig(int port, AudioEndpoint audio, long maxUploadBytes, InetAddress listen, String token) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 200L * 1024 * 1024;

    public LiveViewConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected port in 0..65535, got " + port);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("expected maxUploadBytes >= 1, got " + maxUploadBytes);
        }
        listen = listen == null ? InetAddress.getLoopbackAddress() : listen;
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token == null && !listen.isLoopbackAddress()) {
            throw new IllegalArgumentException("the live view would serve every stream's transcript on "
                    + listen.getHostAddress() + " without a token: give a token, or listen on a loopback address");
        }
    }

    /** Port 8080 on the loopback address, no token, no audio endpoint, uploads up to 200 MiB. */
    public static LiveViewConfig defaults() {
        return new LiveViewConfig(DEFAULT_PORT, null, DEFAULT_MAX_UPLOAD_BYTES, null, null);
    }

    public LiveViewConfig withPort(int p) {
        return new LiveViewConfig(p, audio, maxUploadBytes, listen, token);
    }

    public LiveViewConfig withAudio(AudioEndpoint a) {
        return new LiveViewConfig(port, a, maxUploadBytes, listen, token);
    }

    public LiveViewConfig withMaxUploadBytes(long bytes) {
        return new LiveViewConfig(port, audio, bytes, listen, token);
    }

    /** Listens on {@code address} (a non-loopback one needs a token). */
    public LiveViewConfig withListen(InetAddress address) {
        return new LiveViewConfig(port, audio, maxUploadBytes, address, token);
    }

    /** Every request but the page's own files must present {@code t}; null for none. */
    public LiveViewConfig withToken(String t) {
        return new LiveViewConfig(port, audio, maxUploadBytes, listen, t);
    }

    @Override
    public String toString() {
        return "LiveViewConfig[port=" + port + ", audio=" + audio + ", maxUploadBytes=" + maxUploadBytes
                + ", listen=" + listen.getHostAddress() + ", token=" + (token == null ? "none" : "[hidden]") + "]";
    }

    /**
     * The WebSocket source the page streams 16 kHz PCM to ({@code ws://<page host>:port/<streamId>}).
     *
     * @param port             its port on the host that serves the page
     * @param tokenRequired    whether the page must present a token ({@code ?token=})
     * @param maxMessageBytes  largest binary message it accepts
     * @param maxStreamSeconds longest stream it accepts
     * @param routing          the CoDA routing requests the page offers (what the recognizers have loaded)
     * @param defaultRouting   the one selected at first; one of {@code routing}
     */
    public record AudioEndpoint(int port, boolean tokenRequired, int maxMessageBytes, double maxStreamSeconds,
                                List<RoutingRequest> routing, RoutingRequest defaultRouting) {

        public AudioEndpoint {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("expected the audio endpoint's port in 1..65535, got " + port);
            }
            if (maxMessageBytes < 2 || maxStreamSeconds <= 0) {
                throw new IllegalArgumentException("expected maxMessageBytes >= 2 and maxStreamSeconds > 0, got "
                        + maxMessageBytes + " and " + maxStreamSeconds);
            }
            routing = List.copyOf(routing);
            Objects.requireNonNull(defaultRouting, "defaultRouting");
            if (!routing.contains(defaultRouting)) {
                throw new IllegalArgumentException("default routing " + defaultRouting.text() + " is not among "
                        + routing.stream().map(RoutingRequest::text).toList());
            }
        }
    }
}
