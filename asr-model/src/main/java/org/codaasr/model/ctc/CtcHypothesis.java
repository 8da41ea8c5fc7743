package org.codaasr.model.ctc;

import java.util.Arrays;
import java.util.List;

/**
 * A decoding result: the text (words joined by spaces), the words with times and confidences, the
 * decoder's log score (natural log; for beam search it includes the weighted LM score and word
 * bonuses), the emitted token ids in order and, for each, the output frame where it was emitted.
 */
public record CtcHypothesis(String text, List<WordInfo> words, double logScore, int[] tokenIds, int[] tokenFrames) {

    public CtcHypothesis {
        words = List.copyOf(words);
        tokenIds = tokenIds.clone();
        tokenFrames = tokenFrames.clone();
        if (tokenIds.length != tokenFrames.length) {
            throw new IllegalArgumentException("one frame per token expected: " + tokenIds.length + " tokens, "
                    + tokenFrames.length + " frames");
        }
    }

    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    @Override
    public int[] tokenFrames() {
        return tokenFrames.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CtcHypothesis h && text.equals(h.text) && words.equals(h.words)
                && Double.compare(logScore, h.logScore) == 0 && Arrays.equals(tokenIds, h.tokenIds)
                && Arrays.equals(tokenFrames, h.tokenFrames);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * text.hashCode() + Arrays.hashCode(tokenIds)) + Arrays.hashCode(tokenFrames);
    }

    @Override
    public String toString() {
        return "CtcHypothesis[text=" + text + ", logScore=" + logScore + ", tokens=" + Arrays.toString(tokenIds) + "]";
    }
}
