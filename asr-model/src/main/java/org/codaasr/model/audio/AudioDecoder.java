package org.codaasr.model.audio;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;

/**
 * Decodes WAV (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE), FLAC and MP3 to mono
 * float PCM. The format is taken from the first bytes, never from the file extension. Every failure
 * is an {@link AudioDecodingException} naming the source. Multichannel audio is averaged to mono.
 */
public final class AudioDecoder {

    private AudioDecoder() {
    }

    /** Reads, decodes and downmixes {@code file} at its own sample rate (see {@link AudioFileReader} for blocks). */
    public static AudioData decode(Path file) {
        try (AudioFileReader reader = AudioFileReader.open(file)) {
            return reader.readAll();
        }
    }

    /**
     * Decodes an in-memory file; {@code sourceName} only labels error messages.
     *
     * @throws AudioDecodingException for empty input, an unknown or unsupported format, truncated
     *     data, zero samples, or non-finite float samples
     */
    public static AudioData decode(byte[] bytes, String sourceName) {
        PcmBlocks blocks = switch (format(bytes, sourceName)) {
            case WAV -> WavDecoder.open(ByteSource.of(bytes), sourceName);
            case FLAC -> FlacDecoder.open(new ByteArrayInputStream(bytes), sourceName);
            case MP3 -> Mp3Decoder.open(new ByteArrayInputStream(bytes), sourceName);
        };
        return PcmBlocks.readAll(blocks).toMono();
    }

    /** The container formats read, told apart by their first bytes. */
    enum Format { WAV, FLAC, MP3 }

    /** The format {@code start} (the first 12 bytes or more of a file) begins; an error naming the source if none. */
    static Format format(byte[] start, String sourceName) {
        if (start.length == 0) {
            throw new AudioDecodingException(sourceName + ": audio file is empty (0 bytes); expected a "
                    + "WAV, FLAC or MP3 file");
        }
        if (WavDecoder.looksLikeWav(start)) {
            return Format.WAV;
        } else if (FlacDecoder.looksLikeFlac(start)) {
            return Format.FLAC;
        } else if (Mp3Decoder.looksLikeMp3(start)) {
            return Format.MP3;
        }
        throw new AudioDecodingException(sourceName + ": not a WAV/FLAC/MP3 file: expected RIFF/fLaC/ID3 "
                + "or MPEG frame sync at the start, found " + describeStart(start));
    }

    /** The everyday entry point: decode, downmix to mono and resample to {@code targetSampleRate}. */
    public static AudioData load(Path file, int targetSampleRate) {
        if (targetSampleRate <= 0) {
            throw new IllegalArgumentException("targetSampleRate must be > 0 Hz, got " + targetSampleRate);
        }
        AudioData audio = decode(file);
        if (audio.sampleRate() == targetSampleRate) {
            return audio;
        }
        return new AudioData(Resampler.resample(audio.samples(), audio.sampleRate(), targetSampleRate),
                targetSampleRate);
    }

    private static String describeStart(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            hex.append(String.format("%02X ", bytes[i] & 0xFF));
            char c = (char) (bytes[i] & 0xFF);
            text.append(c >= 0x20 && c < 0x7F ? c : '.');
        }
        return hex.toString().trim() + " (\"" + text + "\")";
    }
}
