package org.codaasr.streams;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import org.apache.kafka.streams.Topology;
import org.codaasr.streams.metrics.PipelineMetrics;
import org.codaasr.messages.Topics;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.recognition.RecognitionTopology;
import org.codaasr.streams.wer.WerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline in one JVM: the recognition application and the WER application (separate application ids,
 * so each scales and restarts on its own), sharing one recognizer.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    private final KafkaStreams recognition;
    private final KafkaStreams wer;
    private final List<KafkaStreamsMetrics> clientMetrics;

    private StreamsApp(KafkaStreams recognition, KafkaStreams wer, List<KafkaStreamsMetrics> clientMetrics) {
        this.recognition = recognition;
        this.wer = wer;
        this.clientMetrics = clientMetrics;
    }

    /**
     * Warms the recognizer up ({@link Recognizer#warmUp}), then builds and starts both applications.
     * {@code recognizer} stays owned by the caller.
     */
    public static StreamsApp start(StreamsAppConfig config, Recognizer recognizer) {
        return start(config, recognizer, null);
    }

    /**
     * The same, counting for {@code registry} (null: nothing) what {@link PipelineMetrics} counts, the lag on
     * {@code asr.audio} ({@code asr.audio.lag.records}) and both applications' own Kafka client metrics.
     */
    public static StreamsApp start(StreamsAppConfig config, Recognizer recognizer, MeterRegistry registry) {
        LOG.info("recognizer warmed up in {} ms", recognizer.warmUp());
        Topology recognitionTopology = RecognitionTopology.build(config, recognizer,
                registry == null ? null : new PipelineMetrics(registry, recognizer));
        KafkaStreams recognition = new KafkaStreams(recognitionTopology, config.toProperties());
        StreamsAppConfig werConfig = config.withApplicationId(config.applicationId() + "-wer")
                .withStateDir(config.stateDir().resolve("wer"));
        Properties werProps = werConfig.toProperties();
        KafkaStreams wer = new KafkaStreams(WerTopology.build(werConfig), werProps);
        recognition.setUncaughtExceptionHandler(e -> {
            LOG.error("recognition stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        List<KafkaStreamsMetrics> clientMetrics = registry == null ? List.of() : List.of(
                new KafkaStreamsMetrics(recognition, List.of(Tag.of("app", "recognition"))),
                new KafkaStreamsMetrics(wer, List.of(Tag.of("app", "wer"))));
        clientMetrics.forEach(m -> m.bindTo(registry));
        recognition.start();
        wer.start();
        LOG.info("streams started: recognition app '{}' and WER app '{}' on {}", config.applicationId(),
                werConfig.applicationId(), config.bootstrapServers());
        StreamsApp app = new StreamsApp(recognition, wer, clientMetrics);
        if (registry != null) {
            Gauge.builder("asr.audio.lag.records", app, StreamsApp::audioLagRecords)
                    .description("records of asr.audio not yet read by this instance's recognition application")
                    .register(registry);
        }
        return app;
    }

    public KafkaStreams recognition() {
        return recognition;
    }

    public KafkaStreams wer() {
        return wer;
    }

    /**
     * Records of {@code asr.audio} this instance's stream threads have not fetched yet (the consumers' {@code records-lag}
     * per assigned partition, summed); 0 before anything was fetched. It needs no admin client; the group's lag
     * behind its committed offsets (what Kafka's consumer-group tool shows, and {@code asr bench soak} reports) also
     * counts records fetched but not yet processed.
     */
    public long audioLagRecords() {
        double lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : recognition.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && Topics.AUDIO.equals(name.tags().get("topic"))
                    && !name.tags().getOrDefault("client-id", "").contains("restore")) {
                Object v = e.getValue().metricValue();
                if (v instanceof Double d && !d.isNaN()) {
                    lag += d;
                }
            }
        }
        return Math.round(lag);
    }

    /** One line for an operator: both applications' states and the audio lag. */
    public String status() {
        return "recognition " + recognition.state() + ", WER " + wer.state() + ", lag " + audioLagRecords()
                + " records on " + Topics.AUDIO + ", partitions " + audioPartitions();
    }

    /** The {@code asr.audio} partitions this instance's recognition tasks hold now, ascending. */
    public java.util.List<Integer> audioPartitions() {
        java.util.TreeSet<Integer> held = new java.util.TreeSet<>();
        for (org.apache.kafka.streams.ThreadMetadata t : recognition.metadataForLocalThreads()) {
            for (org.apache.kafka.streams.TaskMetadata task : t.activeTasks()) {
                task.topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.AUDIO))
                        .forEach(tp -> held.add(tp.partition()));
            }
        }
        return java.util.List.copyOf(held);
    }

    /** Waits until both applications are RUNNING. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (recognition.state() == KafkaStreams.State.RUNNING && wer.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Stops both applications, side by side (each commits and closes its clients and state stores on its own
     * threads); a stream thread still inside the model when this returns only finds it closed.
     */
    @Override
    public void close() {
        long start = System.nanoTime();
        recognition.close(Duration.ZERO); // starts the shutdown; the calls below wait for it
        wer.close(Duration.ZERO);
        if (!recognition.close(Duration.ofSeconds(30))) {
            LOG.warn("the recognition application did not stop within 30 s; closing the model under it");
        }
        if (!wer.close(Duration.ofSeconds(30))) {
            LOG.warn("the WER application did not stop within 30 s");
        }
        clientMetrics.forEach(KafkaStreamsMetrics::close);
        LOG.info("recognition and WER applications closed in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
