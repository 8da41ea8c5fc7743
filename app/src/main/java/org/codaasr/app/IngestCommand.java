package org.codaasr.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.codaasr.ingest.AudioIngestor;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.FileSource;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.ingest.IngestReport;
import org.codaasr.ingest.KafkaChunkSink;
import org.codaasr.ingest.MicrophoneSource;
import org.codaasr.ingest.WebSocketPolicy;
import org.codaasr.ingest.WebSocketSource;
import org.codaasr.messages.Topics;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asr ingest}: sends audio files, a LibriSpeech tree, the microphone or WebSocket clients to Kafka
 * as chunked streams.
 * Exit code 0 on success, 1 when loading or sending failed (the message says why), 2 on bad usage.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Send audio as chunk streams to Kafka (" + Topics.AUDIO + "), references to " + Topics.REFERENCES + ".")
public final class IngestCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    private String bootstrapServers;

    @Mixin
    private KafkaClientOptions kafka;

    @Option(names = "--librispeech", paramLabel = "DIR", description = "LibriSpeech split directory (<spk>/<ch>/*.flac + *.trans.txt).")
    private Path librispeech;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Audio files or directories.")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N utterances.")
    private Integer limit;

    @Option(names = "--chunk-ms", defaultValue = "100", description = "Audio per chunk in ms (default: ${DEFAULT-VALUE}).")
    private int chunkMs;

    @Option(names = "--realtime", description = "Pace chunks at the speed of speech.")
    private boolean realtime;

    @Option(names = "--concurrency", defaultValue = "8", description = "Streams sent at once (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--compression", defaultValue = "lz4", description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    private String compression;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Evaluation run the references belong to; WER is aggregated per run (default: run-<UTC time>).")
    private String runId;

    @Option(names = "--mic", description = "Stream the default microphone (16 kHz mono) instead of files.")
    private boolean mic;

    @Option(names = "--websocket", paramLabel = "PORT",
            description = "Listen for WebSocket streams (ws://host:PORT/<streamId>, binary 16 kHz s16le PCM; text END or close ends it).")
    private Integer websocketPort;

    @Mixin
    private AudioSocketOptions audioSocket;

    @Option(names = "--seconds", description = "Microphone capture length (default 10); with --websocket: stop after S seconds instead of running until killed.")
    private Integer seconds;

    private final AudioLoader loader;

    /** With the JDK/jflac loader (16 kHz WAV/FLAC only). */
    public IngestCommand() {
        this(AudioLoader.decoder());
    }

    /** With the given loader, e.g. the asr-model decoder that also resamples and reads MP3. */
    public IngestCommand(AudioLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() {
        int sources = (mic ? 1 : 0) + (librispeech != null ? 1 : 0) + (files.isEmpty() ? 0 : 1)
                + (websocketPort != null ? 1 : 0);
        if (sources != 1) {
            throw new ParameterException(spec.commandLine(),
                    "give exactly one of --librispeech DIR, FILE..., --mic or --websocket PORT");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IngestConfig config;
        try {
            config = new IngestConfig(bootstrapServers, chunkMs, realtime, concurrency, compression, 5,
                    "coda-asr-ingest", runId == null ? defaultRunId() : runId, kafka.properties());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            if (websocketPort != null) {
                return serveWebSocket(config, out);
            }
            IngestReport report = mic ? ingestMicrophone(config) : ingestItems(config);
            out.printf(Locale.ROOT, "sent %d streams, %d chunks, %d references, %.1f s of audio in %.1f s (%.1fx real time)%n",
                    report.streams(), report.chunks(), report.references(), report.audioSeconds(),
                    report.elapsedMs() / 1000.0, report.speedFactor());
            if (report.references() > 0) {
                out.printf("references are in run %s: its WER is aggregated under run:%s on %s%n", config.runId(),
                        config.runId(), Topics.WER_AGGREGATES);
            }
            out.flush();
            return 0;
        } catch (AsrException e) {
            err.println("ingest failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** {@code run-20261203T091500Z}: one run per invocation unless the user names one to add to. */
    static String defaultRunId() {
        return "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
    }

    private IngestReport ingestItems(IngestConfig config) {
        List<AudioItem> items = librispeech != null ? LibriSpeechSource.items(librispeech) : FileSource.items(files);
        if (limit != null) {
            items = items.subList(0, Math.min(items.size(), Math.max(0, limit)));
        }
        // Ctrl-C or SIGTERM ends the replay after the chunk being sent; what was sent is flushed and reported
        try (ShutdownSignal shutdown = ShutdownSignal.install("ingest-shutdown");
             AudioIngestor ingestor = AudioIngestor.toKafka(config, loader)) {
            shutdown.onRequest(ingestor::stop);
            return ingestor.ingest(items);
        }
    }

    private IngestReport ingestMicrophone(IngestConfig config) {
        int captureSeconds = seconds == null ? 10 : seconds;
        if (captureSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "expected --seconds > 0, got " + captureSeconds);
        }
        try (MicrophoneSource microphone = MicrophoneSource.open();
             AudioIngestor ingestor = AudioIngestor.toKafka(config, loader)) {
            return ingestor.ingestLive("mic-" + System.currentTimeMillis(), microphone::read,
                    Duration.ofSeconds(captureSeconds));
        }
    }

    private int serveWebSocket(IngestConfig config, PrintWriter out) {
        WebSocketPolicy policy = audioSocket.policy(spec, false);
        try (ShutdownSignal shutdown = ShutdownSignal.install("ingest-websocket-shutdown");
             KafkaChunkSink sink = KafkaChunkSink.create(config);
             WebSocketSource source = WebSocketSource.start(new InetSocketAddress(audioSocket.listenAddress(spec),
                     websocketPort), config.chunkMs(), sink, policy)) {
            out.println("listening on ws://" + source.address().getAddress().getHostAddress() + ":" + source.port()
                    + "/<streamId>"
                    + (policy.requiresToken() ? " (token required)" : " (no token: --no-auth)"));
            out.flush();
            if (seconds == null) {
                shutdown.await();
            } else {
                shutdown.await(Duration.ofSeconds(seconds));
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
