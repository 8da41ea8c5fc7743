package org.codaasr.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AudioChunkerTest {

    private static float[] ramp(int n) {
        float[] samples = new float[n];
        for (int i = 0; i < n; i++) {
            samples[i] = (i % 200 - 100) / 128f; // exactly representable in 16 bits
        }
        return samples;
    }

    @Test
    void splitsIntoHundredMsChunksWithPartialLastChunk() {
        float[] samples = ramp(16000 + 800); // 1.05 s at 16 kHz
        List<AudioChunk> chunks = AudioChunker.defaults().split("s", "u", samples, 16000, 1000);
        assertEquals(11, chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk chunk = chunks.get(i);
            assertEquals(i, chunk.sequence());
            assertEquals(i == 10, chunk.endOfStream());
            assertEquals(AudioEncoding.PCM_S16LE, chunk.encoding());
            assertEquals("u", chunk.utteranceId());
            assertEquals(i == 10 ? 800 : 1600, chunk.sampleCount());
            assertEquals(1000 + (i == 10 ? 1050 : 100L * (i + 1)), chunk.captureTimeMs());
            assertEquals(java.util.Optional.empty(), AudioChunkValidator.defaults().validate(chunk));
        }
        float[] joined = new float[samples.length];
        int at = 0;
        for (AudioChunk chunk : chunks) {
            float[] part = chunk.samples();
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        assertArrayEquals(samples, joined, 1e-6f);
    }

    @Test
    void exactMultipleHasNoEmptyTail() {
        List<AudioChunk> chunks = new AudioChunker(250).split("s", null, ramp(8000), 8000, 0);
        assertEquals(4, chunks.size());
        assertEquals(2000, chunks.get(3).sampleCount());
        assertTrue(chunks.get(3).endOfStream());
        assertFalse(chunks.get(2).endOfStream());
    }

    @Test
    void emptyAudioGivesOneEmptyEndOfStreamChunk() {
        List<AudioChunk> chunks = AudioChunker.defaults().split("s", null, new float[0], 16000, 0);
        assertEquals(1, chunks.size());
        assertTrue(chunks.get(0).endOfStream());
        assertEquals(0, chunks.get(0).sampleCount());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new AudioChunker(0));
        assertThrows(IllegalArgumentException.class, () -> AudioChunker.defaults().split("s", null, ramp(10), 0, 0));
    }
}
