package org.codaasr.model.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RIFF/WAVE parser for PCM integer (8/16/24/32-bit, any container width) and IEEE float (32/64-bit),
 * plain or inside WAVE_FORMAT_EXTENSIBLE. Hand-written because the JDK's reader lives in
 * javax.sound (kept out of this library) and the format is a few dozen lines of chunk walking.
 */
final class WavDecoder {

    private static final int TAG_PCM = 0x0001;
    private static final int TAG_IEEE_FLOAT = 0x0003;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    /** Streaming writers put this in the data size when the length was not known yet. */
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavDecoder() {
    }

    static boolean looksLikeWav(byte[] bytes) {
        return bytes.length >= 12 && ascii(bytes, 0).equals("RIFF") && ascii(bytes, 8).equals("WAVE");
    }

    /** Decodes a RIFF/WAVE file held in memory (see {@link #open}). */
    static InterleavedPcm decode(byte[] bytes, String source) {
        return PcmBlocks.readAll(open(ByteSource.of(bytes), source));
    }

    /**
     * Reads the header of a RIFF/WAVE file and returns its samples block by block. Unknown chunks are skipped (with
     * their pad byte when odd-sized). A data chunk that declares more bytes than the file holds is an error when at
     * least one whole sample frame is missing: a silently shortened recording would give a silently shortened
     * transcript. Only a trailing partial frame is dropped. A data size of 0xFFFFFFFF (length not known when the
     * header was written) means "to the end of the file". The source is closed with the blocks, or here on error.
     */
    static PcmBlocks open(ByteSource bytes, String source) {
        try {
            return openOrThrow(bytes, source);
        } catch (IOException e) {
            bytes.close();
            throw new AudioDecodingException(source + ": cannot read WAV file (" + e + ")", e);
        } catch (RuntimeException e) {
            bytes.close();
            throw e;
        }
    }

    private static PcmBlocks openOrThrow(ByteSource bytes, String source) throws IOException {
        long length = bytes.size();
        Format format = null;
        long dataOffset = -1;
        long dataSize = 0;
        long pos = 12;
        while (pos + 8 <= length) {
            ByteBuffer header = read(bytes, pos, 8);
            String id = ascii(header.array(), 0);
            long size = header.getInt(4) & 0xFFFFFFFFL;
            long body = pos + 8;
            if (id.equals("data")) {
                dataOffset = body;
                dataSize = size;
                if (format != null) {
                    break; // the data chunk may run to the end of a streamed file: stop here
                }
            } else if (id.equals("fmt ")) {
                if (body + size > length || size < 16) {
                    throw new AudioDecodingException(source + ": truncated WAV 'fmt ' chunk of "
                            + size + " bytes; expected at least 16 bytes of format description");
                }
                int described = (int) Math.min(size, FMT_BYTES_READ);
                format = Format.parse(read(bytes, body, described), 0, described, source);
                if (dataOffset >= 0) {
                    break;
                }
            }
            long next = body + size + (size & 1);
            if (next > length) {
                break;
            }
            pos = next;
        }
        if (format == null) {
            throw new AudioDecodingException(source + ": WAV file has no 'fmt ' chunk; expected a "
                    + "'fmt ' chunk describing the encoding before the audio data");
        }
        if (dataOffset < 0) {
            throw new AudioDecodingException(source + ": WAV file has no 'data' chunk; expected a "
                    + "'data' chunk holding the samples");
        }
        long available = length - dataOffset;
        long usable = dataSize == UNKNOWN_SIZE ? available : dataSize;
        if (usable > available) {
            long missingFrames = (usable - available) / format.blockAlign;
            if (missingFrames >= 1) {
                throw new AudioDecodingException(String.format(
                        "%s: truncated WAV: the data chunk declares %d bytes (%d sample frames) but only "
                                + "%d bytes are present; expected the complete file",
                        source, dataSize, dataSize / format.blockAlign, available));
            }
            usable = available;
        }
        long frames = usable / format.blockAlign;
        if (frames == 0) {
            throw new AudioDecodingException(source + ": WAV file holds 0 audio samples (data chunk of "
                    + dataSize + " bytes); expected at least one sample frame");
        }
        return new Blocks(bytes, source, format, dataOffset, frames);
    }

    /** Bytes of the 'fmt ' chunk looked at: WAVE_FORMAT_EXTENSIBLE's sub-format GUID ends at byte 40. */
    private static final int FMT_BYTES_READ = 64;
    /** Sample frames per block: about a second at 16 kHz. */
    private static final int BLOCK_FRAMES = 16384;

    private static ByteBuffer read(ByteSource bytes, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        bytes.read(at, b);
        return b;
    }

    /** The data chunk, {@link #BLOCK_FRAMES} frames at a time. */
    private static final class Blocks implements PcmBlocks {
        private final ByteSource bytes;
        private final String source;
        private final Format format;
        private final long dataOffset;
        private final long frames;
        private long done;

        Blocks(ByteSource bytes, String source, Format format, long dataOffset, long frames) {
            this.bytes = bytes;
            this.source = source;
            this.format = format;
            this.dataOffset = dataOffset;
            this.frames = frames;
        }

        @Override
        public int channels() {
            return format.channels;
        }

        @Override
        public int sampleRate() {
            return format.sampleRate;
        }

