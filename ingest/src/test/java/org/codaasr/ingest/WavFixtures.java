package org.codaasr.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.codaasr.messages.AudioChunk;

/** Writes small 16-bit mono WAV files for tests through the JDK's own writer. */
final class WavFixtures {

    private WavFixtures() {
    }

    /** A sine of {@code seconds} at {@code sampleRate}, amplitude 0.5; returns the samples written. */
    static float[] writeSine(Path file, double seconds, int sampleRate, double hz) throws IOException {
        float[] samples = new float[(int) Math.round(seconds * sampleRate)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / sampleRate));
        }
        byte[] pcm = AudioChunk.encodeS16le(samples, 0, samples.length);
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, samples.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return samples;
    }
}
