package org.codaasr.streams.web;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        LiveView view = LiveView.start(bootstrapServers, port);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            view.close();
            closed.countDown();
        }, "coda-asr-liveview-shutdown"));
        spec.commandLine().getOut().println("live view: " + view.uri() + " (reading " + bootstrapServers
                + "; Ctrl-C to stop)");
        spec.commandLine().getOut().flush();
        closed.await();
        return 0;
    }
}
