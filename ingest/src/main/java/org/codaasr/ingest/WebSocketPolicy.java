package org.codaasr.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * Who may stream audio over the WebSocket source and how much: a shared token (a bearer {@code Authorization}
 * header, or {@code ?token=} for browsers, which cannot set headers on a WebSocket), the largest message, the
 * longest stream and the most streams one client address may hold open at once. Without a token every client is
 * let in, which only an explicit choice gives ({@link #anonymous}); with one, loopback clients may still be let in
 * without it ({@link #withLoopbackWithoutToken}), for clients on the same machine that cannot send one. A server
 * whose policy lets any client in without the token only listens on a loopback address.
 *
 * @param token               the shared secret; null lets anyone in
 * @param maxMessageBytes     largest binary message accepted
 * @param maxStreamSeconds    longest stream (16 kHz PCM); longer ones are ended and closed
 * @param maxStreamsPerClient streams one remote address may have open at once
 * @param maxIdleSeconds      longest silence between two messages; a client that sends nothing for longer has its
 *                            stream ended and its connection closed (1001), so it cannot hold a slot forever
 * @param loopbackWithoutToken clients connecting from a loopback address need no token
 */
public record WebSocketPolicy(String token, int maxMessageBytes, double maxStreamSeconds, int maxStreamsPerClient,
                              double maxIdleSeconds, boolean loopbackWithoutToken) {

    /** Stream ids taken from the URL path: no separators, so an id never names anything outside its stream. */
    public static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
    public static final double DEFAULT_MAX_STREAM_SECONDS = 3600;
    public static final int DEFAULT_MAX_STREAMS_PER_CLIENT = 4;
    public static final double DEFAULT_MAX_IDLE_SECONDS = 30;

    public WebSocketPolicy {
        if (token != null && token.length() < 8) {
            throw new IllegalArgumentException("expected a token of at least 8 characters");
        }
        if (maxMessageBytes < 2 || maxStreamSeconds <= 0 || maxStreamsPerClient < 1 || maxIdleSeconds <= 0) {
            throw new IllegalArgumentException("expected maxMessageBytes >= 2, maxStreamSeconds > 0, "
                    + "maxStreamsPerClient >= 1 and maxIdleSeconds > 0, got " + maxMessageBytes + ", "
                    + maxStreamSeconds + ", " + maxStreamsPerClient + ", " + maxIdleSeconds);
        }
    }

    /** Clients must present {@code token}; default limits. */
    public static WebSocketPolicy withToken(String token) {
        if (token == null) {
            throw new IllegalArgumentException("expected a token; use anonymous() to let every client in");
        }
        return new WebSocketPolicy(token, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_STREAM_SECONDS,
                DEFAULT_MAX_STREAMS_PER_CLIENT, DEFAULT_MAX_IDLE_SECONDS, false);
    }

    /** Every client is let in (a local demo); default limits. */
    public static WebSocketPolicy anonymous() {
        return new WebSocketPolicy(null, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_STREAM_SECONDS,
                DEFAULT_MAX_STREAMS_PER_CLIENT, DEFAULT_MAX_IDLE_SECONDS, false);
    }

    public WebSocketPolicy withLimits(int messageBytes, double streamSeconds, int streamsPerClient) {
        return new WebSocketPolicy(token, messageBytes, streamSeconds, streamsPerClient, maxIdleSeconds,
                loopbackWithoutToken);
    }

    public WebSocketPolicy withMaxIdleSeconds(double seconds) {
        return new WebSocketPolicy(token, maxMessageBytes, maxStreamSeconds, maxStreamsPerClient, seconds,
                loopbackWithoutToken);
    }

    /** The same, letting clients on a loopback address in without the token. */
    public WebSocketPolicy withLoopbackWithoutToken() {
        return new WebSocketPolicy(token, maxMessageBytes, maxStreamSeconds, maxStreamsPerClient, maxIdleSeconds,
                true);
    }

    public boolean requiresToken() {
        return token != null;
    }

    /** Whether a client at {@code client} presenting {@code presented} is let in. */
    public boolean accepts(String presented, java.net.InetAddress client) {
        return (loopbackWithoutToken && client != null && client.isLoopbackAddress()) || accepts(presented);
    }

    /** Whether {@code presented} is the token, compared in constant time. */
    public boolean accepts(String presented) {
        if (token == null) {
            return true;
        }
        return presented != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "WebSocketPolicy[token=" + (token == null ? "none" : "[hidden]") + ", maxMessageBytes="
                + maxMessageBytes + ", maxStreamSeconds=" + maxStreamSeconds + ", maxStreamsPerClient="
                + maxStreamsPerClient + ", maxIdleSeconds=" + maxIdleSeconds + ", loopbackWithoutToken=" + loopbackWithoutToken
                + "]";
    }
}
