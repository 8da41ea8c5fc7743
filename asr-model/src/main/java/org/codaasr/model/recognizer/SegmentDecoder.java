package org.codaasr.model.recognizer;

import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.onnx.CodaVariant;

/**
 * One stream's model-family state (sherpa-onnx keeps it in the stream too): the encoder's state where the family
 * streams with one, and the search over the open segment. Its {@link ModelFamily} writes encoder output into it;
 * the stream asks it for hypotheses and tells it where segments end. Times are output frames from the segment's
 * start. Not thread-safe.
 */
interface SegmentDecoder {

    /** True when the next window goes through the cache-based (stateful) encoder. */
    boolean encodesWithCache();

    /** True while the encoder state holds context. */
    boolean holdsEncoderContext();

    /** A fresh encoder state for {@code variant} (the stream has moved to it). */
    void useVariant(CodaVariant variant);

    /** Starts the encoder state afresh, as at a segment boundary. */
    void resetEncoder();

    /** Output frames in the open segment. */
    int frames();

    /** The open segment's greedy hypothesis. */
    CtcHypothesis partial();

    /** Called after each window once endpointing has run. */
    default void afterWindow() {
    }

    /** Drops the first {@code frames} frames of a segment that holds no token yet. */
    void dropLeading(int frames);

    /** The open segment's final hypothesis (what the family's final search gives). */
    CtcHypothesis finish();

    /** Forgets the open segment's frames and search (its final was taken, or it held only silence). */
    void clearSegment();
}
