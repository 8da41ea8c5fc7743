package org.codaasr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.codaasr.app.bench.CapacityChart;
import org.codaasr.app.bench.PipelineBenchmark;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.AdaptiveRouting;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code asr bench pipeline}: pipeline throughput, overhead over direct decoding, real-time capacity, latency. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Benchmark the Kafka Streams pipeline on an in-JVM broker against direct decoding.")
public final class PipelineBenchCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--streams", split = ",", defaultValue = "4,8,16,20",
            description = "concurrent real-time stream counts to try (default: ${DEFAULT-VALUE})")
    List<Integer> streams;

    @Option(names = "--seconds", defaultValue = "30", description = "audio seconds per stream at each real-time level")
    double seconds;

    @Option(names = "--throughput-streams", defaultValue = "8", description = "concurrency of the throughput runs")
    int throughputStreams;

    @Option(names = "--held-p95-ms", defaultValue = "1000",
            description = "a level is held when final-latency p95 stays under this (default: ${DEFAULT-VALUE})")
    double heldP95;

    @Option(names = "--chunk-ms", defaultValue = "100",
            description = "audio per chunk record sent by the ingest (default: ${DEFAULT-VALUE})")
    int chunkMs;

    @Option(names = "--limit", defaultValue = "0", description = "use only the first N utterances")
    int limit;

    @Option(names = "--compare-dense",
            description = "run each real-time level with the dense default too, right before the configured setting "
                    + "(e.g. --adaptive-r 0,2,4), in this run: its levels, most streams held and the capacity ratio")
    boolean compareDense;

    @Option(names = "--load-step", paramLabel = "N:M",
            description = "also run a load step: N real-time streams, M from --step-at on, and report how fast "
                    + "load-adaptive routing moves audio to cheaper variants")
    String loadStep;

    @Option(names = "--step-at", defaultValue = "10",
            description = "seconds into the load step run when it grows (default: ${DEFAULT-VALUE})")
    double stepAt;

    @Option(names = "--json", description = "write the figures to this JSON file")
    Path json;

    @Option(names = "--png", description = "plot final latency and lag against streams into this PNG file")
    Path png;

    @Override
    public Integer call() throws Exception {
        List<AudioItem> items = load.items();
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        PipelineBenchmark.Settings settings = new PipelineBenchmark.Settings(load.partitions, load.streamThreads,
                throughputStreams, streams, seconds, heldP95, chunkMs);
        PipelineBenchmark.Step step = parseStep(loadStep, stepAt, seconds);
        Map<String, Object> figures;
        RecognizerConfig config = model.toConfig();
        try (Recognizer recognizer = Recognizer.load(config);
                Recognizer dense = compareDense ? Recognizer.load(denseDefault(config)) : null) {
            figures = new PipelineBenchmark(recognizer, items, settings).runAll(System.err,
                    dense == null ? null : new PipelineBenchmark(dense, items, settings), step);
            figures.put("model", recognizer.modelLabel(recognizer.defaultVariant()));
            figures.put("streaming_encoder", recognizer.streamingEncoderInUse()
                    .map(e -> String.valueOf(e.path().getFileName())).orElse("windowed"));
            figures.put("coda_r", recognizer.modelInfo().variant().reductionFactor());
            figures.put("chunk_ms", chunkMs);
        }
        System.out.printf("direct decoding:   %.2f s of audio per s%n", (double) figures.get("direct_audio_per_second"));
        System.out.printf("Kafka pipeline:    %.2f s of audio per s%n", (double) figures.get("pipeline_audio_per_second"));
        System.out.printf("pipeline overhead: %.1f %% (wall clock; the broker, ingest and WER app share this JVM's cores)%n",
                (double) figures.get("pipeline_overhead_percent"));
        System.out.printf("recognition CPU:   %.2f ms per audio second direct, %.2f ms in the stream thread "
                + "(overhead %.1f %%)%n", (double) figures.get("direct_cpu_ms_per_audio_second"),
                (double) figures.get("stream_thread_cpu_ms_per_audio_second"),
                (double) figures.get("stream_thread_cpu_overhead_percent"));
        @SuppressWarnings("unchecked")
        List<PipelineBenchmark.RealtimeLevel> levels = (List<PipelineBenchmark.RealtimeLevel>) figures.get("realtime");
        if (compareDense) {
            System.out.println("dense default:");
            @SuppressWarnings("unchecked")
            List<PipelineBenchmark.RealtimeLevel> denseLevels =
                    (List<PipelineBenchmark.RealtimeLevel>) figures.get("dense_realtime");
            printLevels(denseLevels);
            System.out.printf("most concurrent real-time streams held, dense default: %d%n",
                    (int) figures.get("dense_max_realtime_streams_held"));
            System.out.println("as configured:");
        }
        printLevels(levels);
        System.out.printf("most concurrent real-time streams held: %d%n", (int) figures.get("max_realtime_streams_held"));
        if (compareDense) {
            System.out.printf("capacity against the dense default (same run): %s%n",
                    figures.get("capacity_ratio_vs_dense") == null ? "dense held no level"
                            : String.format(java.util.Locale.ROOT, "%.2fx",
                                    (double) figures.get("capacity_ratio_vs_dense")));
        }
        if (figures.get("load_step") instanceof PipelineBenchmark.StepResult r) {
            System.out.printf("load step %d -> %d streams at %.0f s: %s; share of each second's audio cheaper than "
                    + "dense after the step %s; final p95 %d ms before, %d ms after%n", r.before(), r.after(),
                    r.stepAtSeconds(), r.reactionMs() < 0 ? "no second's audio became half cheaper"
                            : "half of a second's audio cheaper after " + r.reactionMs() + " ms",
                    r.cheaperShareBySecond(), r.finalP95BeforeStep(), r.finalP95AfterStep());
        }
        if (png != null) {
            CapacityChart.write(levels, (long) heldP95, "asr bench pipeline: " + figures.get("model") + ", streams on "
                    + figures.get("streaming_encoder") + ", " + model.toConfig().decoding().method(), png);
        }
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(figures));
        }
        return 0;
    }

    private static void printLevels(List<PipelineBenchmark.RealtimeLevel> levels) {
        System.out.printf("%8s %9s %26s %26s %10s %5s %8s %10s %9s %9s  %s%n", "streams", "completed",
                "partial ms p50/p95/p99", "final ms p50/p95/p99", "lag growth", "held", "WER %", "CPU ms/s",
                "per call", "encoder", "audio share by CoDA r");
        for (PipelineBenchmark.RealtimeLevel l : levels) {
            Object share = l.encoder().get("share_of_stream_thread_cpu");
            System.out.printf(java.util.Locale.ROOT, "%8d %9d %26s %26s %10.0f %5s %8.2f %10.1f %9.2f %8.1f%%  %s%n",
                    l.streams(), l.completed(), l.partialP50() + "/" + l.partialP95() + "/" + l.partialP99(),
                    l.finalP50() + "/" + l.finalP95() + "/" + l.finalP99(), l.lagGrowthMs(), l.held() ? "yes" : "no",
                    l.werPercent(), l.cpuMsPerAudioSecond(), (double) l.encoder().get("mean_batch"),
                    share == null ? Double.NaN : 100 * (double) share, l.audioShareByCodaR());
        }
    }

    /** The dense backbone with fixed routing, otherwise as configured: what every live stream runs by default. */
    static RecognizerConfig denseDefault(RecognizerConfig config) {
        return config.withVariant(CodaVariant.DENSE)
                .withStreaming(config.streaming().withAdaptive(AdaptiveRouting.off()));
    }

    /** Reads {@code N:M} (checked before anything is loaded); null for none. */
    static PipelineBenchmark.Step parseStep(String text, double atSeconds, double seconds) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(":");
        try {
            if (parts.length == 2) {
                int before = Integer.parseInt(parts[0].trim());
                int after = Integer.parseInt(parts[1].trim());
                if (before >= 1 && after > before && atSeconds > 0 && atSeconds < seconds) {
                    return new PipelineBenchmark.Step(before, after, atSeconds);
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("--load-step must be N:M with 1 <= N < M (streams before and after the "
                + "step) and --step-at between 0 and --seconds " + seconds + ", got " + text + " at " + atSeconds);
    }
}
