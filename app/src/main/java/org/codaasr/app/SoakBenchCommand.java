package org.codaasr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.codaasr.app.bench.SoakBenchmark;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code asr bench soak}: many real-time streams for a long time; fails when memory or lag grows. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run N real-time streams for M minutes on an in-JVM broker (new utterances starting all the "
                + "time), print memory, state stores, lag and throughput over time; exit 1 if memory or lag grows.")
public final class SoakBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--streams", defaultValue = "8", description = "concurrent real-time streams (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--minutes", defaultValue = "20", description = "length of the run (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--sample-seconds", defaultValue = "30", description = "seconds between samples (default: ${DEFAULT-VALUE})")
    double sampleSeconds;

    @Option(names = "--json", description = "write the samples and the verdict to this JSON file")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (streams < 1 || minutes <= 0 || sampleSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "expected --streams >= 1, --minutes > 0 and "
                    + "--sample-seconds > 0");
        }
        List<AudioItem> items = load.items();
        SoakBenchmark.Result result;
        try (Recognizer recognizer = Recognizer.load(model.toConfig())) {
            result = new SoakBenchmark(recognizer, items).run(streams, minutes, sampleSeconds, load.partitions,
                    load.streamThreads, System.out);
        }
        System.out.printf(Locale.ROOT, "soak %d streams x %.1f min: %s -> %s%n", streams, minutes, result.verdict(),
                result.passed() ? "PASS" : "FAIL");
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(result));
        }
        return result.passed() ? 0 : 1;
    }
}
