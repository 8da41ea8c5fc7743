package org.codaasr.ingest;

import java.nio.ByteBuffer;

/**
 * What a {@link WebSocketSource} speaks on each connection beyond the WebSocket framing: which text messages mean
 * what, which sample format the binary messages carry, what it answers and how a stream ends. The source does the
 * rest the same for every protocol: the token, the limits, one stream per connection on {@code asr.audio}, chunking.
 */
public interface AudioProtocol {

    /** Short name, used in generated stream ids ({@code <name>-<time>-<n>}) and in the log. */
    String name();

    /** A connection has opened as {@code connection}'s stream; the session gets its messages. */
    Session open(AudioConnection connection);

    /** One connection's protocol state. Calls for one connection come one at a time. */
    interface Session {

        void onText(String message);

        void onBinary(ByteBuffer message);

        /**
         * The socket has closed, by either side ({@code code} and {@code reason} as the close frame gave them). The
         * stream must end here if it has not: normally where the protocol says a closing socket ends it, else with
         * the abort marker.
         */
        void onClose(int code, String reason);
    }
}
