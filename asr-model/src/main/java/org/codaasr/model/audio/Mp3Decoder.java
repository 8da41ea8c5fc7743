package org.codaasr.model.audio;

import java.io.ByteArrayInputStream;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.JavaLayerException;
import javazoom.jl.decoder.SampleBuffer;

/**
 * MPEG-1/2 layer I-III through JLayer's decoder classes (not its javax.sound player). The output
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
        Bitstream stream = new Bitstream(new ByteArrayInputStream(bytes));
        Decoder decoder = new Decoder();
        FloatArrayBuilder out = new FloatArrayBuilder(Math.min(bytes.length * 8L, 1 << 24));
        int channels = 0;
        int sampleRate = 0;
        int frames = 0;
        try {
            Header header;
            while ((header = stream.readFrame()) != null) {
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
                for (int i = 0, n = pcm.getBufferLength(); i < n; i++) {
                    out.add(buffer[i] / 32768f);
                }
                stream.closeFrame();
                frames++;
            }
        } catch (JavaLayerException | RuntimeException e) {
            if (e instanceof AudioDecodingException ade) {
                throw ade;
            }
            throw new AudioDecodingException(source + ": corrupt MP3 at frame " + frames + " (" + e
                    + "); expected a sequence of valid MPEG audio frames", e);
        } finally {
            try {
                stream.close();
            } catch (JavaLayerException ignored) {
                // in-memory stream: nothing to release
            }
        }
        if (frames == 0 || out.size() == 0) {
            throw new AudioDecodingException(source + ": MP3 file holds no MPEG audio frames; expected "
                    + "at least one frame after the ID3 tag");
        }
        return new InterleavedPcm(out.toArray(), channels, sampleRate);
    }
}
