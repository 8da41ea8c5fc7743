package org.codaasr.model.lm;

/** What one symbol of an n-gram model is. */
public enum LmUnit {
    /** Words: the decoder scores a word once it is complete. */
    WORD,
    /**
     * Characters, with {@code ▁} (U+2581) between words: the decoder scores every token as it is
     * emitted, so the LM steers spelling inside a word, which a word LM cannot do for a
     * character-CTC model whose hypotheses are mostly misspelt.
     */
    CHARACTER
}
