package org.codaasr.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.codaasr.app.AsrCli;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The pipeline on a broker that requires SASL/PLAIN: streams, monitor and ingest (the library and {@code asr ingest
 * --kafka-config FILE}) log in with the client properties; a client without them, or with a wrong password, is
 * refused; and nothing logged during the run holds the password.
 */
class SecuredClusterIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = DataSets.demoSet();
    static final String PASSWORD = "pw-7c1d9e";

    @TempDir
    Path dir;

    @Test
    void thePipelineRunsOnASaslClusterWhereClientsWithoutCredentialsAreRefused() throws Exception {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "shipped model missing");
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, 3);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSaslPlain("asr", PASSWORD)) {
            String servers = broker.bootstrapServers();
            KafkaClientProperties client = broker.clientProperties();

            Throwable anonymous = listTopicsFailure(servers, KafkaClientProperties.NONE);
            assertInstanceOf(TimeoutException.class, anonymous, "a client without SASL gets no answer");
            KafkaClientProperties wrong = new KafkaClientProperties(Map.of("security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "PLAIN", "sasl.jaas.config", "org.apache.kafka.common.security.plain."
                            + "PlainLoginModule required username=\"asr\" password=\"not-it\";"));
            assertInstanceOf(SaslAuthenticationException.class, listTopicsFailure(servers, wrong));

            PipelineConfig config = PipelineConfig.embedded().withBootstrapServers(servers).withPartitions(2)
                    .withStateDir(dir.resolve("state"))
                    .withStreams(StreamsAppConfig.builder().applicationId("secured").client(client).build());
            try (Recognizer recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(MODEL));
                    Pipeline pipeline = Pipeline.start(config, recognizer, e -> { })) {
                pipeline.ingest(items.subList(0, 2), IngestConfig.defaults().withRunId("secured"),
                        AudioLoader.decoder());
                Path properties = dir.resolve("client.properties");
                Files.writeString(properties, client.values().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).reduce("", (a, b) -> a + b + "\n"));
                int exit = new CommandLine(new AsrCli()).execute("ingest", "--bootstrap-servers", servers,
                        "--kafka-config", properties.toString(), "--run-id", "secured",
                        items.get(2).audio().toString());
                assertEquals(0, exit, "asr ingest --kafka-config");
                assertTrue(pipeline.monitor().awaitCompleted(3, 0, Duration.ofSeconds(120)),
                        "completed: " + pipeline.monitor().completed().keySet());
                assertEquals(List.of(), pipeline.monitor().deadLetters());
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (pipeline.streams().audioLagRecords() != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertTrue(pipeline.streams().status().startsWith("recognition RUNNING, WER RUNNING, lag 0 records"),
                        pipeline.streams().status());
            }
        } finally {
            root.detachAppender(logged);
        }
        assertTrue(logged.list.size() > 10, "the run logged");
        for (ILoggingEvent e : logged.list) {
            assertFalse(e.getFormattedMessage().contains(PASSWORD), "a log line holds the password: "
                    + e.getFormattedMessage());
        }
    }

    /** What listing topics with these client settings fails with (at most 6 s). */
    private static Throwable listTopicsFailure(String servers, KafkaClientProperties client) {
        Map<String, Object> config = client.applyTo(new java.util.HashMap<>());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
            return e.getCause();
        }
    }
}
