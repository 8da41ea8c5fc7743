package org.codaasr.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.codaasr.streams.TopicSetup;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code asr broker}: the in-JVM KRaft broker alone, on a data directory that survives restarts, so that streams,
 * ingest and the live view can run as separate processes (and be stopped and started independently) without an
 * installed Kafka.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node KRaft Kafka broker (with the pipeline's topics) until stopped (Ctrl-C).")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "logs and metadata; reused on restart, topics and records kept (default: ${DEFAULT-VALUE})")
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "coda-asr-kafka");

    @Option(names = "--port", defaultValue = "9092", description = "client port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093",
            description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int controllerPort;

    @Option(names = "--partitions", defaultValue = "8",
            description = "partitions of the pipeline topics created when missing (default: ${DEFAULT-VALUE})")
    int partitions;

    @Override
    public Integer call() throws Exception {
        try (ShutdownSignal shutdown = ShutdownSignal.install("asr-broker-shutdown");
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startPersistent(dataDir, port, controllerPort)) {
            TopicSetup.ensure(broker.bootstrapServers(), partitions, (short) 1);
            System.out.println("kafka ready: --bootstrap-servers " + broker.bootstrapServers() + " (data "
                    + broker.logDir() + "; log " + AsrCli.logFile() + ")");
            System.out.flush();
            shutdown.await();
            System.out.println("kafka stopping");
        }
        return 0;
    }
}
