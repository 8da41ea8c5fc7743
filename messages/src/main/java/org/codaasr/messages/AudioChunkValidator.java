package org.codaasr.messages;

import java.util.Optional;

/**
 * Judges whether an {@link AudioChunk} makes sense before it is processed. Kept apart from the record
 * and its serde so that a consumer can turn a bad chunk into a {@link DeadLetter} instead of crashing.
 *
 * @param minSampleRate      lowest accepted sample rate, Hz
 * @param maxSampleRate      highest accepted sample rate, Hz
 * @param maxChunkSeconds    longest accepted chunk, seconds of audio
 */
public record AudioChunkValidator(int minSampleRate, int maxSampleRate, double maxChunkSeconds) {

    public AudioChunkValidator {
        if (minSampleRate <= 0 || maxSampleRate < minSampleRate) {
            throw new IllegalArgumentException("expected 0 < minSampleRate <= maxSampleRate, got "
                    + minSampleRate + ".." + maxSampleRate);
        }
        if (!(maxChunkSeconds > 0)) {
            throw new IllegalArgumentException("expected maxChunkSeconds > 0, got " + maxChunkSeconds);
        }
    }

    /** 8000..48000 Hz, at most 10 s of audio per chunk. */
    public static AudioChunkValidator defaults() {
        return new AudioChunkValidator(8000, 48000, 10.0);
    }

    /** Empty when the chunk is acceptable, otherwise why it is not (one reason, the first found). */
    public Optional<String> validate(AudioChunk chunk) {
        if (chunk == null) {
            return Optional.of("chunk is null");
        }
        if (chunk.streamId().isBlank()) {
            return Optional.of("streamId is blank");
        }
        if (chunk.sequence() < 0) {
            return Optional.of("sequence must be >= 0, got " + chunk.sequence());
        }
        if (chunk.sampleRate() < minSampleRate || chunk.sampleRate() > maxSampleRate) {
            return Optional.of("sampleRate must be in " + minSampleRate + ".." + maxSampleRate + " Hz, got "
                    + chunk.sampleRate());
        }
        int bytesPerSample = chunk.encoding().bytesPerSample();
        if (chunk.payloadLength() % bytesPerSample != 0) {
            return Optional.of("payload of " + chunk.payloadLength() + " bytes is not a multiple of the "
                    + bytesPerSample + "-byte " + chunk.encoding() + " sample size");
        }
        if (chunk.payloadLength() == 0 && !chunk.endOfStream()) {
            return Optional.of("empty payload is only allowed on the end-of-stream chunk");
        }
        double seconds = (double) chunk.sampleCount() / chunk.sampleRate();
        if (seconds > maxChunkSeconds) {
            return Optional.of(String.format(java.util.Locale.ROOT,
                    "chunk holds %.3f s of audio, at most %.3f s allowed", seconds, maxChunkSeconds));
        }
        return Optional.empty();
    }
}
