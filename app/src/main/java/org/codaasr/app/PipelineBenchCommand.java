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
import org.codaasr.model.recognizer.Recognizer;
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
        Map<String, Object> figures;
        try (Recognizer recognizer = Recognizer.load(model.toConfig())) {
            figures = new PipelineBenchmark(recognizer, items, settings).runAll(System.err);
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
        System.out.printf("%8s %9s %26s %26s %10s %5s  %s%n", "streams", "completed", "partial ms p50/p95/p99",
                "final ms p50/p95/p99", "lag growth", "held", "finals by CoDA r");
        @SuppressWarnings("unchecked")
        List<PipelineBenchmark.RealtimeLevel> levels = (List<PipelineBenchmark.RealtimeLevel>) figures.get("realtime");
        for (PipelineBenchmark.RealtimeLevel l : levels) {
            System.out.printf("%8d %9d %26s %26s %10.0f %5s  %s%n", l.streams(), l.completed(),
                    l.partialP50() + "/" + l.partialP95() + "/" + l.partialP99(),
                    l.finalP50() + "/" + l.finalP95() + "/" + l.finalP99(), l.lagGrowthMs(), l.held() ? "yes" : "no",
                    l.finalsByCodaR());
        }
        System.out.printf("most concurrent real-time streams held: %d%n", (int) figures.get("max_realtime_streams_held"));
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
}
