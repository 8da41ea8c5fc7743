package org.codaasr.model.recognizer;

import java.nio.file.Path;

/**
 * How CTC output becomes words.
 *
 * @param method greedy (fast, used for partials always) or prefix beam search (finals)
 * @param beamSize prefixes kept per frame in beam search
 * @param languageModel optional ARPA word n-gram for shallow fusion (null: none)
 * @param lmWeight weight of the LM log-probability
 * @param wordBonus added per emitted word, balancing the LM's preference for short outputs
 */
public record DecodingConfig(Method method, int beamSize, Path languageModel, double lmWeight, double wordBonus) {

    public enum Method { GREEDY, BEAM }

    public DecodingConfig {
        if (method == null) {
            throw new IllegalArgumentException("decoding method must be GREEDY or BEAM");
        }
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, got " + beamSize);
        }
        if (lmWeight < 0) {
            throw new IllegalArgumentException("lmWeight must be >= 0, got " + lmWeight);
        }
    }

    public static DecodingConfig greedy() {
        return new DecodingConfig(Method.GREEDY, 1, null, 0, 0);
    }

    public static DecodingConfig beam(int beamSize, Path languageModel, double lmWeight, double wordBonus) {
        return new DecodingConfig(Method.BEAM, beamSize, languageModel, lmWeight, wordBonus);
    }
}
