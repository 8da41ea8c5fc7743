package org.codaasr.model.recognizer;

/**
 * Streaming recognition: the encoder runs on windows of {@code leftContextFrames + chunkFrames} output frames and
 * keeps the last {@code chunkFrames}, so latency is one chunk and attention sees a bounded left context, as in the
 * chunk-masked training. Endpointing closes an utterance after trailing silence (blank frames after the last token)
 * or at a maximum length.
 *
 * @param chunkFrames output frames decoded per step (0: the model's recommendation)
 * @param leftContextFrames output frames of left context per window (0 with chunkFrames 0: the model's recommendation)
 * @param trailingSilenceSeconds silence after speech that ends an utterance
 * @param maxUtteranceSeconds an utterance is finalized at this length even without silence
 * @param adaptive load-adaptive CoDA routing between reduction factors, or {@link AdaptiveRouting#off()}
 * @param encoder the encoder graph streams at the dense backbone run (a cache-based streaming encoder where the
 *     model folder has one, by default its float form)
 */
public record StreamingConfig(int chunkFrames, int leftContextFrames, double trailingSilenceSeconds,
        double maxUtteranceSeconds, AdaptiveRouting adaptive, EncoderChoice encoder) {

    /** Fixed routing. */
    public StreamingConfig(int chunkFrames, int leftContextFrames, double trailingSilenceSeconds,
            double maxUtteranceSeconds) {
        this(chunkFrames, leftContextFrames, trailingSilenceSeconds, maxUtteranceSeconds, AdaptiveRouting.off());
    }

    /** The default encoder choice ({@link EncoderChoice#FP32}). */
    public StreamingConfig(int chunkFrames, int leftContextFrames, double trailingSilenceSeconds,
            double maxUtteranceSeconds, AdaptiveRouting adaptive) {
        this(chunkFrames, leftContextFrames, trailingSilenceSeconds, maxUtteranceSeconds, adaptive,
                EncoderChoice.FP32);
    }

    public StreamingConfig {
        if (chunkFrames < 0 || leftContextFrames < 0) {
            throw new IllegalArgumentException("chunkFrames and leftContextFrames must be >= 0 (0 = model default)");
        }
        if (trailingSilenceSeconds <= 0 || maxUtteranceSeconds <= trailingSilenceSeconds) {
            throw new IllegalArgumentException("need 0 < trailingSilenceSeconds < maxUtteranceSeconds, got "
                    + trailingSilenceSeconds + " and " + maxUtteranceSeconds);
        }
        adaptive = adaptive == null ? AdaptiveRouting.off() : adaptive;
        encoder = encoder == null ? EncoderChoice.FP32 : encoder;
    }

    public StreamingConfig withAdaptive(AdaptiveRouting routing) {
        return new StreamingConfig(chunkFrames, leftContextFrames, trailingSilenceSeconds, maxUtteranceSeconds,
                routing, encoder);
    }

    public StreamingConfig withEncoder(EncoderChoice choice) {
        return new StreamingConfig(chunkFrames, leftContextFrames, trailingSilenceSeconds, maxUtteranceSeconds,
                adaptive, choice);
    }

    public static StreamingConfig defaults() {
        return new StreamingConfig(0, 0, 1.0, 25.0);
    }
}
