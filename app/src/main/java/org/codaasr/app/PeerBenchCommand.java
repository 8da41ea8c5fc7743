package org.codaasr.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.codaasr.eval.peer.PeerBenchReport;
import org.codaasr.eval.peer.PeerBenchmark;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.recognizer.RecognizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code asr bench peer}: this project against sherpa-onnx itself (sherpa-onnx-node, installed by npm into
 * {@code ~/.cache/coda-asr/sherpa-onnx-node} on first use; a benchmark tool, never on the recognizer's path).
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Decode the same files with the same model in sherpa-onnx and here: RTF of each, words differing.")
public final class PeerBenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR",
            description = "a WeNet or NeMo CTC folder, or this project's export (rewritten into the WeNet layout by "
                    + "asr-model/training/tools/export_wenet_layout.py first; default: the shipped model)")
    Path model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "LibriSpeech-layout folder (default: the dev set, else the shipped demo set)")
    Path data;

    @Option(names = "--threads", paramLabel = "N[,N...]", split = ",", defaultValue = "1,2",
            description = "ONNX Runtime intra-op threads on both sides (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "only the first N utterances")
    int limit;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "timed rounds (a sherpa-onnx pass, then a pass here); the fastest of each side counts "
                    + "(default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the runs as JSON")
    Path json;

    @Override
    public Integer call() {
        Path dir = model != null ? model : RecognizerConfig.defaultModelDir();
        Path dataDir = data != null ? data : DataSets.devSetOrDemo(System.err);
        Path work;
        try {
            work = Files.createTempDirectory("asr-bench-peer-");
        } catch (IOException e) {
            throw new AsrException("cannot create a temporary folder for bench peer: " + e.getMessage(), e);
        }
        PeerBenchReport report;
        try {
            report = new PeerBenchmark(dir, dataDir, threads, limit, rounds, work, System.err::println).run();
        } finally {
            deleteTree(work);
        }
        System.out.print(report.markdown());
        if (json != null) {
            report.writeJson(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e.getMessage());
        }
    }
}
