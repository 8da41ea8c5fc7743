package org.codaasr.eval.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.codaasr.model.wer.TextNormalizer;

/**
 * Parses what {@code pocketsphinx_continuous -infile} prints on standard output: one hypothesis line per speech
 * segment its voice-activity detector found, in lower case. Segments are joined in order; filler and sentence
 * tokens ({@code <s>}, {@code <sil>}, {@code [NOISE]}, {@code ++BREATH++}) and pronunciation-variant suffixes
 * ({@code read(2)}) are dropped, which the Debian build does not print but other builds and {@code -backtrace} do;
 * the result is normalized with {@link TextNormalizer#librispeech}, the same rules the references get.
 */
public final class PocketSphinxOutput {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern VARIANT_SUFFIX = Pattern.compile("\\(\\d+\\)$");

    private PocketSphinxOutput() {
    }

    /** The normalized upper-case hypothesis of a whole file's standard output; empty when nothing was recognized. */
    public static String hypothesis(String stdout) {
        List<String> words = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            for (String token : WHITESPACE.split(line.strip())) {
                if (!token.isEmpty() && !isFiller(token)) {
                    words.add(VARIANT_SUFFIX.matcher(token).replaceFirst(""));
                }
            }
        }
        return TextNormalizer.librispeech(String.join(" ", words));
    }

    private static boolean isFiller(String token) {
        return (token.startsWith("<") && token.endsWith(">"))
                || (token.startsWith("[") && token.endsWith("]"))
                || (token.startsWith("++") && token.endsWith("++"));
    }
}
