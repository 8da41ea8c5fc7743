package org.codaasr.model.wer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Word error rate by Levenshtein alignment with unit costs (substitution, deletion and insertion
 * each cost 1). Among alignments of minimal cost the backtrace, walking from the end, prefers a
 * diagonal step (correct or substitution), then a deletion, then an insertion, which makes the
 * alignment deterministic and close to what sclite reports.
 */
public final class WerCalculator {

    private static final String[] NO_WORDS = new String[0];

    private WerCalculator() {
    }

    /** Normalizes both texts with {@link TextNormalizer#librispeech}, splits on spaces and aligns. */
    public static WerResult compare(String reference, String hypothesis) {
        return align(words(TextNormalizer.librispeech(reference)), words(TextNormalizer.librispeech(hypothesis)));
    }

    /** Aligns two word sequences as given (no normalization). */
    public static WerResult align(String[] ref, String[] hyp) {
        int n = ref.length;
        int m = hyp.length;
        int[][] cost = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            cost[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            cost[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int diagonal = cost[i - 1][j - 1] + (ref[i - 1].equals(hyp[j - 1]) ? 0 : 1);
                cost[i][j] = Math.min(diagonal, Math.min(cost[i - 1][j] + 1, cost[i][j - 1] + 1));
            }
        }
        List<AlignedPair> reversed = new ArrayList<>(Math.max(n, m));
        int correct = 0;
        int substitutions = 0;
        int deletions = 0;
        int insertions = 0;
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1].equals(hyp[j - 1]) ? 0 : 1)) {
                boolean same = ref[i - 1].equals(hyp[j - 1]);
                reversed.add(new AlignedPair(ref[i - 1], hyp[j - 1], same ? EditOp.CORRECT : EditOp.SUBSTITUTION));
                if (same) {
                    correct++;
                } else {
                    substitutions++;
                }
                i--;
                j--;
            } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
                reversed.add(new AlignedPair(ref[i - 1], null, EditOp.DELETION));
                deletions++;
                i--;
            } else {
                reversed.add(new AlignedPair(null, hyp[j - 1], EditOp.INSERTION));
                insertions++;
                j--;
            }
        }
        Collections.reverse(reversed);
        return new WerResult(n, correct, substitutions, deletions, insertions, reversed);
    }

    private static String[] words(String normalized) {
        return normalized.isEmpty() ? NO_WORDS : normalized.split(" ");
    }
}
