package org.codaasr.model.ctc;

/**
 * Turns the per-frame output of a CTC model into text.
 */
public interface CtcDecoder {

    /**
     * @param logProbs     [T][V] log-probabilities (log-softmax output) per output frame, V = vocabulary size
     * @param frameSeconds duration of one output frame, e.g. 0.04 for 4x subsampling of 10 ms frames
     */
    CtcHypothesis decode(float[][] logProbs, double frameSeconds);
}
