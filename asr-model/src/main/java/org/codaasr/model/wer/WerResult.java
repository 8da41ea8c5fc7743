package org.codaasr.model.wer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Word error counts of one utterance, or of a corpus when accumulated with {@link #plus}.
 *
 * <p>{@link #wer()} is a fraction (0.25 = 25 %). With zero reference words it is 0 when there are
 * no errors and 1.0 otherwise (the only possible errors are insertions; capping at 100 % keeps the
 * value finite). Corpus WER must be computed by summing results with {@link #plus} and then calling
 * {@link #wer()}, which gives total errors / total reference words.
 */
public record WerResult(int referenceWords, int correct, int substitutions, int deletions, int insertions,
                        List<AlignedPair> alignment) {

    public WerResult {
        if (referenceWords < 0 || correct < 0 || substitutions < 0 || deletions < 0 || insertions < 0) {
            throw new IllegalArgumentException("counts must be non-negative");
        }
        if (correct + substitutions + deletions != referenceWords) {
            throw new IllegalArgumentException("correct + substitutions + deletions (" + (correct + substitutions
                    + deletions) + ") must equal referenceWords (" + referenceWords + ")");
        }
        alignment = List.copyOf(alignment);
    }

    /** The neutral element for {@link #plus}. */
    public static WerResult empty() {
        return new WerResult(0, 0, 0, 0, 0, List.of());
    }

    public int errors() {
        return substitutions + deletions + insertions;
    }

    /** Number of words in the hypothesis. */
    public int hypothesisWords() {
        return correct + substitutions + insertions;
    }

    /** Errors divided by reference words, as a fraction; see the class comment for zero references. */
    public double wer() {
        if (referenceWords == 0) {
            return errors() == 0 ? 0.0 : 1.0;
        }
        return (double) errors() / referenceWords;
    }

    /** Sums the counts and concatenates the alignments (this one first). */
    public WerResult plus(WerResult other) {
        List<AlignedPair> joined = new ArrayList<>(alignment.size() + other.alignment.size());
        joined.addAll(alignment);
        joined.addAll(other.alignment);
        return new WerResult(referenceWords + other.referenceWords, correct + other.correct,
                substitutions + other.substitutions, deletions + other.deletions,
                insertions + other.insertions, joined);
    }

    /**
     * The alignment in sclite's style: three lines REF:, HYP: and EVAL:, columns padded to equal width.
     * As in sclite, correct words are printed in lower case and errors in upper case, a missing word
     * is a run of asterisks, and EVAL: marks each error column with S, D or I.
     */
    public String alignmentText() {
        StringBuilder ref = new StringBuilder("REF: ");
        StringBuilder hyp = new StringBuilder("HYP: ");
        StringBuilder eval = new StringBuilder("EVAL:");
        for (int i = 0; i < alignment.size(); i++) {
            AlignedPair pair = alignment.get(i);
            int width = Math.max(length(pair.ref()), length(pair.hyp()));
            String r = cell(pair.ref(), pair.op(), width);
            String h = cell(pair.hyp(), pair.op(), width);
            String e = switch (pair.op()) {
                case CORRECT -> "";
                case SUBSTITUTION -> "S";
                case DELETION -> "D";
                case INSERTION -> "I";
            };
            String sep = i == 0 ? "" : " ";
            ref.append(sep).append(r);
            hyp.append(sep).append(h);
            eval.append(i == 0 ? "" : " ").append(pad(e, width));
        }
        return stripTrailing(ref) + "\n" + stripTrailing(hyp) + "\n" + stripTrailing(eval) + "\n";
    }

    private static String stripTrailing(StringBuilder sb) {
        return sb.toString().stripTrailing();
    }

    private static int length(String word) {
        return word == null ? 0 : word.length();
    }

    private static String cell(String word, EditOp op, int width) {
        if (word == null) {
            return "*".repeat(width);
        }
        String shown = op == EditOp.CORRECT ? word.toLowerCase(Locale.ROOT) : word.toUpperCase(Locale.ROOT);
        return pad(shown, width);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
