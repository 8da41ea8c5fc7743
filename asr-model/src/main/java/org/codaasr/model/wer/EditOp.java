package org.codaasr.model.wer;

/** The outcome of one column of a word alignment. */
public enum EditOp {
    CORRECT, SUBSTITUTION, DELETION, INSERTION
}
