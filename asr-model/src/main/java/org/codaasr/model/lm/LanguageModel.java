package org.codaasr.model.lm;

/**
 * An n-gram language model queried one symbol at a time: a word, or a character for a
 * {@link LmUnit#CHARACTER} model.
 *
 * <p>All scores are natural logarithms (ln), whatever base the model file uses, so they add
 * directly to CTC log-probabilities. A word the model does not know is scored as {@code <unk>}.
 */
public interface LanguageModel {

    /** The symbol between words in a {@link LmUnit#CHARACTER} model, as in the acoustic model's tokens. */
    String WORD_BOUNDARY = "\u2581";

    /** Whether the model's symbols are words or characters. */
    default LmUnit unit() {
        return LmUnit.WORD;
    }

    /** The n-gram order (3 for a trigram model). */
    int order();

    /** The state at the start of a sentence, after {@code <s>}. */
    LmState start();

    /** ln P(word | state). */
    double score(LmState state, String word);

    /** The state after {@code word} has been appended to {@code state}. */
    LmState next(LmState state, String word);

    /** ln P({@code </s>} | state): the cost of ending the sentence here. */
    double finish(LmState state);
}
