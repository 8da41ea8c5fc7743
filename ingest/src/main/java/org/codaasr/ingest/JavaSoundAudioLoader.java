package org.codaasr.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.codaasr.model.AsrException;

/**
 * {@link AudioLoader} on {@code javax.sound.sampled}: WAV/AIFF from the JDK, FLAC through jflac's
 * service provider. It converts to 16-bit signed PCM and mixes channels down to mono but does not
 * resample (the JDK cannot), so files must already be 16 kHz; the asr-model decoder resamples.
 */
public final class JavaSoundAudioLoader implements AudioLoader {

    @Override
    public float[] load16k(Path file) {
        try (AudioInputStream source = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat format = source.getFormat();
            if (Math.round(format.getSampleRate()) != SAMPLE_RATE) {
                throw new AsrException("expected " + SAMPLE_RATE + " Hz audio in " + file + ", got "
                        + format.getSampleRate() + " Hz (resampling needs the asr-model AudioDecoder)");
            }
            int channels = Math.max(1, format.getChannels());
            AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, format.getSampleRate(), 16,
                    channels, 2 * channels, format.getSampleRate(), false);
            try (AudioInputStream decoded = AudioSystem.getAudioInputStream(pcm, source)) {
                return toMono(decoded.readAllBytes(), channels);
            }
        } catch (UnsupportedAudioFileException | IOException | IllegalArgumentException e) {
            throw new AsrException("expected a readable 16 kHz WAV or FLAC file at " + file, e);
        }
    }

    private static float[] toMono(byte[] s16le, int channels) {
        ByteBuffer buffer = ByteBuffer.wrap(s16le).order(ByteOrder.LITTLE_ENDIAN);
        float[] mono = new float[s16le.length / (2 * channels)];
        for (int i = 0; i < mono.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += buffer.getShort() / 32768f;
            }
            mono[i] = sum / channels;
        }
        return mono;
    }
}
