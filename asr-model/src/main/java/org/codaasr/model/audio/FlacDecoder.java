package org.codaasr.model.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.FrameListener;
import org.jflac.frame.Frame;
import org.jflac.metadata.Metadata;
import org.jflac.metadata.StreamInfo;

/**
 * FLAC through jflac. jflac swallows end-of-stream and CRC errors (it zero-fills a bad frame), so
 * this wrapper collects its error reports and checks the decoded length against STREAMINFO.
 */
final class FlacDecoder {

    /** STREAMINFO may lie (damaged file); never trust it for more than this many floats up front. */
    private static final long MAX_PREALLOCATED = 1 << 24;

    private FlacDecoder() {
    }

    static boolean looksLikeFlac(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'f' && bytes[1] == 'L' && bytes[2] == 'a' && bytes[3] == 'C';
    }

    /**
     * The file with every metadata block but STREAMINFO dropped. jflac parses the others (Vorbis comments, pictures,
     * cue sheets) trusting their inner length fields, so a forged one makes it allocate gigabytes or fail with a
     * runtime exception; recognition needs none of them.
     */
    static byte[] onlyStreamInfo(byte[] bytes, String source) {
        int pos = 4;
        byte[] streamInfo = null;
        boolean last = false;
        while (!last) {
            if (pos + 4 > bytes.length) {
                throw new AudioDecodingException(source + ": FLAC metadata ends after " + pos + " bytes; expected a "
                        + "4-byte block header");
            }
            last = (bytes[pos] & 0x80) != 0;
            int type = bytes[pos] & 0x7F;
            int length = ((bytes[pos + 1] & 0xFF) << 16) | ((bytes[pos + 2] & 0xFF) << 8) | (bytes[pos + 3] & 0xFF);
            if (pos + 4L + length > bytes.length) {
                throw new AudioDecodingException(source + ": FLAC metadata block of type " + type + " declares "
                        + length + " bytes, only " + (bytes.length - pos - 4) + " are left");
            }
            if (type == 0 && streamInfo == null) {
                streamInfo = java.util.Arrays.copyOfRange(bytes, pos, pos + 4 + length);
            }
            pos += 4 + length;
        }
        if (streamInfo == null) {
            throw new AudioDecodingException(source + ": FLAC file has no STREAMINFO block; expected one right "
                    + "after 'fLaC'");
        }
        streamInfo[0] = (byte) 0x80; // STREAMINFO, last metadata block
        byte[] out = new byte[4 + streamInfo.length + bytes.length - pos];
        System.arraycopy(bytes, 0, out, 0, 4);
        System.arraycopy(streamInfo, 0, out, 4, streamInfo.length);
        System.arraycopy(bytes, pos, out, 4 + streamInfo.length, bytes.length - pos);
        return out;
    }

    static InterleavedPcm decode(byte[] bytes, String source) {
        FLACDecoder flac = new FLACDecoder(new ByteArrayInputStream(onlyStreamInfo(bytes, source)));
        ErrorLog errors = new ErrorLog();
        flac.addFrameListener(errors);
        StreamInfo info;
        try {
            flac.readMetadata();
            info = flac.getStreamInfo();
        } catch (IOException | RuntimeException e) {
            throw new AudioDecodingException(source + ": cannot read the FLAC header (" + e
                    + "); expected a STREAMINFO block after 'fLaC'", e);
        }
        if (info == null) {
            throw new AudioDecodingException(source + ": FLAC file has no STREAMINFO block; expected one "
                    + "right after 'fLaC'");
        }
        int channels = info.getChannels();
        long declared = info.getTotalSamples(); // per channel; 0 means unknown
        float scale = 1f / (1L << (info.getBitsPerSample() - 1));
        FloatArrayBuilder out = new FloatArrayBuilder(
                declared > 0 ? Math.min(declared * channels, MAX_PREALLOCATED) : 1 << 16);
        long frames = 0;
        try {
            Frame frame;
            while ((declared == 0 || frames < declared) && (frame = flac.readNextFrame()) != null) {
                ChannelData[] data = flac.getChannelData();
                int block = frame.header.blockSize;
                if (frame.header.channels != channels) {
                    throw new AudioDecodingException(source + ": FLAC frame with " + frame.header.channels
                            + " channels; expected " + channels + " as declared in STREAMINFO");
                }
                for (int i = 0; i < block; i++) {
                    for (int c = 0; c < channels; c++) {
                        out.add(data[c].getOutput()[i] * scale);
                    }
                }
                frames += block;
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof AudioDecodingException ade) {
                throw ade;
            }
            throw new AudioDecodingException(source + ": corrupt or truncated FLAC after " + frames
                    + " samples (" + e + "); expected " + declared + " samples per STREAMINFO", e);
        }
        // a damaged frame is reported as corrupt even though it also shortens the output
        boolean damaged = flac.getBadFrames() > 0
                || errors.messages.stream().anyMatch(m -> !m.contains("EOFException"));
        if (damaged) {
            throw new AudioDecodingException(source + ": corrupt FLAC: " + flac.getBadFrames()
                    + " undecodable frame(s), decoder reported " + errors.messages
                    + "; expected frames with valid headers and CRCs");
        }
        if (declared > 0 && frames < declared) {
            throw new AudioDecodingException(String.format(
                    "%s: truncated FLAC: decoded %d of the %d samples declared in STREAMINFO (%.2f of %.2f s)%s;"
                            + " expected the complete file", source, frames, declared,
                    frames / (double) info.getSampleRate(), declared / (double) info.getSampleRate(),
                    errors.messages.isEmpty() ? "" : ", decoder reported " + errors.messages));
        }
        if (frames == 0) {
            throw new AudioDecodingException(source + ": FLAC file holds 0 audio samples; expected at "
                    + "least one frame");
        }
        float[] samples = out.toArray();
        if (declared > 0 && samples.length > declared * channels) {
            samples = java.util.Arrays.copyOf(samples, (int) (declared * channels));
        }
        return new InterleavedPcm(samples, channels, info.getSampleRate());
    }

    /** Keeps jflac's error callbacks, which it otherwise only logs to its listeners. */
    private static final class ErrorLog implements FrameListener {
        final List<String> messages = new ArrayList<>();

        @Override
        public void processMetadata(Metadata metadata) {
        }

        @Override
        public void processFrame(Frame frame) {
        }

        @Override
        public void processError(String msg) {
            // lost sync after the last frame is jflac reporting trailing bytes (e.g. an ID3v1 tag)
            if (!msg.startsWith("FindSync LOST_SYNC: Left over")) {
                messages.add(msg);
            }
        }
    }
}
