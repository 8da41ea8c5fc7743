package org.codaasr.model.audio;

/**
 * What a format decoder yields: blocks of interleaved frames, read as the file is read, so that a long file never
 * has to be in memory at once. Every failure is an {@link AudioDecodingException} naming the source; a check that
 * needs the whole file (a truncated FLAC, an MP3 without frames) fails on the last call of {@link #next()}.
 */
interface PcmBlocks extends AutoCloseable {

    int channels();

    int sampleRate();

    /** The next block of interleaved samples (a whole number of frames, at least one); null after the last. */
    float[] next();

    @Override
    void close();

    /** Every block, concatenated: the whole file at once, for callers that want it so. */
    static InterleavedPcm readAll(PcmBlocks blocks) {
        try (blocks) {
            FloatArrayBuilder all = new FloatArrayBuilder(1 << 16);
            for (float[] b = blocks.next(); b != null; b = blocks.next()) {
                all.addAll(b);
            }
            return new InterleavedPcm(all.toArray(), blocks.channels(), blocks.sampleRate());
        }
    }
}
