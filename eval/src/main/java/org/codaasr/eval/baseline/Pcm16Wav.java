package org.codaasr.eval.baseline;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;

/** Writes mono float audio as a 16-bit little-endian PCM WAV file (the JDK's own WAV writer does the header). */
public final class Pcm16Wav {

    private Pcm16Wav() {
    }

    /** Samples in [-1, 1] to 16-bit little-endian PCM; values outside are clipped, rounding is to nearest. */
    static byte[] toPcm16le(float[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            float clipped = Math.max(-1f, Math.min(1f, samples[i]));
            int v = Math.round(clipped * Short.MAX_VALUE);
            out[2 * i] = (byte) v;
            out[2 * i + 1] = (byte) (v >> 8);
        }
        return out;
    }

    public static void write(AudioData audio, Path file) {
        AudioFormat format = new AudioFormat(audio.sampleRate(), 16, 1, true, false);
        byte[] pcm = toPcm16le(audio.samples());
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format,
                audio.samples().length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        } catch (IOException e) {
            throw new AsrException("cannot write 16-bit WAV file " + file + ": " + e.getMessage(), e);
        }
    }
}
