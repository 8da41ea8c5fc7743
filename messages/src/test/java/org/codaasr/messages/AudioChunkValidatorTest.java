package org.codaasr.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AudioChunkValidatorTest {

    private final AudioChunkValidator validator = AudioChunkValidator.defaults();

    private static AudioChunk chunk(long sequence, int sampleRate, AudioEncoding encoding, int payloadBytes,
                                    boolean endOfStream) {
        return new AudioChunk("s", sequence, sampleRate, encoding, new byte[payloadBytes], endOfStream, null, 0);
    }

    @Test
    void acceptsAWellFormedChunkAndAnEmptyEndOfStream() {
        assertEquals(Optional.empty(), validator.validate(chunk(0, 16000, AudioEncoding.PCM_S16LE, 3200, false)));
        assertEquals(Optional.empty(), validator.validate(chunk(5, 48000, AudioEncoding.PCM_F32LE, 0, true)));
    }

    @Test
    void rejectsNegativeSequence() {
        assertTrue(validator.validate(chunk(-1, 16000, AudioEncoding.PCM_S16LE, 2, false))
                .orElseThrow().contains("sequence"));
    }

    @Test
    void rejectsSampleRatesOutsideTheRange() {
        assertTrue(validator.validate(chunk(0, 0, AudioEncoding.PCM_S16LE, 2, false)).orElseThrow().contains("sampleRate"));
        assertTrue(validator.validate(chunk(0, 7999, AudioEncoding.PCM_S16LE, 2, false)).isPresent());
        assertTrue(validator.validate(chunk(0, 96000, AudioEncoding.PCM_S16LE, 2, false)).isPresent());
    }

    @Test
    void rejectsPartialSamples() {
        assertTrue(validator.validate(chunk(0, 16000, AudioEncoding.PCM_S16LE, 3, false)).orElseThrow().contains("multiple"));
        assertTrue(validator.validate(chunk(0, 16000, AudioEncoding.PCM_F32LE, 6, false)).isPresent());
    }

    @Test
    void rejectsChunksLongerThanTheLimitAndEmptyMidStreamChunks() {
        // 10 s at 16 kHz s16 = 320000 bytes is the limit itself
        assertEquals(Optional.empty(), validator.validate(chunk(0, 16000, AudioEncoding.PCM_S16LE, 320_000, false)));
        assertTrue(validator.validate(chunk(0, 16000, AudioEncoding.PCM_S16LE, 320_002, false))
                .orElseThrow().contains("at most"));
        assertTrue(validator.validate(chunk(0, 16000, AudioEncoding.PCM_S16LE, 0, false)).isPresent());
        assertTrue(validator.validate(new AudioChunk(" ", 0, 16000, AudioEncoding.PCM_S16LE, new byte[2], false, null, 0))
                .isPresent());
    }

    @Test
    void configValidatesItself() {
        assertThrows(IllegalArgumentException.class, () -> new AudioChunkValidator(0, 16000, 1));
        assertThrows(IllegalArgumentException.class, () -> new AudioChunkValidator(16000, 8000, 1));
        assertThrows(IllegalArgumentException.class, () -> new AudioChunkValidator(8000, 16000, 0));
    }
}
