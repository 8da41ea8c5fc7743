package org.codaasr.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.ingest.KafkaChunkSink;
import org.codaasr.ingest.WebSocketPolicy;
import org.codaasr.ingest.WebSocketSource;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RoutingRequest;
import org.codaasr.streams.web.LiveView;
import org.codaasr.streams.web.LiveViewConfig;

/**
 * The page people talk to: the {@link LiveView} (results, dashboard) and, when an audio port is given, a
 * {@link WebSocketSource} that puts what the page's microphone and uploads send into {@code asr.audio}. One place
 * wires it for {@code asr liveview} and {@code asr demo --keep-running}.
 */
final class WebConsole implements AutoCloseable {

    /** Chunk length the page's audio is cut into on its way to Kafka, as {@code asr ingest} cuts it. */
    static final int CHUNK_MS = 100;

    private final KafkaChunkSink sink;
    private final WebSocketSource audio;
    private final LiveView view;
    private final WebSocketPolicy policy;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebConsole(KafkaChunkSink sink, WebSocketSource audio, LiveView view, WebSocketPolicy policy) {
        this.sink = sink;
        this.audio = audio;
        this.view = view;
        this.policy = policy;
    }

    /**
     * Starts the page on {@code webPort} of {@code listen} and, unless {@code audioPort} is null, the audio socket on
     * it (0: any free port) under {@code policy}, offering {@code routing} with {@code defaultRouting} selected.
     * Every request of the page but its own files needs the policy's token.
     */
    static WebConsole start(String bootstrapServers, KafkaClientProperties client, InetAddress listen, int webPort,
            Integer audioPort, WebSocketPolicy policy, List<RoutingRequest> routing, RoutingRequest defaultRouting) {
        LiveViewConfig page = LiveViewConfig.defaults().withListen(listen).withPort(webPort)
                .withToken(policy.token());
        if (audioPort == null) {
            return new WebConsole(null, null, LiveView.start(bootstrapServers, client, page), policy);
        }
        KafkaChunkSink sink = KafkaChunkSink.create(IngestConfig.defaults().withBootstrapServers(bootstrapServers)
                .withClient(client).withChunkMs(CHUNK_MS));
        WebSocketSource audio = null;
        try {
            audio = WebSocketSource.start(new InetSocketAddress(listen, audioPort), CHUNK_MS, sink, policy);
            LiveViewConfig.AudioEndpoint endpoint = new LiveViewConfig.AudioEndpoint(audio.port(),
                    policy.requiresToken(), policy.maxMessageBytes(), policy.maxStreamSeconds(), routing,
                    defaultRouting);
            LiveView view = LiveView.start(bootstrapServers, client, page.withAudio(endpoint));
            return new WebConsole(sink, audio, view, policy);
        } catch (RuntimeException e) {
            if (audio != null) {
                audio.close();
            }
            sink.close();
            throw e;
        }
    }

    /** What a page may ask of the {@code recognizer}: each loaded variant, and adaptive routing when it is on. */
    static List<RoutingRequest> routingOf(Recognizer recognizer) {
        List<RoutingRequest> choices = new ArrayList<>();
        recognizer.variants().stream().sorted().map(RoutingRequest::pinned).forEach(choices::add);
        if (recognizer.isAdaptive()) {
            choices.add(RoutingRequest.ADAPTIVE);
        }
        return choices;
    }

    /** What a new stream of the {@code recognizer} runs at when it asks for nothing. */
    static RoutingRequest defaultRoutingOf(Recognizer recognizer) {
        return recognizer.isAdaptive() ? RoutingRequest.ADAPTIVE : RoutingRequest.pinned(recognizer.defaultVariant());
    }

    /** For a page whose streams applications run elsewhere: the one choice "as they decide". */
    static List<RoutingRequest> serverDecides() {
        return List.of(RoutingRequest.ADAPTIVE);
    }

    /** The page's address on this machine, with the token in the fragment (never sent to the server). */
    URI pageUri() {
        URI uri = view.uri();
        return policy.requiresToken() ? URI.create(uri + "#token=" + policy.token()) : uri;
    }

    /** The audio socket's port; -1 without one. */
    int audioPort() {
        return audio == null ? -1 : audio.port();
    }

    LiveView view() {
        return view;
    }

    /** One line for the console: where to open the page and what it accepts. */
    String describe() {
        String listen = view.address().getAddress().getHostAddress();
        if (audio == null) {
            return "live view: " + pageUri() + " (listening on " + listen + ")";
        }
        return "page: " + pageUri() + "  (audio on ws://" + listen + ":" + audio.port() + "/<streamId>, "
                + (policy.requiresToken() ? "token in the address" : "no token: --no-auth") + ")";
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            view.close();
        } finally {
            if (audio != null) {
                try {
                    audio.close();
                } finally {
                    sink.close();
                }
            }
        }
    }
}
