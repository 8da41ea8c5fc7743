package org.codaasr.messages;

/** Sample format of an {@link AudioChunk} payload: always mono, little-endian. */
public enum AudioEncoding {
    /** Signed 16-bit integer samples, little-endian; 2 bytes per sample. */
    PCM_S16LE(2),
    /** IEEE 754 32-bit float samples, little-endian; 4 bytes per sample. */
    PCM_F32LE(4);

    private final int bytesPerSample;

    AudioEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    /** Bytes one mono sample occupies in the payload. */
    public int bytesPerSample() {
        return bytesPerSample;
    }
}
