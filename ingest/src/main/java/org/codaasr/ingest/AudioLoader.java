package org.codaasr.ingest;

import java.nio.file.Path;
import org.codaasr.model.audio.AudioDecoder;

/**
 * Loads an audio file as mono float samples in [-1, 1] at 16 kHz. {@link #decoder()} is the asr-model decoder (WAV,
 * FLAC, MP3 at any rate and channel count, resampled and downmixed).
 */
@FunctionalInterface
public interface AudioLoader {

    /** Sample rate every loader returns. */
    int SAMPLE_RATE = 16_000;

    /** Mono samples at {@link #SAMPLE_RATE}; throws {@link org.codaasr.model.AsrException} when it cannot. */
    float[] load16k(Path file);

    /** The asr-model decoder: the loader every command uses. */
    static AudioLoader decoder() {
        return file -> AudioDecoder.load(file, SAMPLE_RATE).samples();
    }
}
