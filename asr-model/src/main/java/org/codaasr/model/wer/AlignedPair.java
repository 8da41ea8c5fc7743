package org.codaasr.model.wer;

import java.util.Objects;

/**
 * One column of a reference/hypothesis alignment. {@code hyp} is null for a deletion, {@code ref}
 * is null for an insertion; both are set otherwise.
 */
public record AlignedPair(String ref, String hyp, EditOp op) {

    public AlignedPair {
        Objects.requireNonNull(op, "op");
        boolean ok = switch (op) {
            case CORRECT -> ref != null && ref.equals(hyp);
            case SUBSTITUTION -> ref != null && hyp != null && !ref.equals(hyp);
            case DELETION -> ref != null && hyp == null;
            case INSERTION -> ref == null && hyp != null;
        };
        if (!ok) {
            throw new IllegalArgumentException("inconsistent aligned pair: " + ref + " / " + hyp + " as " + op);
        }
    }
}
