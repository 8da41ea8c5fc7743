package org.codaasr.messages;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a recording into fixed-length {@link AudioChunk}s of 16-bit PCM.
 *
 * @param chunkMs audio per chunk in milliseconds (the last chunk may be shorter)
 */
public record AudioChunker(int chunkMs) {

    /** Default chunk length. */
    public static final int DEFAULT_CHUNK_MS = 100;

    public AudioChunker {
        if (chunkMs < 10 || chunkMs > 10_000) {
            throw new IllegalArgumentException("expected chunkMs in 10..10000, got " + chunkMs);
        }
    }

    /** 100 ms chunks. */
    public static AudioChunker defaults() {
        return new AudioChunker(DEFAULT_CHUNK_MS);
    }

    /** Samples in one full chunk at the given rate (at least 1). */
    public int samplesPerChunk(int sampleRate) {
        return Math.max(1, (int) Math.round(sampleRate * chunkMs / 1000.0));
    }

    /**
     * Chunks with sequence 0..n-1, the last marked end-of-stream; empty audio gives one empty
     * end-of-stream chunk. Each chunk's capture time is {@code startTimeMs} plus the audio time at
     * the end of the chunk, i.e. when its last sample would have been captured live.
     */
    public List<AudioChunk> split(String streamId, String utteranceId, float[] samples, int sampleRate,
                                  long startTimeMs) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("expected sampleRate > 0, got " + sampleRate);
        }
        int step = samplesPerChunk(sampleRate);
        int count = Math.max(1, (samples.length + step - 1) / step);
        List<AudioChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = Math.min(samples.length, i * step);
            int to = Math.min(samples.length, from + step);
            chunks.add(chunk(streamId, utteranceId, i, samples, from, to, sampleRate, i == count - 1,
                    startTimeMs + Math.round(1000.0 * to / sampleRate)));
        }
        return chunks;
    }

    /** One PCM_S16LE chunk of {@code samples[from, to)}. */
    public static AudioChunk chunk(String streamId, String utteranceId, long sequence, float[] samples, int from,
                                   int to, int sampleRate, boolean endOfStream, long captureTimeMs) {
        return new AudioChunk(streamId, sequence, sampleRate, AudioEncoding.PCM_S16LE,
                AudioChunk.encodeS16le(samples, from, to), endOfStream, utteranceId, captureTimeMs);
    }
}
