package org.codaasr.model.lm;

/**
 * Opaque word history of a {@link LanguageModel}. Only the model that created a state may read it;
 * states are immutable, so a decoder can share one state between many hypotheses.
 */
public interface LmState {
}
