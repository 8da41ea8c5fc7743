package org.codaasr.model.recognizer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.OnnxStreamingEncoder;

/**
 * The model family behind a {@link Recognizer} (sherpa-onnx's recognizer implementations: CTC, transducer): its
 * graphs, how it frames streaming windows, the per-stream state it keeps ({@link SegmentDecoder}) and how it runs a
 * batch of windows. One per recognizer; thread-safe.
 */
interface ModelFamily extends AutoCloseable {

    /** What the (default variant's) graph says about itself. */
    ModelInfo info();

    /** Variants a stream can run. */
    Set<CodaVariant> variants();

    /** The whole-utterance hypothesis of {@code features} (the offline path). */
    CtcHypothesis transcribe(float[][] features, double frameSeconds);

    /** Per-frame log-probabilities of a whole utterance; families without them throw. */
    float[][] logProbs(float[][] features);

    /** Output frames per encoder window. */
    int chunkFrames();

    /** Output frames of left context per windowed call. */
    int leftContextFrames();

    /** Feature frames the first output frame of a window needs. */
    int receptiveField();

    /** Output frames of encoded features a stream keeps for windowed calls (0 when every variant is cached). */
    int featureContextFrames();

    /** A new stream's state at {@code variant}. */
    SegmentDecoder newSegment(CodaVariant variant, double frameSeconds);

    /**
     * Runs one batch of windows, all of {@code variant} and all cached or all windowed, and gives each stream's state
     * its output.
     *
     * @return the model calls made and the CPU time spent in them
     */
    EncoderRun run(CodaVariant variant, boolean cached, List<SegmentDecoder> states, List<EncoderWindow> windows);

    /** The cache-based streaming encoders by variant (none for families without them). */
    default Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders() {
        return Map.of();
    }

    @Override
    void close();
}
