package org.codaasr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.codaasr.eval.baseline.BaselineBenchmark;
import org.codaasr.eval.baseline.BaselineReport;
import org.codaasr.eval.baseline.BaselineTables;
import org.codaasr.eval.baseline.PocketSphinxConfig;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code asr bench baseline [DIR]}: our recognizer next to Debian's pocketsphinx on the same utterances. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Compare our recognizer with the classic pocketsphinx baseline (Debian packages "
                + PocketSphinxConfig.DEBIAN_PACKAGES + ") on a LibriSpeech-layout tree: WER, S/D/I, real-time "
                + "factor and per-utterance disagreements.")
public final class BaselineCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "LibriSpeech split folder (default: the dev set, else the shipped demo set)")
    Path root;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "only the first N utterances")
    int limit;

    @Option(names = "--json", description = "print the figures as one JSON object instead of the table")
    boolean json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the comparison as Markdown")
    Path markdown;

    @Option(names = "--ps-processes", paramLabel = "N", defaultValue = "2",
            description = "pocketsphinx processes run at once, 1 or 2 (default: ${DEFAULT-VALUE})")
    int psProcesses;

    @Option(names = "--top", paramLabel = "N", defaultValue = "5",
            description = "largest disagreements to show (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = {"-v", "--per-utterance"}, description = "print each scored utterance to stderr")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        List<AudioItem> utterances = LibriSpeechSource.items(root != null ? root : DataSets.devSetOrDemo(System.err));
        if (limit > 0 && limit < utterances.size()) {
            utterances = utterances.subList(0, limit);
        }
        BaselineBenchmark benchmark = new BaselineBenchmark(model.toConfig(), model.describeDecoding(),
                PocketSphinxConfig.defaults().withParallelism(psProcesses));
        BaselineBenchmark.Progress progress = verbose
                ? BaselineBenchmark.progress(System.err::println) : (system, r) -> { };
        BaselineReport report = benchmark.run(utterances, progress);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report.toJson()));
        } else {
            System.out.print(BaselineTables.text(report, top));
        }
        if (markdown != null) {
            try {
                Files.writeString(markdown, BaselineTables.markdown(report, top), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AsrException("cannot write Markdown file " + markdown + ": " + e.getMessage(), e);
            }
        }
        return 0;
    }
}
