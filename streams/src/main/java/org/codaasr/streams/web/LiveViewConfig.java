package org.codaasr.streams.web;

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
 */
public record LiveViewConfig(int port, AudioEndpoint audio, long maxUploadBytes) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 200L * 1024 * 1024;

    public LiveViewConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected port in 0..65535, got " + port);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("expected maxUploadBytes >= 1, got " + maxUploadBytes);
        }
    }

    /** Port 8080, no audio endpoint, uploads up to 200 MiB. */
    public static LiveViewConfig defaults() {
        return new LiveViewConfig(DEFAULT_PORT, null, DEFAULT_MAX_UPLOAD_BYTES);
    }

    public LiveViewConfig withPort(int p) {
        return new LiveViewConfig(p, audio, maxUploadBytes);
    }

    public LiveViewConfig withAudio(AudioEndpoint a) {
        return new LiveViewConfig(port, a, maxUploadBytes);
    }

    public LiveViewConfig withMaxUploadBytes(long bytes) {
        return new LiveViewConfig(port, audio, bytes);
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
