package org.codaasr.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.StreamsApp;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.TopicSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code asr streams}: the recognition + WER Kafka Streams applications against any cluster. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "Run the Kafka Streams recognition and WER applications until stopped (Ctrl-C).")
public final class StreamsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
            description = "Kafka cluster (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--application-id", defaultValue = "coda-asr", description = "Kafka Streams application id")
    String applicationId;

    @Option(names = "--state-dir", description = "local state folder (default: a folder under java.io.tmpdir)")
    Path stateDir;

    @Option(names = "--stream-threads", defaultValue = "1", description = "stream threads (default: ${DEFAULT-VALUE})")
    int streamThreads;

    @Option(names = "--partitions", defaultValue = "8",
            description = "partitions for topics this command creates when missing (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--replication", defaultValue = "1", description = "replication factor for created topics")
    short replication;

    @Option(names = "--standby-replicas", defaultValue = "0",
            description = "warm copies of each task's state on other instances (num.standby.replicas), so a failed "
                    + "instance's streams resume without replaying its changelogs (default: ${DEFAULT-VALUE})")
    int standbyReplicas;

    @Option(names = "--partial-interval", defaultValue = "0.5",
            description = "seconds of audio between partial results (default: ${DEFAULT-VALUE})")
    double partialInterval;

    @Option(names = "--idle-timeout-ms", defaultValue = "10000",
            description = "finalize a stream whose producer sent nothing for this long, by the records' timestamps;"
                    + " the application's own downtime never counts (default: ${DEFAULT-VALUE})")
    long idleTimeoutMs;

    @Option(names = "--status-interval", defaultValue = "30",
            description = "seconds between status lines (states, lag on asr.audio); 0: none (default: ${DEFAULT-VALUE})")
    int statusSeconds;

    @Mixin
    MetricsOptions metrics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KafkaClientProperties client = kafka.properties();
        TopicSetup.ensure(bootstrapServers, client, partitions, replication);
        StreamsAppConfig config = StreamsAppConfig.builder().applicationId(applicationId)
                .bootstrapServers(bootstrapServers).stateDir(stateDir).streamThreads(streamThreads)
                .partialIntervalSeconds(partialInterval).idleTimeoutMs(idleTimeoutMs).client(client)
                .standbyReplicas(standbyReplicas).build();
        try (ShutdownSignal shutdown = ShutdownSignal.install("asr-streams-shutdown");
                Recognizer recognizer = Recognizer.load(model.toConfig());
                MetricsEndpoint endpoint = metrics.start(spec);
                StreamsApp app = StreamsApp.start(config, recognizer, endpoint.registry())) {
            if (app.awaitRunning(Duration.ofSeconds(120))) {
                System.out.println("streams running: application " + config.applicationId() + " (recognition + WER) on "
                        + bootstrapServers + ", model " + recognizer.modelLabel(recognizer.defaultVariant())
                        + "; metrics " + endpoint.uri() + "; log " + AsrCli.logFile());
            } else {
                System.out.println("streams started on " + bootstrapServers + " but not RUNNING after 120 s; still "
                        + "trying (is the cluster reachable?)");
            }
            System.out.flush();
            while (!shutdown.await(Duration.ofSeconds(statusSeconds > 0 ? statusSeconds : 3600))) {
                if (statusSeconds > 0) {
                    System.out.println("streams: " + app.status());
                    System.out.flush();
                }
            }
        }
        return 0;
    }
}
