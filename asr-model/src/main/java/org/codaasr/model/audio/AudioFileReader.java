package org.codaasr.model.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An audio file decoded as it is read, in mono blocks at the file's own rate (about a second of WAV, one FLAC
 * frame, half a second of MP3 each): a long recording never has to be in memory at once. The same decoders as
 * {@link AudioDecoder}, with the same checks and errors; a check that needs the whole file (a truncated FLAC) fails
 * on the last {@link #read()}.
 */
public final class AudioFileReader implements AutoCloseable {

    private static final int BUFFER_BYTES = 1 << 16;

    private final PcmBlocks blocks;

    private AudioFileReader(PcmBlocks blocks) {
        this.blocks = blocks;
    }

    /**
     * Opens {@code file}, its format taken from its first bytes.
     *
     * @throws AudioDecodingException for an unreadable or empty file, an unknown format or a bad header
     */
    public static AudioFileReader open(Path file) {
        String source = file.toString();
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(12);
        } catch (IOException e) {
            throw unreadable(source, e);
        }
        AudioDecoder.Format format = AudioDecoder.format(start, source);
        try {
            if (format == AudioDecoder.Format.WAV) {
                return new AudioFileReader(WavDecoder.open(ByteSource.of(FileChannel.open(file,
                        StandardOpenOption.READ)), source));
            }
            InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
            return new AudioFileReader(format == AudioDecoder.Format.FLAC ? FlacDecoder.open(in, source)
                    : Mp3Decoder.open(in, source));
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    private static AudioDecodingException unreadable(String source, IOException e) {
        return new AudioDecodingException(source + ": cannot read audio file (" + e + "); expected a readable WAV, "
                + "FLAC or MP3 file", e);
    }

    public int sampleRate() {
        return blocks.sampleRate();
    }

    /** The next block of mono samples; null after the last. */
    public float[] read() {
        float[] b = blocks.next();
        return b == null ? null : Downmix.toMono(b, blocks.channels());
    }

    /** The rest of the file at once, mono. */
    AudioData readAll() {
        return PcmBlocks.readAll(blocks).toMono();
    }

    @Override
    public void close() {
        blocks.close();
    }
}
