package org.codaasr.model.ctc;

import java.util.Arrays;
import java.util.Objects;

/**
 * Best-path CTC decoding: the most probable token at each frame, repeats collapsed, blanks dropped.
 *
 * <p>A token's span is the run of frames where it is the argmax; a word starts at the first frame
 * of its first token and ends one frame after the last frame of its last token. Word confidence is
 * the mean over the word's tokens of the token's highest posterior within its run. The log score is
 * the log-probability of the best path.
 */
public final class GreedyCtcDecoder implements CtcDecoder {

    private final Vocabulary vocabulary;

    public GreedyCtcDecoder(Vocabulary vocabulary) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    }

    @Override
    public CtcHypothesis decode(float[][] logProbs, double frameSeconds) {
        WordTimings.checkShape(logProbs, vocabulary, frameSeconds);
        int blank = vocabulary.blankId();
        int[] ids = new int[logProbs.length];
        int[] first = new int[logProbs.length];
        int[] last = new int[logProbs.length];
        int[] peak = new int[logProbs.length];
        int count = 0;
        double logScore = 0.0;
        int previous = blank;
        for (int t = 0; t < logProbs.length; t++) {
            float[] frame = logProbs[t];
            int best = 0;
            for (int v = 1; v < frame.length; v++) {
                if (frame[v] > frame[best]) {
                    best = v;
                }
            }
            logScore += frame[best];
            if (best != blank) {
                if (best != previous) {
                    ids[count] = best;
                    first[count] = t;
                    last[count] = t;
                    peak[count] = t;
                    count++;
                } else {
                    last[count - 1] = t;
                    if (frame[best] > logProbs[peak[count - 1]][best]) {
                        peak[count - 1] = t;
                    }
                }
            }
            previous = best;
        }
        ids = Arrays.copyOf(ids, count);
        first = Arrays.copyOf(first, count);
        var words = WordTimings.words(vocabulary, ids, first, Arrays.copyOf(last, count), Arrays.copyOf(peak, count),
                logProbs, frameSeconds);
        String text = String.join(" ", words.stream().map(WordInfo::word).toList());
        return new CtcHypothesis(text, words, logScore, ids, first);
    }
}
