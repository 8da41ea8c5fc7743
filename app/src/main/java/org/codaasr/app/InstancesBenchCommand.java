package org.codaasr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.codaasr.app.bench.InstancesBenchmark;
import org.codaasr.app.bench.PipelineBenchmark;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code asr bench instances}: real-time capacity with the recognition application in several JVMs. */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = "Real-time streams against 1, 2, ... asr streams JVMs sharing the partitions (broker, ingest "
                + "and monitor in this JVM): latency for all streams, and per instance its partitions, audio and "
                + "CPU, beside the CPU of decoding the same audio directly.")
public final class InstancesBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--instances", split = ",", defaultValue = "1,2",
            description = "instance counts to try (default: ${DEFAULT-VALUE})")
    List<Integer> instances;

    @Option(names = "--streams", split = ",", defaultValue = "20",
            description = "concurrent real-time stream counts to try at each instance count (default: ${DEFAULT-VALUE})")
    List<Integer> streams;

    @Option(names = "--seconds", defaultValue = "30", description = "audio seconds per stream at each level")
    double seconds;

    @Option(names = "--held-p95-ms", defaultValue = "1000",
            description = "a level is held when final-latency p95 stays under this (default: ${DEFAULT-VALUE})")
    double heldP95;

    @Option(names = "--limit", defaultValue = "0", description = "use only the first N utterances")
    int limit;

    @Option(names = "--json", description = "write the figures to this JSON file")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (instances.stream().anyMatch(n -> n < 1) || streams.stream().anyMatch(n -> n < 1) || !(seconds > 0)) {
            throw new ParameterException(spec.commandLine(), "expected --instances and --streams >= 1, --seconds > 0");
        }
        List<AudioItem> items = load.items();
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        try (Recognizer recognizer = Recognizer.load(model.toConfig())) {
            System.err.println("direct decoding ...");
            PipelineBenchmark direct = new PipelineBenchmark(recognizer, items, new PipelineBenchmark.Settings(
                    load.partitions, load.streamThreads, 8, List.of(), seconds, heldP95));
            direct.direct(8); // warm-up
            PipelineBenchmark.Throughput d = direct.direct(8);
            figures.put("model", recognizer.modelLabel(recognizer.defaultVariant()));
            figures.put("direct_cpu_ms_per_audio_second", 1000 * d.cpuSeconds() / d.audioSeconds());
        }
        double directCpu = (double) figures.get("direct_cpu_ms_per_audio_second");
        List<String> modelArgs = modelArgs();
        figures.put("instance_model_args", modelArgs);
        InstancesBenchmark bench = new InstancesBenchmark(items, new InstancesBenchmark.Settings(load.partitions,
                load.streamThreads, seconds, heldP95, modelArgs));
        List<InstancesBenchmark.Level> levels = new ArrayList<>();
        for (int n : streams) {
            for (int k : instances) {
                System.err.printf(Locale.ROOT, "%d real-time streams on %d instance(s) for ~%.0f s ...%n", n, k,
                        seconds);
                levels.add(bench.run(k, n, System.err));
            }
        }
        figures.put("levels", levels);
        System.out.printf(Locale.ROOT, "direct decoding: %.1f ms CPU per audio second (one thread, this JVM)%n",
                directCpu);
        System.out.printf(Locale.ROOT, "%9s %7s %9s %20s %10s %5s   %s%n", "instances", "streams", "completed",
                "final ms p50/p95/p99", "lag growth", "held", "per instance: partitions, audio s, audio s per s, "
                        + "CPU ms per audio s (x direct), final p95");
        for (InstancesBenchmark.Level l : levels) {
            StringBuilder per = new StringBuilder();
            for (InstancesBenchmark.Instance i : l.perInstance()) {
                per.append(String.format(Locale.ROOT, "[%s %.0f s %.2f/s %.0f ms (x%.2f) p95 %d]  ", i.partitions(),
                        i.audioSeconds(), i.audioSeconds() / l.wallSeconds(), i.cpuMsPerAudioSecond(),
                        i.cpuMsPerAudioSecond() / directCpu, i.finalP95Ms()));
            }
            System.out.printf(Locale.ROOT, "%9d %7d %9d %20s %10.0f %5s   %s%s%n", l.instances(), l.streams(),
                    l.completed(), l.finalP50Ms() + "/" + l.finalP95Ms() + "/" + l.finalP99Ms(), l.lagGrowthMs(),
                    l.held() ? "yes" : "no", per.toString().strip(), l.assignmentStable() ? "" : "  (partitions moved)");
        }
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(figures));
        }
        return 0;
    }

    /** The model options as given on this command line, for the instances to decode exactly alike. */
    private List<String> modelArgs() {
        List<OptionSpec> mine = spec.mixins().get("model").options();
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!mine.contains(o)) {
                continue;
            }
            if (o.arity().max() == 0) {
                args.add(o.longestName());
            } else {
                for (String v : o.originalStringValues()) {
                    args.add(o.longestName());
                    args.add(v);
                }
            }
        }
        return args;
    }
}
