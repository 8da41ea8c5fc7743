package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.app.ModelOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code asr bench faults}' streams-kill scenario at CI size: Kafka's own broker, the streams and ingest JVMs, one
 * {@code kill -9} of the member and a restart 12 s later (longer than the idle timeout) over four utterances.
 */
class FaultBenchmarkIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = DataSets.demoSet();

    @TempDir
    Path dir;

    @Test
    void oneSlowRestartOfTheStreamsJvmLosesChangesAndDuplicatesNothing() throws Exception {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "shipped model missing");
        assumeTrue(Files.isDirectory(DEV), "demo set missing");
        List<String> memberArgs = List.of("--decoder", "greedy", "--model", MODEL.toString());
        ModelOptions options = new ModelOptions();
        new CommandLine(options).parseArgs(memberArgs.toArray(String[]::new));
        FaultBenchmark bench = new FaultBenchmark(new FaultBenchmark.Settings(DEV,
                LibriSpeechSource.items(DEV).subList(0, 4), 2, 1, 1, 12_000, 7,
                memberArgs, dir), System.out);
        FaultBenchmark.Scenario result;
        try (Recognizer recognizer = Recognizer.load(options.toConfig())) {
            result = bench.streamsKill(recognizer);
        }
        System.out.println(result);
        assertEquals(1, result.faults());
        assertEquals(List.of(), result.details());
        assertEquals(List.of(0, 0, 0, 0), List.of(result.lost(), result.duplicated(), result.changed(),
                result.deadLetters()));
        assertEquals(4, result.utterances());
    }
}
