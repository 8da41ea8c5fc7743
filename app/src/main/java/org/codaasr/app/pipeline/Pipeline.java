package org.codaasr.app.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.ingest.IngestReport;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsApp;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.TopicSetup;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process, wired in one place for {@code asr demo}, {@code asr bench pipeline} and the
 * end-to-end tests: Kafka (the in-JVM KRaft broker unless a cluster is named), the topics, the recognition and WER
 * streams applications, and a monitor of the output topics. Audio goes in with {@link #ingest}. Closing stops
 * everything it started, in reverse order, and removes a state folder it created.
 */
public final class Pipeline implements AutoCloseable {

    /** The pipeline's start timeout when none is given. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final PipelineConfig config;
    private final EmbeddedKafkaBroker broker;
    private final String bootstrapServers;
    private final Path temporaryStateDir;
    private final StreamsAppConfig streamsConfig;
    private final StreamsApp streams;
    private final PipelineMonitor monitor;
    private final Set<AudioIngestor> ingesting = ConcurrentHashMap.newKeySet();
    private volatile boolean ingestStopped;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pipeline(PipelineConfig config, EmbeddedKafkaBroker broker, String bootstrapServers,
            Path temporaryStateDir, StreamsAppConfig streamsConfig, StreamsApp streams, PipelineMonitor monitor) {
        this.config = config;
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.temporaryStateDir = temporaryStateDir;
        this.streamsConfig = streamsConfig;
        this.streams = streams;
        this.monitor = monitor;
    }

    /**
     * Starts Kafka (or connects to {@link PipelineConfig#bootstrapServers()}), creates missing topics, starts both
     * streams applications with {@code recognizer} (still owned by the caller) and waits until they run.
     *
     * @param listener sees every record of the output topics, on the monitor's thread
     * @throws AsrException when a part does not start; whatever had started is closed again
     */
    public static Pipeline start(PipelineConfig config, Recognizer recognizer,
            Consumer<PipelineMonitor.Event> listener) {
        return start(config, recognizer, listener, null);
    }

    /** The same, the streams applications counting for {@code registry} (null: nothing). */
    public static Pipeline start(PipelineConfig config, Recognizer recognizer,
            Consumer<PipelineMonitor.Event> listener, MeterRegistry registry) {
        EmbeddedKafkaBroker broker = null;
        Path tempState = null;
        StreamsApp streams = null;
        PipelineMonitor monitor = null;
        try {
            String servers = config.bootstrapServers();
            if (servers == null) {
                broker = EmbeddedKafkaBroker.start();
                servers = broker.bootstrapServers();
            }
            TopicSetup.ensure(servers, config.streams().client(), config.partitions(), config.replication());
            Path stateDir = config.stateDir();
            if (stateDir == null) {
                tempState = Files.createTempDirectory("coda-asr-state");
                stateDir = tempState;
            }
            StreamsAppConfig streamsConfig = config.streams().toBuilder().bootstrapServers(servers)
                    .stateDir(stateDir).build();
            streams = StreamsApp.start(streamsConfig, recognizer, registry);
            monitor = PipelineMonitor.start(servers, streamsConfig.client(), listener);
            if (!streams.awaitRunning(config.startTimeout())) {
                throw new AsrException("the streams applications '" + streamsConfig.applicationId()
                        + "' did not reach RUNNING within " + config.startTimeout().toSeconds() + " s on " + servers);
            }
            return new Pipeline(config, broker, servers, tempState, streamsConfig, streams, monitor);
        } catch (IOException e) {
            closeQuietly(monitor, streams, broker, tempState);
            throw new AsrException("cannot create a state folder for the streams applications: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(monitor, streams, broker, tempState);
            throw new AsrException("interrupted while the pipeline was starting", e);
        } catch (RuntimeException e) {
            closeQuietly(monitor, streams, broker, tempState);
            throw e;
        }
    }

    /** Kafka bootstrap servers of this pipeline (the embedded broker's when none were named). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** True when this pipeline runs its own in-JVM broker. */
    public boolean isEmbedded() {
        return broker != null;
    }

    public PipelineConfig config() {
        return config;
    }

    /** The streams configuration actually in force (servers and state folder filled in). */
    public StreamsAppConfig streamsConfig() {
        return streamsConfig;
    }

    public StreamsApp streams() {
        return streams;
    }

    public PipelineMonitor monitor() {
        return monitor;
    }

    /**
     * Sends {@code items} as audio streams into this pipeline's Kafka and returns once all are sent, or after
     * {@link #stopIngest()} with what was sent.
     */
    public IngestReport ingest(List<AudioItem> items, IngestConfig ingest, AudioLoader loader) {
        try (AudioIngestor ingestor = AudioIngestor.toKafka(ingest.withBootstrapServers(bootstrapServers)
                .withClient(streamsConfig.client()), loader)) {
            ingesting.add(ingestor);
            if (ingestStopped) {
                ingestor.stop();
            }
            try {
                return ingestor.ingest(items);
            } finally {
                ingesting.remove(ingestor);
            }
        }
    }

    /** Ends every running {@link #ingest}, and any later one, after the chunk it is sending (from any thread). */
    public void stopIngest() {
        ingestStopped = true;
        ingesting.forEach(AudioIngestor::stop);
    }

    @Override
    public void close() {
        closeWith();
    }

    /**
     * Closes {@code clients} of this pipeline's broker (a web page's consumers, producers) side by side with its own
     * clients, then the broker and the state folder; a stop (Ctrl-C, SIGTERM) waits for the slowest, not for the sum.
     * Idempotent, with {@link #close()}.
     */
    public void closeWith(AutoCloseable... clients) {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(monitor, streams, broker, temporaryStateDir, clients);
        }
    }

    /**
     * Closes the clients of the broker (monitor, streams applications and {@code others}, side by side: a stop must be
     * quick), then the broker while the state folder is removed.
     */
    private static void closeQuietly(PipelineMonitor monitor, StreamsApp streams, EmbeddedKafkaBroker broker,
            Path tempState, AutoCloseable... others) {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        clients.add(CompletableFuture.runAsync(() -> closeQuietly(monitor)));
        for (AutoCloseable other : others) {
            clients.add(CompletableFuture.runAsync(() -> closeQuietly(other)));
        }
        closeQuietly(streams);
        clients.forEach(CompletableFuture::join);
        CompletableFuture<Void> stateRemoved = CompletableFuture.runAsync(() -> {
            if (tempState != null) {
                deleteTree(tempState);
            }
        });
        closeQuietly(broker);
        stateRemoved.join();
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            long start = System.nanoTime();
            part.close();
            LOG.info("closed {} in {} ms", part.getClass().getSimpleName(), (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
        }
    }

    /** Removes {@code dir} and everything under it; what cannot be removed is logged and left. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot remove the state folder {}: {}", dir, e.toString());
        }
    }
}
