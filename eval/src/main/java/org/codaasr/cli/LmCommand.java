package org.codaasr.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.codaasr.model.lm.LanguageModelBuilder;
import org.codaasr.model.lm.LmBuildConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code asr lm}: builds the word n-gram LM for beam search from book text (never from evaluation transcripts). */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Build the Kneser-Ney word n-gram LM (ARPA, gzip) used by --lm, if it is not built yet.")
public final class LmCommand implements Callable<Integer> {

    @Option(names = "--text", description = "one normalized sentence per line (default: ${DEFAULT-VALUE})")
    Path text = Path.of("../shared/data/text/sentences.txt");

    @Option(names = "--out", description = "ARPA .gz to write (default: ~/.cache/coda-asr/lm/librivox-3gram.arpa.gz)")
    Path out;

    @Option(names = "--order", defaultValue = "3", description = "n-gram order 3..6 (default: ${DEFAULT-VALUE})")
    int order;

    @Override
    public Integer call() {
        LmBuildConfig d = LmBuildConfig.defaults();
        Path target = out != null ? out : LanguageModelBuilder.defaultCachePath();
        Path built = LanguageModelBuilder.buildIfMissing(text, target,
                new LmBuildConfig(order, d.maxVocabulary(), d.minHigherOrderCount()));
        System.out.println(built);
        return 0;
    }
}
