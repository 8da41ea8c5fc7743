package org.codaasr.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.codaasr.app.lm.LanguageModelBuilder;
import org.codaasr.app.lm.LmBuildConfig;
import org.codaasr.model.lm.LmUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code asr lm}: builds the word n-gram LM for beam search from book text (never from evaluation transcripts). */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Build the Kneser-Ney word or character n-gram LM (ARPA, gzip) used by --lm, if it is not built yet.")
public final class LmCommand implements Callable<Integer> {

    @Option(names = "--text", description = "one normalized sentence per line (default: ${DEFAULT-VALUE})")
    Path text = Path.of("../shared/data/text/sentences.txt");

    @Option(names = "--out", description = "ARPA .gz to write (default: ~/.cache/coda-asr/lm/librivox-char6gram.arpa.gz,"
            + " librivox-3gram.arpa.gz for --unit WORD)")
    Path out;

    @Option(names = "--unit", defaultValue = "CHARACTER",
            description = "WORD or CHARACTER (characters with \u2581 between words, scored per token by the beam search;"
                    + " the better choice for a weak character model) (default: ${DEFAULT-VALUE})")
    LmUnit unit;

    @Option(names = "--order", description = "n-gram order 3..6 (default: 3 for words, 6 for characters)")
    Integer order;

    @Override
    public Integer call() {
        LmBuildConfig d = unit == LmUnit.CHARACTER ? LmBuildConfig.characterDefaults() : LmBuildConfig.defaults();
        LmBuildConfig config = order == null ? d : d.withOrder(order);
        Path target = out != null ? out : LanguageModelBuilder.defaultCachePath(config);
        Path built = LanguageModelBuilder.buildIfMissing(text, target, config);
        System.out.println(built);
        return 0;
    }
}
