package org.codaasr.model.ctc;

import java.util.ArrayList;
import java.util.List;

/** Word times and confidences from per-token frames, shared by the decoders. */
final class WordTimings {

    private WordTimings() {
    }

    /**
     * @param firstFrames frame where each token starts
     * @param lastFrames  last frame of each token (the word ends one frame after its last token's)
     * @param peakFrames  frame whose posterior is used for each token's confidence
     */
    static List<WordInfo> words(Vocabulary vocabulary, int[] tokenIds, int[] firstFrames, int[] lastFrames,
                                int[] peakFrames, float[][] logProbs, double frameSeconds) {
        List<WordInfo> words = new ArrayList<>();
        for (Vocabulary.WordSpan span : vocabulary.wordSpans(tokenIds)) {
            double confidence = 0.0;
            int pieces = 0;
            for (int i = span.firstToken(); i <= span.lastToken(); i++) {
                if (!vocabulary.isSpecial(tokenIds[i]) && !vocabulary.isSeparator(tokenIds[i])) {
                    confidence += Math.exp(logProbs[peakFrames[i]][tokenIds[i]]);
                    pieces++;
                }
            }
            words.add(new WordInfo(span.word(), firstFrames[span.firstToken()] * frameSeconds,
                    (lastFrames[span.lastToken()] + 1) * frameSeconds, confidence / pieces));
        }
        return words;
    }

    static void checkShape(float[][] logProbs, Vocabulary vocabulary, double frameSeconds) {
        if (!(frameSeconds > 0)) {
            throw new IllegalArgumentException("frameSeconds must be positive, got " + frameSeconds);
        }
        for (int t = 0; t < logProbs.length; t++) {
            if (logProbs[t].length != vocabulary.size()) {
                throw new IllegalArgumentException("frame " + t + " has " + logProbs[t].length
                        + " log-probabilities, expected the vocabulary size " + vocabulary.size());
            }
        }
    }
}
