package org.codaasr.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.ingest.KafkaChunkSink;
import org.codaasr.ingest.WebSocketPolicy;
import org.codaasr.ingest.WebSocketSource;
import org.codaasr.ingest.protocol.SherpaOnnxProtocol;
import org.codaasr.ingest.protocol.TranscriptFeed;
import org.codaasr.ingest.protocol.VoskProtocol;
import org.codaasr.messages.KafkaClientProperties;

/**
 * The ports other projects' clients speak to: Vosk's WebSocket protocol and sherpa-onnx's online one, each
 * connection one stream on {@code asr.audio} whose results come back from {@code asr.transcripts} (one
 * {@link TranscriptFeed} for both). One place wires them for {@code asr serve} and {@code asr demo --keep-running}.
 */
public final class ProtocolServers implements AutoCloseable {

    public static final int VOSK_PORT = 2700;
    public static final int SHERPA_ONNX_PORT = 6006;

    private final TranscriptFeed feed;
    private final KafkaChunkSink sink;
    private final WebSocketSource vosk;
    private final WebSocketSource sherpa;
    private final WebSocketPolicy policy;

    private ProtocolServers(TranscriptFeed feed, KafkaChunkSink sink, WebSocketSource vosk, WebSocketSource sherpa,
            WebSocketPolicy policy) {
        this.feed = feed;
        this.sink = sink;
        this.vosk = vosk;
        this.sherpa = sherpa;
        this.policy = policy;
    }

    /**
     * Starts both servers on {@code listen} (ports 0: any free one) under {@code policy}, reading results from
     * {@code bootstrapServers}; returns once they accept connections and the result feed is positioned.
     */
    public static ProtocolServers start(String bootstrapServers, KafkaClientProperties client, InetAddress listen,
            int voskPort, int sherpaPort, WebSocketPolicy policy) {
        WebSocketSource.requireTokenOffLoopback(listen, policy, "asr serve");
        TranscriptFeed feed = TranscriptFeed.start(bootstrapServers, client, Duration.ofSeconds(60));
        KafkaChunkSink sink = null;
        WebSocketSource vosk = null;
        try {
            sink = KafkaChunkSink.create(IngestConfig.defaults().withBootstrapServers(bootstrapServers)
                    .withClient(client).withChunkMs(WebConsole.CHUNK_MS));
            vosk = WebSocketSource.start(new InetSocketAddress(listen, voskPort), WebConsole.CHUNK_MS, sink, policy,
                    new VoskProtocol(feed));
            WebSocketSource sherpa = WebSocketSource.start(new InetSocketAddress(listen, sherpaPort),
                    WebConsole.CHUNK_MS, sink, policy, new SherpaOnnxProtocol(feed));
            return new ProtocolServers(feed, sink, vosk, sherpa, policy);
        } catch (RuntimeException e) {
            if (vosk != null) {
                vosk.close();
            }
            if (sink != null) {
                sink.close();
            }
            feed.close();
            throw e;
        }
    }

    public int voskPort() {
        return vosk.port();
    }

    public int sherpaOnnxPort() {
        return sherpa.port();
    }

    /** Where each protocol listens and who gets in, one line each. */
    String describe() {
        String access = !policy.requiresToken() ? "no token"
                : policy.loopbackWithoutToken() ? "no token from this machine, else the token"
                : "token: ?token= or Authorization: Bearer";
        return "vosk:        " + uri(vosk) + "  (Vosk's WebSocket protocol; " + access + ")\n"
                + "sherpa-onnx: " + uri(sherpa) + "  (sherpa-onnx's online WebSocket protocol; " + access + ")";
    }

    private static String uri(WebSocketSource server) {
        InetSocketAddress address = server.address();
        String host = address.getAddress().isLoopbackAddress() ? "localhost" : address.getAddress().getHostAddress();
        return "ws://" + host + ":" + server.port();
    }

    /** Stops both servers (open streams end as their protocol ends a closed connection), the sink and the feed. */
    @Override
    public void close() {
        try {
            vosk.close();
            sherpa.close();
        } finally {
            try {
                sink.close();
            } finally {
                feed.close();
            }
        }
    }
}
