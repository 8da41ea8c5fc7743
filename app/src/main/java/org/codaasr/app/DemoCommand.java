package org.codaasr.app;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.codaasr.app.pipeline.Pipeline;
import org.codaasr.app.pipeline.PipelineConfig;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.ingest.IngestReport;
import org.codaasr.ingest.WebSocketPolicy;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsAppConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code asr demo}: the whole pipeline with nothing installed. Starts a real KRaft broker inside the JVM (or uses
 * {@code --bootstrap-servers}), runs the streams applications, replays the dev set as live streams, prints partial
 * and final transcripts and the running WER, and ends with a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Replay the dev set (else the shipped demo set) as live streams through an in-JVM Kafka and print "
                + "transcripts + WER.")
public final class DemoCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DIR", description = "LibriSpeech-layout folder to replay (default: the dev"
            + " set in the data folder (ASR_DATA) where it is there,"
            + " else the shipped demo set)")
    Path data;

    @Option(names = "--bootstrap-servers", description = "use this Kafka cluster instead of the embedded broker")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--limit", defaultValue = "0", description = "replay only the first N utterances")
    int limit;

    @Option(names = "--concurrency", defaultValue = "8", description = "live streams at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--realtime", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "pace audio in real time, like live microphones; --no-realtime sends it at once (default: on)")
    boolean realtime;

    @Option(names = "--partitions", defaultValue = "4", description = "topic partitions (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "2", description = "Kafka Streams threads (default: ${DEFAULT-VALUE})")
    int streamThreads;

    @Option(names = "--partials", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "print partial results (default: on)")
    boolean partials;

    @Option(names = "--keep-running",
            description = "serve the web page (speak, upload, watch) and keep the pipeline up after the replay (Ctrl-C to stop)")
    boolean keepRunning;

    @Option(names = "--web-port", defaultValue = "8080", description = "web page port with --keep-running (default: ${DEFAULT-VALUE})")
    int webPort;

    @Option(names = "--audio-port", defaultValue = "8081",
            description = "WebSocket port for the page's microphone and uploads with --keep-running (default: ${DEFAULT-VALUE})")
    int audioPort;

    @Mixin
    ProtocolPortOptions protocolPorts;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    AudioSocketOptions audioSocket;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", defaultValue = "600", description = "seconds to wait for all results")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        List<AudioItem> items = LibriSpeechSource.items(data != null ? data : DataSets.devSetOrDemo(System.err));
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        String runId = "demo-" + System.currentTimeMillis();
        PipelineConfig pipelineConfig = PipelineConfig.embedded().withBootstrapServers(bootstrapServers)
                .withPartitions(partitions).withStreams(StreamsAppConfig.builder().applicationId(runId)
                        .streamThreads(streamThreads).client(kafka.properties()).build());
        if (bootstrapServers == null) {
            System.out.println("starting an in-JVM Kafka broker (KRaft) ...");
        }
        try (ShutdownSignal shutdown = ShutdownSignal.install("asr-demo-shutdown");
                Recognizer recognizer = Recognizer.load(model.toConfig());
                MetricsEndpoint endpoint = metrics.start(spec);
                // a stop asked for while the model loaded: no broker to start
                Pipeline pipeline = shutdown.requested() ? null
                        : Pipeline.start(pipelineConfig, recognizer, this::print, endpoint.registry())) {
            if (pipeline == null) {
                return 1;
            }
            String servers = pipeline.bootstrapServers();
            PipelineMonitor monitor = pipeline.monitor();
            System.out.printf("kafka %s | model %s (%s, %s) | %s | %d streams, %d at once, %s%n", servers,
                    recognizer.modelFile(), recognizer.modelInfo().modelType(),
                    recognizer.modelInfo().variant().label(), model.describeDecoding(recognizer), items.size(),
                    concurrency,
                    realtime ? "real-time pacing" : "as fast as possible");
            System.out.println("metrics: " + endpoint.uri());
            // a null resource is allowed: without --keep-running there is no page to close
            WebSocketPolicy access = keepRunning ? audioSocket.policy(spec, true) : null;
            InetAddress listen = audioSocket.listenAddress(spec);
            try (WebConsole web = keepRunning ? WebConsole.start(servers, kafka.properties(), listen, webPort,
                    audioPort, access, WebConsole.routingOf(recognizer), WebConsole.defaultRoutingOf(recognizer))
                    : null;
                    // other projects' clients send no token: on this machine they need none
                    ProtocolServers protocols = keepRunning ? ProtocolServers.start(servers, kafka.properties(),
                            listen, protocolPorts.vosk, protocolPorts.sherpaOnnx, listen.isLoopbackAddress()
                                    ? access.withLoopbackWithoutToken() : access) : null) {
                if (web != null) {
                    System.out.println(web.describe());
                    System.out.println(protocols.describe());
                }
                long start = System.nanoTime();
                // Ctrl-C or SIGTERM ends the replay and the waits below; the resources then close in order
                shutdown.onRequest(pipeline::stopIngest);
                IngestReport sent = pipeline.ingest(items, IngestConfig.defaults().withRunId(runId)
                        .withRealtime(realtime).withConcurrency(concurrency), AudioLoader.decoder());
                boolean done = awaitResults(monitor, shutdown, items.size());
                if (shutdown.requested()) {
                    System.out.printf("stopping: %d of %d streams sent, %d completed; closing the pipeline%n",
                            sent.streams(), items.size(), monitor.completed().size());
                    pipeline.closeWith(web == null ? new AutoCloseable[0] : new AutoCloseable[] {web});
                    return 1;
                }
                awaitRunAggregate(monitor, runId, items.size());
                double wall = (System.nanoTime() - start) / 1e9;
                printSummary(monitor, sent, wall, done, runId);
                if (web != null) {
                    System.out.println("pipeline still running on " + servers + "; open " + web.pageUri()
                            + " to speak or upload, or send audio with: ./asr ingest --bootstrap-servers " + servers
                            + " FILE...   (Ctrl-C to stop)");
                    shutdown.await();
                }
                return done ? 0 : 1;
            }
        }
    }

    /** Waits for every stream's result, at most {@code --timeout}, returning early when a stop is requested. */
    private boolean awaitResults(PipelineMonitor monitor, ShutdownSignal shutdown, int streams)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (!shutdown.requested() && System.nanoTime() < deadline) {
            if (monitor.awaitCompleted(streams, streams, Duration.ofMillis(200))) {
                return true;
            }
        }
        return false;
    }

    /** The aggregate trails the per-utterance records by a commit; wait (briefly) until it covers them all. */
    private static void awaitRunAggregate(PipelineMonitor monitor, String runId, int utterances)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            WerAggregate run = monitor.aggregates().get("run:" + runId);
            if (run != null && run.utterances() >= utterances) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private void print(PipelineMonitor.Event event) {
        if (event instanceof PipelineMonitor.TranscriptEvent te) {
            Transcript t = te.transcript();
            if (t.streamComplete()) {
                return;
            }
            if (t.isFinal()) {
                System.out.printf("FINAL   %-20s [%6.2f-%6.2f s, %4d ms] %s%n", t.streamId(), t.audioStartSeconds(),
                        t.audioEndSeconds(), t.latencyMs(), t.text());
            } else if (partials) {
                System.out.printf("partial %-20s [%6.2f s] %s%n", t.streamId(), t.audioEndSeconds(), t.text());
            }
        } else if (event instanceof PipelineMonitor.WerEvent we) {
            System.out.printf("WER     %-20s %5.1f%% (S=%d D=%d I=%d / %d words)%n", we.record().utteranceId(),
                    we.record().wer(), we.record().substitutions(), we.record().deletions(),
                    we.record().insertions(), we.record().referenceWords());
        } else if (event instanceof PipelineMonitor.AggregateEvent ae
                && WerAggregate.RUN_SCOPE.equals(ae.aggregate().scope())) {
            WerAggregate a = ae.aggregate();
            System.out.printf("RUNNING WER %.2f%% over %d utterances, %d words%n", a.wer(), a.utterances(),
                    a.referenceWords());
        } else if (event instanceof PipelineMonitor.DeadLetterEvent de) {
            System.out.printf("DLQ     %s: %s%n", de.deadLetter().key(), de.deadLetter().reason());
        }
    }

    private static void printSummary(PipelineMonitor monitor, IngestReport sent, double wall, boolean done,
            String runId) {
        System.out.println();
        System.out.println("=== summary ===");
        System.out.printf("streams sent %d (%.1f s of audio, %d chunks), completed %d, scored %d%s%n",
                sent.streams(), sent.audioSeconds(), sent.chunks(), monitor.completed().size(),
                monitor.werRecords().size(), done ? "" : "  (TIMED OUT before all results arrived)");
        WerAggregate run = monitor.aggregates().get("run:" + runId);
        if (run != null) {
            System.out.printf("corpus WER %.2f%% (%d errors / %d words)%n", run.wer(), run.errors(),
                    run.referenceWords());
        }
        List<Long> finals = monitor.finalLatencies();
        System.out.printf("final latency ms: p50 %d  p95 %d  p99 %d  (%d finals)%n",
                PipelineMonitor.percentile(finals, 50), PipelineMonitor.percentile(finals, 95),
                PipelineMonitor.percentile(finals, 99), finals.size());
        List<Long> partials = monitor.partialLatencies();
        System.out.printf("partial latency ms: p50 %d  p95 %d  p99 %d  (%d partials)%n",
                PipelineMonitor.percentile(partials, 50), PipelineMonitor.percentile(partials, 95),
                PipelineMonitor.percentile(partials, 99), partials.size());
        System.out.printf("wall %.1f s, %.2f s of audio per second, dead letters %d%n", wall,
                sent.audioSeconds() / wall, monitor.deadLetters().size());
        System.out.println("log: " + AsrCli.logFile() + " (or run with --verbose)");
    }
}
