package org.codaasr.app.lm;

import org.codaasr.model.lm.LmUnit;

/**
 * How {@link LanguageModelBuilder} estimates a model.
 *
 * @param order               n-gram order, 3 to 6 (see {@link BerkeleyArpaRepair} for why not 1 or 2)
 * @param maxVocabulary       keep only this many most frequent words and map the rest to {@code <unk>};
 *                            0 keeps every word (the model then has an {@code <unk>} with no training mass)
 * @param minHigherOrderCount n-grams of order 3 and above seen fewer times than this are pruned before
 *                            Kneser-Ney estimation (1 keeps everything); unigrams and bigrams are never pruned
 * @param unit                WORD, or CHARACTER: each sentence becomes its characters with {@code ▁} between
 *                            words (maxVocabulary is then unused: the character set is small)
 */
public record LmBuildConfig(int order, int maxVocabulary, int minHigherOrderCount, LmUnit unit) {

    /** A word model. */
    public LmBuildConfig(int order, int maxVocabulary, int minHigherOrderCount) {
        this(order, maxVocabulary, minHigherOrderCount, LmUnit.WORD);
    }

    public LmBuildConfig {
        if (unit == null) {
            throw new IllegalArgumentException("unit must be WORD or CHARACTER, got null");
        }
        if (order < 3 || order > 6) {
            throw new IllegalArgumentException("order must be 3..6, got " + order);
        }
        if (maxVocabulary < 0) {
            throw new IllegalArgumentException("maxVocabulary must be >= 0 (0 = unlimited), got " + maxVocabulary);
        }
        if (minHigherOrderCount < 1) {
            throw new IllegalArgumentException("minHigherOrderCount must be >= 1, got " + minHigherOrderCount);
        }
    }

    /** Trigram; the 30k most frequent words (the book text has about 42k, so the rarest map to {@code <unk>}
     * and give it realistic mass); trigrams seen once pruned. */
    public static LmBuildConfig defaults() {
        return new LmBuildConfig(3, 30_000, 2);
    }

    /** Character 6-gram over the book text, n-grams of order 3 and above seen once pruned. */
    public static LmBuildConfig characterDefaults() {
        return new LmBuildConfig(6, 0, 2, LmUnit.CHARACTER);
    }

    public LmBuildConfig withOrder(int newOrder) {
        return new LmBuildConfig(newOrder, maxVocabulary, minHigherOrderCount, unit);
    }

    public LmBuildConfig withMinHigherOrderCount(int count) {
        return new LmBuildConfig(order, maxVocabulary, count, unit);
    }
}
