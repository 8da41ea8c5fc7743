package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pcm16WavTest {

    @Test
    void convertsToLittleEndianAndClips() {
        byte[] pcm = Pcm16Wav.toPcm16le(new float[] {0f, 1f, -1f, 0.5f, 2f, -3f});
        assertArrayEquals(new byte[] {
                0, 0,
                (byte) 0xFF, 0x7F,          // 32767
                0x01, (byte) 0x80,          // -32767
                0x00, 0x40,                 // round(16383.5) = 16384
                (byte) 0xFF, 0x7F,          // clipped to 32767
                0x01, (byte) 0x80}, pcm);   // clipped to -32767
    }

    @Test
    void writtenFileDecodesBackWithinOneQuantizationStep(@TempDir Path dir) {
        float[] samples = new float[1600];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.6 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
        }
        Path wav = dir.resolve("tone.wav");
        Pcm16Wav.write(new AudioData(samples, 16000), wav);
        AudioData back = AudioDecoder.decode(wav);
        assertEquals(16000, back.sampleRate());
        assertArrayEquals(samples, back.samples(), 1.5f / 32768);
    }
}
