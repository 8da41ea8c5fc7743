package org.codaasr.app;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.codaasr.eval.bench.CodaBenchConfig;
import org.codaasr.eval.bench.CodaBenchReport;
import org.codaasr.eval.bench.CodaBenchmark;
import org.codaasr.model.onnx.ExecutionProvider;
import org.codaasr.model.recognizer.RecognizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code asr bench coda}: dense vs parallel adapter vs CoDA r=2/4/8 — dev WER and encoder time per second of audio
 * at each thread count, speed-ups against the adapter, the r=4 bar, and the trade-off chart.
 */
@Command(name = "coda", mixinStandardHelpOptions = true,
        description = "Time the encoder of each CoDA variant in a model folder and score its dev WER.")
public final class CodaBenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR",
            description = "folder with model.onnx, model.adapter.onnx, model.coda-r{2,4,8}.onnx and tokens.txt "
                    + "(default: the shipped model)")
    Path modelDir;

    @Option(names = "--data", paramLabel = "DIR", description = "LibriSpeech-layout dev folder (default: ${DEFAULT-VALUE})")
    Path data = CodaBenchConfig.DEV_SET;

    @Option(names = "--threads", paramLabel = "N[,N...]", split = ",", defaultValue = "1,2",
            description = "ONNX Runtime intra-op thread counts to time (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "timed passes per variant and thread count; the median is reported (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "only the first N utterances")
    int limit;

    @Option(names = "--provider", paramLabel = "P", defaultValue = "CPU",
            description = "execution provider: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    ExecutionProvider provider;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/bench",
            description = "where coda-bench.md, coda-bench.json and coda-tradeoff.png go (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        CodaBenchConfig config = new CodaBenchConfig(
                modelDir == null ? RecognizerConfig.defaultModelDir() : modelDir, data, threads, repeats, limit,
                provider);
        CodaBenchReport report = new CodaBenchmark(config, System.err::println).run();
        report.write(out);
        System.out.print(report.markdown());
        System.out.println("wrote " + out.resolve(CodaBenchReport.MARKDOWN_FILE) + ", "
                + out.resolve(CodaBenchReport.JSON_FILE) + ", " + out.resolve(CodaBenchReport.CHART_FILE));
        return 0;
    }
}
