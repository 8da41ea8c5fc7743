package org.codaasr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.codaasr.app.bench.FaultBenchmark;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code asr bench faults}: fault scenarios against Kafka's own broker and the streams and ingest JVMs. */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = "Fault scenarios on real processes: Kafka's own broker (kafka.Kafka), asr streams and asr "
                + "ingest --realtime each in a JVM of its own; the output read back read_committed and every "
                + "utterance's final text compared with decoding it directly. Built so far: streams-kill (kill -9 "
                + "of asr streams, some restarts slower than the idle timeout). Exit 1 if anything was lost, "
                + "duplicated, changed or dead-lettered.")
public final class FaultsBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--brokers", defaultValue = "1",
            description = "brokers of the cluster; only 1 so far (default: ${DEFAULT-VALUE})")
    int brokers;

    @Option(names = "--data", description = "LibriSpeech-layout folder (default: the dev set, else the shipped demo set)")
    Path data;

    @Option(names = "--utterances", defaultValue = "50", description = "utterances sent (default: ${DEFAULT-VALUE})")
    int utterances;

    @Option(names = "--concurrency", defaultValue = "1",
            description = "streams sent at once; few, so that the faults fall while audio is sent "
                    + "(default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--kills", defaultValue = "10", description = "kill -9 of asr streams (default: ${DEFAULT-VALUE})")
    int kills;

    @Option(names = "--slow-every", defaultValue = "3",
            description = "every N-th restart waits --slow-restart-seconds (default: ${DEFAULT-VALUE})")
    int slowEvery;

    @Option(names = "--slow-restart-seconds", defaultValue = "12",
            description = "wait before a slow restart, beyond the 10 s idle timeout (default: ${DEFAULT-VALUE})")
    double slowRestartSeconds;

    @Option(names = "--seed", defaultValue = "20261207", description = "seed of the fault moments")
    long seed;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the shipped model)")
    Path model;

    @Option(names = "--decoder", defaultValue = "greedy",
            description = "beam or greedy, for the members and the direct decoding (default: ${DEFAULT-VALUE})")
    String decoder;

    @Option(names = "--work-dir", description = "folder for the broker's data and the JVMs' output "
            + "(default: a new folder under java.io.tmpdir)")
    Path workDir;

    @Option(names = "--json", description = "write the scenarios to this JSON file")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (brokers != 1) {
            throw new ParameterException(spec.commandLine(), "--brokers " + brokers + ": only the single-broker "
                    + "scenario (streams-kill) is built so far; expected --brokers 1");
        }
        if (data == null) {
            data = DataSets.devSetOrDemo(System.err);
        }
        List<AudioItem> all = LibriSpeechSource.items(data);
        if (utterances < 1 || utterances > all.size()) {
            throw new ParameterException(spec.commandLine(), "expected --utterances 1.." + all.size() + ", got "
                    + utterances);
        }
        List<String> memberArgs = new ArrayList<>(List.of("--decoder", decoder));
        List<String> modelArgs = new ArrayList<>(memberArgs);
        if (model != null) {
            memberArgs.addAll(List.of("--model", model.toString()));
            modelArgs.addAll(List.of("--model", model.toString()));
        }
        ModelOptions options = new ModelOptions();
        new picocli.CommandLine(options).parseArgs(modelArgs.toArray(String[]::new));
        Path work = workDir != null ? workDir : Files.createTempDirectory("asr-bench-faults-");
        FaultBenchmark bench = new FaultBenchmark(new FaultBenchmark.Settings(data, all.subList(0, utterances),
                concurrency, kills, slowEvery, Math.round(slowRestartSeconds * 1000), seed, memberArgs, work),
                System.out);
        FaultBenchmark.Scenario result;
        try (Recognizer recognizer = Recognizer.load(options.toConfig())) {
            result = bench.streamsKill(recognizer);
        }
        System.out.printf(Locale.ROOT, "%s: %d faults, %d utterances, %d finals, %d lost, %d duplicated, "
                + "%d changed, %d dead letters; failover ms %s (output in %s)%n", result.name(), result.faults(),
                result.utterances(), result.finals(), result.lost(), result.duplicated(), result.changed(),
                result.deadLetters(), result.failoverMs(), work);
        result.details().forEach(d -> System.out.println("  " + d));
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(Map.of("scenarios", List.of(result))));
        }
        boolean clean = result.lost() == 0 && result.duplicated() == 0 && result.changed() == 0
                && result.deadLetters() == 0 && result.details().isEmpty();
        return clean ? 0 : 1;
    }
}
