package org.codaasr.model.recognizer;

/**
 * When a stream's open segment ends (sherpa-onnx's endpoint rules as one value): after {@code trailingSilenceSeconds}
 * without a token once the segment holds speech, or at {@code maxUtteranceSeconds} whatever it holds. A segment
 * that holds no token yet keeps only its last {@code leadingSilenceKeepSeconds} of silence.
 *
 * @param trailingSilenceSeconds silence after the last token that ends a segment
 * @param maxUtteranceSeconds a segment is closed at this length even without silence
 * @param leadingSilenceKeepSeconds silence kept before the first token (more is dropped once it doubles)
 */
public record EndpointRules(double trailingSilenceSeconds, double maxUtteranceSeconds,
        double leadingSilenceKeepSeconds) {

    /** The leading silence every stream keeps. */
    public static final double LEADING_SILENCE_KEEP_SECONDS = 0.5;

    public EndpointRules {
        if (!(trailingSilenceSeconds > 0) || !(maxUtteranceSeconds > trailingSilenceSeconds)) {
            throw new IllegalArgumentException("need 0 < trailingSilenceSeconds < maxUtteranceSeconds, got "
                    + trailingSilenceSeconds + " and " + maxUtteranceSeconds);
        }
        if (!(leadingSilenceKeepSeconds > 0)) {
            throw new IllegalArgumentException("leadingSilenceKeepSeconds must be > 0, got "
                    + leadingSilenceKeepSeconds);
        }
    }

    /** The rules a {@link StreamingConfig} sets. */
    public static EndpointRules of(StreamingConfig streaming) {
        return new EndpointRules(streaming.trailingSilenceSeconds(), streaming.maxUtteranceSeconds(),
                LEADING_SILENCE_KEEP_SECONDS);
    }

    /**
     * True when a segment that holds speech ends here.
     *
     * @param segmentFrames output frames in the segment
     * @param trailingFrames output frames after its last token
     */
    public boolean isEndpoint(int segmentFrames, int trailingFrames, double frameSeconds) {
        return trailingFrames * frameSeconds >= trailingSilenceSeconds
                || segmentFrames * frameSeconds >= maxUtteranceSeconds;
    }

    /** These rules with the trailing silence and the maximum length capped at the values given. */
    public EndpointRules atMost(double trailingSilenceSeconds, double maxUtteranceSeconds) {
        return new EndpointRules(Math.min(this.trailingSilenceSeconds, trailingSilenceSeconds),
                Math.min(this.maxUtteranceSeconds, maxUtteranceSeconds), leadingSilenceKeepSeconds);
    }

    /** Output frames of leading silence a segment without a token keeps. */
    public int leadingSilenceKeepFrames(double frameSeconds) {
        return (int) Math.ceil(leadingSilenceKeepSeconds / frameSeconds);
    }
}
