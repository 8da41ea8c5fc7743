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

    /**
     * A decoding that takes the frames of one utterance as they arrive, so that little work is left when it ends.
     * {@link Session#finish} gives exactly what {@link #decode} gives for all frames fed.
     */
    interface Session {

        /** Feeds the next frames. */
        void accept(float[][] frames);

        /** Frames fed so far. */
        int frames();

        /**
         * The hypothesis over everything fed.
         *
         * @param logProbs all frames fed, in order (for word confidences)
         */
        CtcHypothesis finish(float[][] logProbs, double frameSeconds);
    }

    /** A session; this default keeps nothing and decodes everything at {@link Session#finish}. */
    default Session start() {
        CtcDecoder decoder = this;
        return new Session() {
            private int frames;

            @Override
            public void accept(float[][] more) {
                frames += more.length;
            }

            @Override
            public int frames() {
                return frames;
            }

            @Override
            public CtcHypothesis finish(float[][] logProbs, double frameSeconds) {
                return decoder.decode(logProbs, frameSeconds);
            }
        };
    }
}
