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
        description = "Fault scenarios on real processes: Kafka's own brokers (kafka.Kafka; --brokers 3: a KRaft "
                + "cluster of three combined controller+broker nodes, replication factor 3, min.insync.replicas 2), "
                + "asr streams (exactly-once) and asr ingest --realtime each in a JVM of its own; the output read "
                + "back read_committed and every utterance's final text compared with decoding it directly. "
                + "Scenarios: streams-kill, leader-kill, coordinator-kill, rolling-restart (these three need "
                + "--brokers 3), disk-full (needs mount), partition (needs ip netns). Exit 1 if anything was lost, "
                + "duplicated, changed or dead-lettered.")
public final class FaultsBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--brokers", defaultValue = "1",
            description = "nodes of the cluster: 1, or 3 and more (default: ${DEFAULT-VALUE})")
    int brokers;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "scenarios to run, comma-separated (default: every one; those needing three brokers "
                    + "only with --brokers 3)")
    List<String> scenarios;

    @Option(names = "--standby-replicas", split = ",", defaultValue = "0,1",
            description = "num.standby.replicas of the members; the two-member scenario (partition) runs once per "
                    + "value, the others with the first (default: ${DEFAULT-VALUE})")
    List<Integer> standbyReplicas;

    @Option(names = "--data", description = "LibriSpeech-layout folder (default: the dev set, else the shipped demo set)")
    Path data;

    @Option(names = "--utterances", defaultValue = "50", description = "utterances sent (default: ${DEFAULT-VALUE})")
    int utterances;

    @Option(names = "--concurrency", defaultValue = "4",
            description = "streams sent at once in every scenario but streams-kill (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--kill-concurrency", defaultValue = "1",
            description = "streams sent at once in streams-kill; few, so that its kills fall while audio is sent "
                    + "(default: ${DEFAULT-VALUE})")
    int killConcurrency;

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
        if (brokers != 1 && brokers < 3) {
            throw new ParameterException(spec.commandLine(), "--brokers " + brokers + ": expected 1, or 3 and more "
                    + "(replication factor 3, min.insync.replicas 2)");
        }
        List<String> names = scenarios == null ? defaultScenarios() : scenarios;
        for (String name : names) {
            if (!FaultBenchmark.SCENARIOS.contains(name)) {
                throw new ParameterException(spec.commandLine(), "unknown scenario " + name + "; expected some of "
                        + FaultBenchmark.SCENARIOS);
            }
        }
        if (standbyReplicas.isEmpty() || standbyReplicas.stream().anyMatch(n -> n < 0)) {
            throw new ParameterException(spec.commandLine(), "expected --standby-replicas of 0 and more, got "
                    + standbyReplicas);
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
        if (model != null) {
            memberArgs.addAll(List.of("--model", model.toString()));
        }
        ModelOptions options = new ModelOptions();
        new picocli.CommandLine(options).parseArgs(memberArgs.toArray(String[]::new));
        Path work = workDir != null ? workDir : Files.createTempDirectory("asr-bench-faults-");
        FaultBenchmark bench = new FaultBenchmark(new FaultBenchmark.Settings(data, all.subList(0, utterances),
                brokers, concurrency, killConcurrency, kills, slowEvery, Math.round(slowRestartSeconds * 1000), seed,
                memberArgs, work), System.out);
        List<FaultBenchmark.Scenario> results = new ArrayList<>();
        try (Recognizer recognizer = Recognizer.load(options.toConfig())) {
            for (String name : names) {
                List<Integer> standbys = name.equals("partition") ? standbyReplicas : standbyReplicas.subList(0, 1);
                for (int standby : standbys) {
                    FaultBenchmark.Scenario result = bench.run(name, recognizer, standby);
                    print(result);
                    results.add(result);
                    if (json != null) {
                        write(results);
                    }
                }
            }
        }
        System.out.println("output in " + work);
        return results.stream().allMatch(FaultBenchmark.Scenario::clean) ? 0 : 1;
    }

    private List<String> defaultScenarios() {
        return FaultBenchmark.SCENARIOS.stream()
                .filter(n -> brokers >= 3 || !FaultBenchmark.CLUSTER_SCENARIOS.contains(n)).toList();
    }

    private static void print(FaultBenchmark.Scenario r) {
        if (r.skipped()) {
            System.out.println(r.name() + ": skipped, " + r.reason());
            return;
        }
        System.out.printf(Locale.ROOT, "%s (%d brokers, standby replicas %d): %d faults, %d utterances, %d finals, "
                + "%d lost, %d duplicated, %d changed, %d dead letters; failover ms %s%n", r.name(), r.brokers(),
                r.standbyReplicas(), r.faults(), r.utterances(), r.finals(), r.lost(), r.duplicated(), r.changed(),
                r.deadLetters(), r.failoverMs());
        r.notes().forEach(n -> System.out.println("  note: " + n));
        r.details().forEach(d -> System.out.println("  " + d));
    }

    private void write(List<FaultBenchmark.Scenario> results) throws java.io.IOException {
        Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .writeValueAsString(Map.of("scenarios", results)));
    }
}
