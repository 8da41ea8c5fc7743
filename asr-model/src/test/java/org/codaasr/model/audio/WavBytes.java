package org.codaasr.model.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV files in memory for the tests: chunks, format descriptions and sample encodings. */
final class WavBytes {

    static final int PCM = 0x0001;
    static final int IEEE_FLOAT = 0x0003;
    static final int EXTENSIBLE = 0xFFFE;

    private WavBytes() {
    }

    /** A complete integer-PCM WAV with {@code bits} per sample (8, 16, 24 or 32). */
    static byte[] pcm(int bits, int channels, int rate, float[] interleaved) {
        return riff(chunk("fmt ", fmt(PCM, channels, rate, bits)), chunk("data", encodeInt(interleaved, bits / 8)));
    }

    /** A complete IEEE-float WAV with 32 or 64 bits per sample. */
    static byte[] ieeeFloat(int bits, int channels, int rate, float[] interleaved) {
        return riff(chunk("fmt ", fmt(IEEE_FLOAT, channels, rate, bits)),
                chunk("data", encodeFloat(interleaved, bits / 8)));
    }

    /** A 16-byte 'fmt ' body: tag, channels, rate, byte rate, block align, bits. */
    static byte[] fmt(int tag, int channels, int rate, int bits) {
        int blockAlign = channels * ((bits + 7) / 8);
        return le(16).putShort((short) tag).putShort((short) channels).putInt(rate)
                .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits).array();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE 'fmt ' body whose GUID names {@code subTag}. */
    static byte[] fmtExtensible(int subTag, int channels, int rate, int containerBits, int validBits) {
        int blockAlign = channels * containerBits / 8;
        ByteBuffer b = le(40).putShort((short) EXTENSIBLE).putShort((short) channels).putInt(rate)
                .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) containerBits)
                .putShort((short) 22).putShort((short) validBits).putInt(channels == 2 ? 0x3 : 0x4)
                .putShort((short) subTag);
        // rest of KSDATAFORMAT_SUBTYPE GUID: 0000-0010-8000-00AA00389B71
        b.put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        return b.array();
    }

    /** One chunk: id, little-endian size, body and a pad byte when the body is odd-sized. */
    static byte[] chunk(String id, byte[] body) {
        return chunkDeclaring(id, body.length, body);
    }

    /** A chunk whose size field says {@code declaredSize}, whatever the body holds. */
    static byte[] chunkDeclaring(String id, long declaredSize, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt((int) declaredSize).array());
        out.writeBytes(body);
        if (body.length % 2 == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** "RIFF", size, "WAVE" and the chunks in order. */
    static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        return chunk("RIFF", body.toByteArray());
    }

    /** Rounds to the nearest integer code; 8-bit is offset binary as the WAV format requires. */
    static byte[] encodeInt(float[] x, int bytesPerSample) {
        ByteBuffer b = le(x.length * bytesPerSample);
        long full = 1L << (8 * bytesPerSample - 1);
        for (float v : x) {
            long code = Math.max(-full, Math.min(full - 1, Math.round(v * (double) full)));
            if (bytesPerSample == 1) {
                b.put((byte) (code + 128));
            } else {
                for (int i = 0; i < bytesPerSample; i++) {
                    b.put((byte) (code >> (8 * i)));
                }
            }
        }
        return b.array();
    }

    static byte[] encodeFloat(float[] x, int bytesPerSample) {
        ByteBuffer b = le(x.length * bytesPerSample);
        for (float v : x) {
            if (bytesPerSample == 4) {
                b.putFloat(v);
            } else {
                b.putDouble(v);
            }
        }
        return b.array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
