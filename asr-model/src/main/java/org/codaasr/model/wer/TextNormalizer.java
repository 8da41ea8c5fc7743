package org.codaasr.model.wer;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Text normalization to the LibriSpeech transcript convention, applied to both reference and
 * hypothesis before scoring.
 *
 * <p>Rules, in order: accents are folded to ASCII (NFD, then combining marks removed); text is upper
 * cased; every character other than A-Z and the apostrophe becomes a space (so hyphens split words);
 * an apostrophe is kept only between two letters ({@code DON'T}, {@code O'BRIEN}) or at the start of
 * a word that is one of the common elisions ({@code 'TIS 'TWAS 'TWERE 'TWILL 'TWOULD 'EM}); every
 * other apostrophe (quotes, trailing possessives like {@code JAMES'}) becomes a space; runs of
 * spaces collapse and the result is trimmed.
 */
public final class TextNormalizer {

    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_LETTER_OR_APOSTROPHE = Pattern.compile("[^A-Z']+");
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final Set<String> LEADING_ELISIONS =
            Set.of("'TIS", "'TWAS", "'TWERE", "'TWILL", "'TWOULD", "'EM");

    private TextNormalizer() {
    }

    /** Normalizes {@code text} as described on the class; never returns null. */
    public static String librispeech(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String folded = Normalizer.normalize(text, Normalizer.Form.NFD);
        folded = COMBINING_MARKS.matcher(folded).replaceAll("");
        folded = folded.replace('\u2019', '\'').replace('\u2018', '\'')
                .replace("\u00C6", "AE").replace("\u00E6", "ae")
                .replace("\u0152", "OE").replace("\u0153", "oe").replace("\u00DF", "ss");
        String upper = folded.toUpperCase(Locale.ROOT);
        String lettersOnly = NOT_LETTER_OR_APOSTROPHE.matcher(upper).replaceAll(" ");
        StringBuilder out = new StringBuilder(lettersOnly.length());
        for (String word : SPACES.split(lettersOnly.trim())) {
            String cleaned = cleanApostrophes(word);
            for (String part : SPACES.split(cleaned.trim())) {
                if (!part.isEmpty()) {
                    if (out.length() > 0) {
                        out.append(' ');
                    }
                    out.append(part);
                }
            }
        }
        return out.toString();
    }

    private static String cleanApostrophes(String word) {
        if (word.indexOf('\'') < 0) {
            return word;
        }
        String stripped = word.replaceAll("'+$", "");
        if (LEADING_ELISIONS.contains(stripped)) {
            return stripped;
        }
        char[] chars = word.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '\'') {
                boolean inside = i > 0 && i < chars.length - 1
                        && Character.isLetter(chars[i - 1]) && Character.isLetter(chars[i + 1]);
                if (!inside) {
                    chars[i] = ' ';
                }
            }
        }
        return new String(chars);
    }
}
