package org.codaasr.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.codaasr.app.lm.LanguageModelBuilder;
import org.codaasr.app.lm.LmBuildConfig;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.lm.LmUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code asr lm}: builds a word or character n-gram LM for beam search from book text (never from evaluation
 * transcripts). The default LM ships built ({@code asr-model/models/lm/README.md} names the command).
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Build the Kneser-Ney word or character n-gram LM (ARPA, gzip) used by --lm, if it is not built yet.")
public final class LmCommand implements Callable<Integer> {

    @Option(names = "--text", paramLabel = "FILE", description = "one normalized sentence per line (default: the book"
            + " text text/sentences.txt of the data folder: ASR_DATA)")
    Path text;

    @Option(names = "--out", description = "ARPA .gz to write (default: ~/.cache/coda-asr/lm/librivox-char6gram.arpa.gz,"
            + " librivox-3gram.arpa.gz for --unit WORD)")
    Path out;

    @Option(names = "--unit", defaultValue = "CHARACTER",
            description = "WORD or CHARACTER (characters with \u2581 between words, scored per token by the beam search;"
                    + " the better choice for a weak character model) (default: ${DEFAULT-VALUE})")
    LmUnit unit;

    @Option(names = "--order", description = "n-gram order 3..6 (default: 3 for words, 6 for characters)")
    Integer order;

    @Option(names = "--min-count", paramLabel = "N",
            description = "prune n-grams of order 3 and above seen fewer than N times (default: 2, n-grams seen once)")
    Integer minCount;

    @Override
    public Integer call() {
        LmBuildConfig d = unit == LmUnit.CHARACTER ? LmBuildConfig.characterDefaults() : LmBuildConfig.defaults();
        LmBuildConfig config = order == null ? d : d.withOrder(order);
        config = minCount == null ? config : config.withMinHigherOrderCount(minCount);
        Path target = out != null ? out : LanguageModelBuilder.defaultCachePath(config);
        Path sentences = text != null ? text : DataSets.bookText().orElseThrow(() -> new AsrException(
                "no book text: give --text FILE (one normalized sentence per line) or set " + DataSets.DATA_ENV
                        + " to the data folder that holds " + DataSets.BOOK_TEXT));
        Path built = LanguageModelBuilder.buildIfMissing(sentences, target, config);
        System.out.println(built);
        return 0;
    }
}
