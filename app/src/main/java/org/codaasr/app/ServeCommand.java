package org.codaasr.app;

import java.util.concurrent.Callable;
import org.codaasr.ingest.WebSocketPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code asr serve}: the Vosk and sherpa-onnx WebSocket protocols in front of a running pipeline, until the process
 * is interrupted (Ctrl-C, SIGTERM); a shutdown hook closes them.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve Vosk's (port 2700) and sherpa-onnx's (port 6006) WebSocket protocols: each connection "
                + "is one stream through the pipeline, its results sent back as those servers send them.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafka;

    @Mixin
    ProtocolPortOptions ports;

    @Mixin
    AudioSocketOptions access;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws InterruptedException {
        WebSocketPolicy policy = access.policy(spec, false);
        try (ShutdownSignal shutdown = ShutdownSignal.install("coda-asr-serve-shutdown");
                MetricsEndpoint endpoint = metrics.start(spec);
                ProtocolServers servers = start(policy)) {
            spec.commandLine().getOut().println(servers.describe() + "\nmetrics:     " + endpoint.uri()
                    + "\n(reading and writing " + bootstrapServers + "; Ctrl-C to stop)");
            spec.commandLine().getOut().flush();
            shutdown.await();
        }
        return 0;
    }

    private ProtocolServers start(WebSocketPolicy policy) {
        try {
            return ProtocolServers.start(bootstrapServers, kafka.properties(), access.listenAddress(spec), ports.vosk,
                    ports.sherpaOnnx, policy);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
