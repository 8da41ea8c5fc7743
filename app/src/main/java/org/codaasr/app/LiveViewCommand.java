package org.codaasr.app;

import java.util.List;
import java.util.concurrent.Callable;
import org.codaasr.model.recognizer.RoutingRequest;
import org.codaasr.streams.web.LiveView;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code asr liveview}: serves the page ({@link LiveView}: results, dashboard) and the audio socket its microphone
 * and uploads send to, until the process is interrupted (Ctrl-C, SIGTERM); a shutdown hook closes both.
 */
@Command(name = "liveview", mixinStandardHelpOptions = true,
        description = "Serve the web page: speak or upload audio, see transcripts, latency, running WER and dead letters.")
public final class LiveViewCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--audio-port", defaultValue = "8081",
            description = "WebSocket port the page sends microphone and file audio to (default: ${DEFAULT-VALUE}).")
    int audioPort;

    @Option(names = "--no-audio", description = "Only show results: no microphone or upload, no audio socket.")
    boolean noAudio;

    @Option(names = "--routing", split = ",", paramLabel = "R", converter = RoutingConverter.class,
            description = "CoDA routing the page offers, the first selected: adaptive, dense, 2, 4, 8 (what the "
                    + "streams applications have loaded; default: adaptive, i.e. as they decide).")
    List<RoutingRequest> routing;

    @Mixin
    AudioSocketOptions audioSocket;

    @Override
    public Integer call() throws InterruptedException {
        List<RoutingRequest> choices = routing == null || routing.isEmpty() ? WebConsole.serverDecides() : routing;
        try (ShutdownSignal shutdown = ShutdownSignal.install("coda-asr-liveview-shutdown");
                WebConsole console = WebConsole.start(bootstrapServers, kafka.properties(),
                        audioSocket.listenAddress(spec), port,
                        noAudio ? null : audioPort, audioSocket.policy(spec, true), choices, choices.get(0))) {
            spec.commandLine().getOut().println(console.describe() + " (reading " + bootstrapServers
                    + "; Ctrl-C to stop)");
            spec.commandLine().getOut().flush();
            shutdown.await();
        }
        return 0;
    }

    /** Reads one {@code --routing} value. */
    static final class RoutingConverter implements ITypeConverter<RoutingRequest> {
        @Override
        public RoutingRequest convert(String value) {
            return RoutingRequest.parse(value);
        }
    }
}
