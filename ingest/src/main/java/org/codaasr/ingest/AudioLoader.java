package org.codaasr.ingest;

import java.nio.file.Path;

/**
 * Loads an audio file as mono float samples in [-1, 1] at 16 kHz. The CLI wires the asr-model decoder
 * ({@code org.codaasr.model.audio.AudioDecoder.load(path, 16000)}) here; {@link JavaSoundAudioLoader}
 * is the fallback that needs nothing beyond the JDK and jflac.
 */
@FunctionalInterface
public interface AudioLoader {

    /** Sample rate every loader returns. */
    int SAMPLE_RATE = 16_000;

    /** Mono samples at {@link #SAMPLE_RATE}; throws {@link org.codaasr.model.AsrException} when it cannot. */
    float[] load16k(Path file);
}
