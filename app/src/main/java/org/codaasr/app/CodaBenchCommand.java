package org.codaasr.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.codaasr.eval.bench.CodaBenchConfig;
import org.codaasr.eval.bench.CodaBenchReport;
import org.codaasr.eval.bench.CodaBenchmark;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.onnx.ExecutionProvider;
import org.codaasr.model.recognizer.RecognizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code asr bench coda}: dense vs parallel adapter vs CoDA r=2/4/8 — dev WER and encoder time per second of audio
 * at each thread count (whole-utterance graphs, or with {@code --streaming} the cache-based streaming graphs),
 * speed-ups against dense and the adapter, the non-blank share of the output frames, the r=4 bar, and
 * the trade-off chart; with several {@code --model} folders (e.g. a word-piece model and the character model) one
 * run measures each in turn and writes their tables side by side.
 */
@Command(name = "coda", mixinStandardHelpOptions = true,
        description = "Time the encoder of each CoDA variant in a model folder and score its dev WER.")
public final class CodaBenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR",
            description = "folder with model.onnx, model.adapter.onnx, model.coda-r{2,4,8}.onnx and tokens.txt "
                    + "(default: the shipped model); repeat it to measure several models in one run, each "
                    + "report then in --out/<folder name>/ and all tables in --out/" + CodaBenchReport.MARKDOWN_FILE)
    List<Path> modelDirs = new ArrayList<>();

    @Option(names = "--data", paramLabel = "DIR",
            description = "LibriSpeech-layout dev folder (default: the dev set, else the shipped demo set)")
    Path data;

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

    @Option(names = "--streaming",
            description = "time the cache-based streaming graphs (model.streaming.onnx, model.streaming.adapter.onnx, "
                    + "model.streaming.coda-r{2,4,8}.onnx) chunk by chunk, as live streams run them")
    boolean streaming;

    @Option(names = "--streams-per-call", paramLabel = "N[,N...]", split = ",", defaultValue = "1",
            description = "with --streaming: utterances decoded in lockstep, one chunk of each per encoder call, as "
                    + "the live path batches streams; 1 is timed at every --threads count, larger counts at the "
                    + "first (default: ${DEFAULT-VALUE})")
    List<Integer> streamsPerCall;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/bench",
            description = "where coda-bench.md, coda-bench.json and coda-tradeoff.png go (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        List<Path> dirs = modelDirs.isEmpty() ? List.of(RecognizerConfig.defaultModelDir()) : modelDirs;
        if (data == null) {
            data = DataSets.devSetOrDemo(System.err);
        }
        if (dirs.size() == 1) {
            CodaBenchReport report = benchmark(dirs.get(0));
            report.write(out);
            System.out.print(report.markdown());
            System.out.println("wrote " + out.resolve(CodaBenchReport.MARKDOWN_FILE) + ", "
                    + out.resolve(CodaBenchReport.JSON_FILE) + ", " + out.resolve(CodaBenchReport.CHART_FILE));
            return 0;
        }
        List<String> names = dirs.stream().map(d -> d.toAbsolutePath().normalize().getFileName().toString()).toList();
        Set<String> distinct = new HashSet<>();
        for (String name : names) {
            if (!distinct.add(name)) {
                throw new AsrException("two --model folders are both named '" + name + "': their reports would "
                        + "share " + out.resolve(name) + "; give folders with different names");
            }
        }
        StringBuilder combined = new StringBuilder("# CoDA benchmark, " + dirs.size() + " models\n\n");
        for (int i = 0; i < dirs.size(); i++) {
            CodaBenchReport report = benchmark(dirs.get(i));
            report.write(out.resolve(names.get(i)));
            System.out.print(report.markdown());
            combined.append(report.markdown().replaceFirst("^# CoDA benchmark", "## " + names.get(i))).append('\n');
        }
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve(CodaBenchReport.MARKDOWN_FILE), combined, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AsrException("cannot write " + out.resolve(CodaBenchReport.MARKDOWN_FILE) + ": "
                    + e.getMessage(), e);
        }
        System.out.println("wrote " + out.resolve(CodaBenchReport.MARKDOWN_FILE) + " and one report per model in "
                + names.stream().map(out::resolve).toList());
        return 0;
    }

    private CodaBenchReport benchmark(Path modelDir) {
        List<Integer> perCall = new ArrayList<>(streamsPerCall);
        if (!perCall.contains(1)) {
            perCall.add(0, 1); // the one-stream column is always there
        }
        CodaBenchConfig config = new CodaBenchConfig(modelDir, data, threads, repeats, limit, provider, streaming,
                perCall);
        return new CodaBenchmark(config, System.err::println).run();
    }
}
