package org.codaasr.model.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.FrameListener;
import org.jflac.frame.Frame;
import org.jflac.metadata.Metadata;
import org.jflac.metadata.StreamInfo;

/**
 * FLAC through jflac, frame by frame. jflac swallows end-of-stream and CRC errors (it zero-fills a bad frame), so
 * this wrapper collects its error reports and checks the decoded length against STREAMINFO. Nothing is allocated
 * from what STREAMINFO declares: a forged total only makes the file fail as truncated at its end.
 */
final class FlacDecoder {

    private FlacDecoder() {
    }

    static boolean looksLikeFlac(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'f' && bytes[1] == 'L' && bytes[2] == 'a' && bytes[3] == 'C';
    }

    /**
     * The stream with every metadata block but STREAMINFO dropped, read block header by block header. jflac parses
     * the others (Vorbis comments, pictures, cue sheets) trusting their inner length fields, so a forged one makes it
     * allocate gigabytes or fail with a runtime exception; recognition needs none of them.
     */
    static InputStream onlyStreamInfo(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(4);
        long pos = 4;
        byte[] streamInfo = null;
        boolean last = false;
        while (!last) {
            byte[] header = in.readNBytes(4);
            if (header.length < 4) {
                throw new AudioDecodingException(source + ": FLAC metadata ends after " + (pos + header.length)
                        + " bytes; expected a 4-byte block header");
            }
            last = (header[0] & 0x80) != 0;
            int type = header[0] & 0x7F;
            int length = ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            long left;
            if (type == 0 && streamInfo == null) {
                byte[] body = in.readNBytes(length);
                left = body.length;
                streamInfo = new byte[4 + length];
                System.arraycopy(header, 0, streamInfo, 0, 4);
                System.arraycopy(body, 0, streamInfo, 4, body.length);
            } else {
                left = skip(in, length);
            }
            if (left < length) {
                throw new AudioDecodingException(source + ": FLAC metadata block of type " + type + " declares "
                        + length + " bytes, only " + left + " are left");
            }
            pos += 4 + length;
        }
        if (streamInfo == null) {
            throw new AudioDecodingException(source + ": FLAC file has no STREAMINFO block; expected one right "
                    + "after 'fLaC'");
        }
        streamInfo[0] = (byte) 0x80; // STREAMINFO, last metadata block
        byte[] head = new byte[4 + streamInfo.length];
        System.arraycopy(magic, 0, head, 0, 4);
        System.arraycopy(streamInfo, 0, head, 4, streamInfo.length);
        return new SequenceInputStream(new ByteArrayInputStream(head), in);
    }

    /** Skips up to {@code n} bytes; returns how many there were. */
    private static long skip(InputStream in, long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            long s = in.skip(n - skipped);
            if (s <= 0) {
                if (in.read() < 0) {
                    break;
                }
                s = 1;
            }
            skipped += s;
        }
        return skipped;
    }

    static InterleavedPcm decode(byte[] bytes, String source) {
        return PcmBlocks.readAll(open(new ByteArrayInputStream(bytes), source));
    }

    /** Reads the header and returns the frames as they are decoded; {@code in} is closed with them, or on error. */
    static PcmBlocks open(InputStream in, String source) {
        try {
            return new Blocks(in, source);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only input: nothing is lost by a failed close
        }
    }

    /** One block per FLAC frame; the checks on the whole file come with the end. */
    private static final class Blocks implements PcmBlocks {
        private final InputStream in;
        private final String source;
        private final FLACDecoder flac;
        private final ErrorLog errors = new ErrorLog();
        private final StreamInfo info;
        private final int channels;
        private final long declared; // per channel; 0 means unknown
        private final float scale;
        private long frames;
        private boolean ended;

        Blocks(InputStream in, String source) {
            this.in = in;
            this.source = source;
            try {
                flac = new FLACDecoder(onlyStreamInfo(in, source));
                flac.addFrameListener(errors);
                flac.readMetadata();
                info = flac.getStreamInfo();
            } catch (IOException | RuntimeException e) {
                if (e instanceof AudioDecodingException ade) {
                    throw ade;
                }
                throw new AudioDecodingException(source + ": cannot read the FLAC header (" + e
                        + "); expected a STREAMINFO block after 'fLaC'", e);
            }
            if (info == null) {
                throw new AudioDecodingException(source + ": FLAC file has no STREAMINFO block; expected one "
                        + "right after 'fLaC'");
            }
            channels = info.getChannels();
            declared = info.getTotalSamples();
            scale = 1f / (1L << (info.getBitsPerSample() - 1));
        }

        @Override
        public int channels() {
            return channels;
        }

        @Override
        public int sampleRate() {
            return info.getSampleRate();
        }

        @Override
        public float[] next() {
            if (ended) {
                return null;
            }
            Frame frame = null;
            try {
                if (declared == 0 || frames < declared) {
                    frame = flac.readNextFrame();
                }
            } catch (IOException | RuntimeException e) {
                throw new AudioDecodingException(source + ": corrupt or truncated FLAC after " + frames
                        + " samples (" + e + "); expected " + declared + " samples per STREAMINFO", e);
            }
            if (frame == null) {
                ended = true;
                checkComplete();
                return null;
            }
            if (frame.header.channels != channels) {
                throw new AudioDecodingException(source + ": FLAC frame with " + frame.header.channels
                        + " channels; expected " + channels + " as declared in STREAMINFO");
            }
            ChannelData[] data = flac.getChannelData();
            // the last frame may run past the declared length; the samples past it are dropped
            int block = (int) (declared > 0 ? Math.min(frame.header.blockSize, declared - frames)
                    : frame.header.blockSize);
            float[] out = new float[block * channels];
            for (int i = 0, k = 0; i < block; i++) {
                for (int c = 0; c < channels; c++) {
                    out[k++] = data[c].getOutput()[i] * scale;
                }
            }
            frames += frame.header.blockSize;
            return out;
        }

        /** A damaged frame is reported as corrupt even though it also shortens the output. */
        private void checkComplete() {
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
        }

        @Override
        public void close() {
            closeQuietly(in);
        }
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
