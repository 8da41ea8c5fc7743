package org.codaasr.model.audio;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.JavaLayerException;
import javazoom.jl.decoder.SampleBuffer;

/**
 * MPEG-1/2 layer I-III through JLayer's decoder classes (not its javax.sound player), frame by frame. The output
 * keeps the encoder delay and padding that MP3 adds (LAME: about 1105 samples), like most decoders.
 */
final class Mp3Decoder {

    private Mp3Decoder() {
    }

    static boolean looksLikeMp3(byte[] bytes) {
        if (bytes.length >= 3 && bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3') {
            return true;
        }
        if (bytes.length < 2 || (bytes[0] & 0xFF) != 0xFF || (bytes[1] & 0xE0) != 0xE0) {
            return false;
        }
        int version = (bytes[1] >> 3) & 0x3;
        int layer = (bytes[1] >> 1) & 0x3;
        return version != 1 && layer != 0; // 01 version and 00 layer are reserved (00 layer: AAC ADTS)
    }

    static InterleavedPcm decode(byte[] bytes, String source) {
        return PcmBlocks.readAll(open(new ByteArrayInputStream(bytes), source));
    }

    /**
     * Decodes the first frame (for the format) and returns the frames as they are decoded, about half a second per
     * block; {@code in} is closed with them, or here on error.
     */
    static PcmBlocks open(InputStream in, String source) {
        Blocks blocks = new Blocks(in, source);
        try {
            blocks.first = blocks.decodeFrame();
        } catch (RuntimeException e) {
            blocks.close();
            throw e;
        }
        if (blocks.first == null || blocks.first.length == 0) {
            blocks.close();
            throw new AudioDecodingException(source + ": MP3 file holds no MPEG audio frames; expected "
                    + "at least one frame after the ID3 tag");
        }
        return blocks;
    }

    /** MPEG frames per block: 20 layer III frames are about half a second. */
    private static final int FRAMES_PER_BLOCK = 20;

    private static final class Blocks implements PcmBlocks {
        private final Bitstream stream;
        private final Decoder decoder = new Decoder();
        private final String source;
        private int channels;
        private int sampleRate;
        private int frames;
        private float[] first;

        Blocks(InputStream in, String source) {
            this.stream = new Bitstream(in);
            this.source = source;
        }

        @Override
        public int channels() {
            return channels;
        }

        @Override
        public int sampleRate() {
            return sampleRate;
        }

        @Override
        public float[] next() {
            // at most 1152 samples per channel and frame (layer III), two channels
            FloatArrayBuilder block = new FloatArrayBuilder(FRAMES_PER_BLOCK * 2304L);
            int n = 0;
            if (first != null) {
                block.addAll(first);
                first = null;
                n++;
            }
            for (float[] f; n < FRAMES_PER_BLOCK && (f = decodeFrame()) != null; n++) {
                block.addAll(f);
            }
            return block.size() == 0 ? null : block.toArray();
        }

        /** The next frame's interleaved samples; null at the end of the stream. */
        float[] decodeFrame() {
            try {
                Header header = stream.readFrame();
                if (header == null) {
                    return null;
                }
                SampleBuffer pcm = (SampleBuffer) decoder.decodeFrame(header, stream);
                if (channels == 0) {
                    channels = pcm.getChannelCount();
                    sampleRate = pcm.getSampleFrequency();
                } else if (pcm.getChannelCount() != channels || pcm.getSampleFrequency() != sampleRate) {
                    throw new AudioDecodingException(String.format(
                            "%s: MP3 frame %d changes format to %d ch / %d Hz; expected %d ch / %d Hz "
                                    + "throughout", source, frames, pcm.getChannelCount(),
                            pcm.getSampleFrequency(), channels, sampleRate));
                }
                short[] buffer = pcm.getBuffer();
                float[] out = new float[pcm.getBufferLength()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = buffer[i] / 32768f;
                }
                stream.closeFrame();
                frames++;
                return out;
            } catch (JavaLayerException | RuntimeException e) {
                if (e instanceof AudioDecodingException ade) {
                    throw ade;
                }
                throw new AudioDecodingException(source + ": corrupt MP3 at frame " + frames + " (" + e
                        + "); expected a sequence of valid MPEG audio frames", e);
            }
        }

        @Override
        public void close() {
            try {
                stream.close();
            } catch (JavaLayerException ignored) {
                // read-only input: nothing is lost by a failed close
            }
        }
    }
}
