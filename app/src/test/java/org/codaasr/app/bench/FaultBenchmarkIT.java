package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.app.ModelOptions;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code asr bench faults}' scenarios at CI size on four demo utterances: Kafka's own brokers, the streams and
 * ingest JVMs. {@code streams-kill} (one {@code kill -9} of the member, restarted 12 s later, longer than the idle
 * timeout) and {@code leader-kill} (three brokers) run by default; the other cluster scenarios, and those that need
 * root (a tmpfs, a network namespace), are tagged {@code slow}.
 */
class FaultBenchmarkIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = DataSets.demoSet();

    @TempDir
    Path dir;

    @Test
    void oneSlowRestartOfTheStreamsJvmLosesChangesAndDuplicatesNothing() throws Exception {
        FaultBenchmark.Scenario result = run("streams-kill", 1, 0);
        assertEquals(1, result.faults());
    }

    @Test
    void killingTheBusiestAudioPartitionsLeaderOfThreeBrokersLosesChangesAndDuplicatesNothing() throws Exception {
        FaultBenchmark.Scenario result = run("leader-kill", 3, 0);
        assertEquals(1, result.faults());
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("every replica in sync")), result.notes()
                .toString());
    }

    @Test
    @Tag("slow")
    void killingTheTransactionCoordinatorLosesChangesAndDuplicatesNothing() throws Exception {
        assertEquals(1, run("coordinator-kill", 3, 0).faults());
    }

    @Test
    @Tag("slow")
    void aRollingRestartOfThreeBrokersLosesChangesAndDuplicatesNothing() throws Exception {
        assertEquals(3, run("rolling-restart", 3, 0).faults());
    }

    @Test
    @Tag("slow")
    void aFullLogDirectoryAndStateFolderLoseChangeAndDuplicateNothing() throws Exception {
        assertEquals(1, run("disk-full", 3, 0).faults());
    }

    @Test
    @Tag("slow")
    void aMemberCutOffLongerThanItsSessionTimeoutLosesChangesAndDuplicatesNothing() throws Exception {
        assertEquals(1, run("partition", 3, 1).faults());
    }

    private FaultBenchmark.Scenario run(String scenario, int brokers, int standby) throws Exception {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "shipped model missing");
        assumeTrue(Files.isDirectory(DEV), "demo set missing");
        List<String> memberArgs = List.of("--decoder", "greedy", "--model", MODEL.toString());
        ModelOptions options = new ModelOptions();
        new CommandLine(options).parseArgs(memberArgs.toArray(String[]::new));
        FaultBenchmark bench = new FaultBenchmark(new FaultBenchmark.Settings(DEV,
                LibriSpeechSource.items(DEV).subList(0, 4), brokers, 2, 2, 1, 1, 12_000, 7, memberArgs, dir),
                System.out);
        FaultBenchmark.Scenario result;
        try (Recognizer recognizer = Recognizer.load(options.toConfig())) {
            result = bench.run(scenario, recognizer, standby);
        }
        System.out.println(result);
        assumeFalse(result.skipped(), result.reason());
        assertEquals(scenario, result.name());
        assertEquals(List.of(), result.details());
        assertEquals(List.of(0, 0, 0, 0), List.of(result.lost(), result.duplicated(), result.changed(),
                result.deadLetters()));
        assertEquals(4, result.utterances());
        assertFalse(result.failoverMs().isEmpty(), "no final after the fault: " + result.notes());
        return result;
    }
}