        @Override
        public float[] next() {
            if (done == frames) {
                return null;
            }
            int n = (int) Math.min(BLOCK_FRAMES, frames - done);
            ByteBuffer b;
            try {
                b = read(bytes, dataOffset + done * format.blockAlign, n * format.blockAlign);
            } catch (IOException e) {
                throw new AudioDecodingException(source + ": cannot read WAV data at frame " + done + " (" + e + ")",
                        e);
            }
            if (b.hasRemaining()) {
                throw new AudioDecodingException(source + ": WAV file ends at frame " + (done + b.position()
                        / format.blockAlign) + " while being read; expected " + frames + " sample frames");
            }
            float[] out = format.read(b, 0, n, done, source);
            done += n;
            return out;
        }

        @Override
        public void close() {
            bytes.close();
        }
    }

    private static String ascii(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The parts of the 'fmt ' chunk the decoder needs. */
    private record Format(boolean isFloat, int channels, int sampleRate, int blockAlign,
                          int bytesPerSample) {

        static Format parse(ByteBuffer buf, int at, int size, String source) {
            int tag = buf.getShort(at) & 0xFFFF;
            int channels = buf.getShort(at + 2) & 0xFFFF;
            long sampleRate = buf.getInt(at + 4) & 0xFFFFFFFFL;
            int blockAlign = buf.getShort(at + 12) & 0xFFFF;
            int bits = buf.getShort(at + 14) & 0xFFFF;
            if (tag == TAG_EXTENSIBLE) {
                if (size < 40) {
                    throw new AudioDecodingException(source + ": WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk has "
                            + size + " bytes; expected 40 with the sub-format GUID");
                }
                tag = buf.getShort(at + 24) & 0xFFFF; // first two bytes of the sub-format GUID
            }
            if (tag != TAG_PCM && tag != TAG_IEEE_FLOAT) {
                throw new AudioDecodingException(String.format(
                        "%s: unsupported WAV encoding: format tag 0x%04X (%s); expected PCM integer (0x0001)"
                                + " or IEEE float (0x0003), plain or in WAVE_FORMAT_EXTENSIBLE",
                        source, tag, tagName(tag)));
            }
            if (channels == 0 || sampleRate == 0 || sampleRate > Integer.MAX_VALUE
                    || blockAlign == 0 || blockAlign % channels != 0) {
                throw new AudioDecodingException(String.format(
                        "%s: invalid WAV format: %d channels, %d Hz, block align %d; expected channels > 0, "
                                + "rate > 0 and block align a multiple of the channel count",
                        source, channels, sampleRate, blockAlign));
            }
            int bytesPerSample = blockAlign / channels;
            boolean isFloat = tag == TAG_IEEE_FLOAT;
            boolean supported = isFloat ? bytesPerSample == 4 || bytesPerSample == 8
                    : bytesPerSample >= 1 && bytesPerSample <= 4;
            if (!supported) {
                throw new AudioDecodingException(String.format(
                        "%s: unsupported WAV sample size: %d bits in %d-byte containers (%s); expected "
                                + "8/16/24/32-bit integer or 32/64-bit float",
                        source, bits, bytesPerSample, isFloat ? "float" : "integer"));
            }
            return new Format(isFloat, channels, (int) sampleRate, blockAlign, bytesPerSample);
        }

        /**
         * Reads {@code frames} interleaved frames, the first being frame {@code firstFrame} of the file; integers
         * are scaled by their container width.
         */
        float[] read(ByteBuffer buf, int at, int frames, long firstFrame, String source) {
            float[] out = new float[frames * channels];
            int p = at;
            for (int i = 0; i < out.length; i++, p += bytesPerSample) {
                out[i] = isFloat ? readFloat(buf, p, firstFrame + i / channels, source) : readInt(buf, p);
            }
            return out;
        }

        private float readInt(ByteBuffer buf, int p) {
            switch (bytesPerSample) {
                case 1:
                    return ((buf.get(p) & 0xFF) - 128) / 128f; // 8-bit WAV is unsigned
                case 2:
                    return buf.getShort(p) / 32768f;
                case 3:
                    int v = (buf.get(p) & 0xFF) | (buf.get(p + 1) & 0xFF) << 8 | buf.get(p + 2) << 16;
                    return v / 8388608f;
                default:
                    return (float) (buf.getInt(p) / 2147483648.0);
            }
        }

        private float readFloat(ByteBuffer buf, int p, long frame, String source) {
            double v = bytesPerSample == 4 ? buf.getFloat(p) : buf.getDouble(p);
            if (!Double.isFinite(v)) {
                throw new AudioDecodingException(String.format(
                        "%s: IEEE-float WAV holds a non-finite sample (%s) at frame %d; expected finite "
                                + "values in [-1, 1]", source, v, frame));
            }
            return (float) v;
        }
    }

    private static String tagName(int tag) {
        switch (tag) {
            case 0x0002: return "Microsoft ADPCM";
            case 0x0006: return "A-law";
            case 0x0007: return "mu-law";
            case 0x0011: return "IMA ADPCM";
            case 0x0031: return "GSM 6.10";
            case 0x0050: return "MPEG";
            case 0x0055: return "MPEG Layer 3";
            default: return "unknown";
        }
    }
}
