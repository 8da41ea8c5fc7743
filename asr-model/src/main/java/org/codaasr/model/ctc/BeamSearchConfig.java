package org.codaasr.model.ctc;

/**
 * Settings of {@link PrefixBeamSearchDecoder}.
 *
 * @param beamSize  prefixes kept after each frame
 * @param tokenTopK tokens tried per frame, the most probable first (the blank is always tried);
 *                  0 tries every token
 * @param lmWeight  weight of the word LM's natural-log score in the fused score
 * @param wordBonus added (natural-log units) for each word the LM scores (for each character with a
 *                  character LM), to offset the LM's preference for shorter outputs
 */
public record BeamSearchConfig(int beamSize, int tokenTopK, double lmWeight, double wordBonus) {

    public BeamSearchConfig {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, got " + beamSize);
        }
        if (tokenTopK < 0) {
            throw new IllegalArgumentException("tokenTopK must be >= 0 (0 = all tokens), got " + tokenTopK);
        }
        if (!(lmWeight >= 0) || Double.isInfinite(lmWeight)) {
            throw new IllegalArgumentException("lmWeight must be finite and >= 0, got " + lmWeight);
        }
        if (!Double.isFinite(wordBonus)) {
            throw new IllegalArgumentException("wordBonus must be finite, got " + wordBonus);
        }
    }

    /** LM weight and bonus tuned for the character 6-gram of {@code asr lm} on held-out dev-clean chapters
     * (never on the evaluation set). */
    public static final double DEFAULT_LM_WEIGHT = 0.8;
    public static final double DEFAULT_WORD_BONUS = 1.0;

    /** Beam 10, 16 tokens per frame, {@link #DEFAULT_LM_WEIGHT}, {@link #DEFAULT_WORD_BONUS}. */
    public static BeamSearchConfig defaults() {
        return new BeamSearchConfig(10, 16, DEFAULT_LM_WEIGHT, DEFAULT_WORD_BONUS);
    }

    public BeamSearchConfig withBeamSize(int newBeamSize) {
        return new BeamSearchConfig(newBeamSize, tokenTopK, lmWeight, wordBonus);
    }

    public BeamSearchConfig withTokenTopK(int newTokenTopK) {
        return new BeamSearchConfig(beamSize, newTokenTopK, lmWeight, wordBonus);
    }

    public BeamSearchConfig withLm(double newLmWeight, double newWordBonus) {
        return new BeamSearchConfig(beamSize, tokenTopK, newLmWeight, newWordBonus);
    }
}
