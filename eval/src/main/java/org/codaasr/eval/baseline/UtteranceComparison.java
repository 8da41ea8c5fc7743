package org.codaasr.eval.baseline;

/** Both systems' output on one utterance. Error counts are S + D + I against {@code words} reference words. */
public record UtteranceComparison(String id, String reference, int words, String oursHypothesis, int oursErrors,
        String pocketsphinxHypothesis, int pocketsphinxErrors) {

    /** Positive when pocketsphinx made more errors than our system. */
    public int errorGap() {
        return pocketsphinxErrors - oursErrors;
    }

    public boolean sameHypothesis() {
        return oursHypothesis.equals(pocketsphinxHypothesis);
    }
}
