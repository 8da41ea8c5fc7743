package org.codaasr.app;

import org.codaasr.streams.web.LiveView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code asr liveview}: serves the {@link LiveView} page until the process is interrupted (Ctrl-C, SIGTERM);
 * a shutdown hook closes the consumer and the HTTP server.
 */
@Command(name = "liveview", mixinStandardHelpOptions = true,
        description = "Serve a live web page of transcripts, running WER and dead letters read from Kafka.")
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

    @Override
    public Integer call() throws InterruptedException {
        try (ShutdownSignal shutdown = ShutdownSignal.install("coda-asr-liveview-shutdown");
                LiveView view = LiveView.start(bootstrapServers, kafka.properties(), port)) {
            spec.commandLine().getOut().println("live view: " + view.uri() + " (reading " + bootstrapServers
                    + "; Ctrl-C to stop)");
            spec.commandLine().getOut().flush();
            shutdown.await();
        }
        return 0;
    }
}
