package org.codaasr.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

    @TempDir
    Path dir;

    @Test
    void stereo48kWavLoadsAsMono16kWithTheRightLength() throws IOException {
        int seconds = 2;
        float[] left = Signals.sine(1000, 0.5, 48000, 48000 * seconds);
        float[] right = Signals.sine(1000, 0.5, 48000, 48000 * seconds);
        Path file = Files.write(dir.resolve("stereo48k.wav"),
                WavBytes.pcm(16, 2, 48000, Signals.interleave(left, right)));

        AudioData audio = AudioDecoder.load(file, 16000);

        assertEquals(16000, audio.sampleRate());
        assertEquals(16000 * seconds, audio.samples().length, 1);
        float[] x = audio.samples();
        assertEquals(0.5, Signals.toneAmplitude(x, 16000, 1000, 1000, x.length - 1000), 0.005,
                "1 kHz passband amplitude");
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @CsvSource({"48000,16000", "44100,16000", "22050,16000", "8000,16000"})
    void passbandTonesKeepAmplitudeAndFrequency(int from, int to) {
        for (double hz : new double[] {440, 1000, 3000}) {
            float[] out = Resampler.resample(Signals.sine(hz, 0.5, from, from), from, to);

            assertEquals(to, out.length, 1, "length of 1 s");
            int margin = to / 20; // skip the filter's start-up and tail
            assertEquals(0.5, Signals.toneAmplitude(out, to, hz, margin, out.length - margin), 0.005,
                    hz + " Hz amplitude");
            assertEquals(hz, Signals.zeroCrossingFrequency(out, to, margin, out.length - margin), 2.0,
                    hz + " Hz frequency");
        }
    }

    @Test
    void toneAboveTheNewNyquistIsAttenuatedByMoreThan40dB() {
        float[] in = Signals.sine(10000, 0.5, 48000, 48000);

        float[] out = Resampler.resample(in, 48000, 16000);

        double gainDb = 20 * Math.log10(Signals.rms(out, 800, out.length - 800) / Signals.rms(in, 0, in.length));
        assertTrue(gainDb < -40, "10 kHz at 48k -> 16k must not alias into the band, gain was " + gainDb + " dB");
    }

    @Test
    void impulseStaysAtTheSameTime() {
        float[] in = new float[4800];
        in[2400] = 1;

        float[] out = Resampler.resample(in, 48000, 16000);

        int peak = 0;
        for (int i = 0; i < out.length; i++) {
            peak = Math.abs(out[i]) > Math.abs(out[peak]) ? i : peak;
        }
        assertEquals(800, peak, "no filter delay added");
    }

    @Test
    void equalRatesReturnACopy() {
        float[] in = Signals.sine(440, 0.5, 16000, 100);

        float[] out = Resampler.resample(in, 16000, 16000);

        assertArrayEquals(in, out);
        assertTrue(in != out);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz in blocks")
    @CsvSource({"44100,16000", "22050,16000", "8000,16000", "16000,16000"})
    void blocksResampledWithOneStreamAreTheWholeSignalResampled(int from, int to) {
        float[] x = Signals.sine(440, 0.4, from, from * 3);
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.2f * (float) Math.sin(i * 0.37); // a second, inharmonic component
        }
        float[] whole = Resampler.resample(x, from, to);
        Resampler.Stream stream = new Resampler.Stream(from, to);
        float[] pieced = new float[0];
        int[] sizes = {1, 997, 4096, 333, 16384, 7};
        for (int at = 0, k = 0; at < x.length; k++) {
            int n = Math.min(sizes[k % sizes.length], x.length - at);
            pieced = concat(pieced, stream.process(java.util.Arrays.copyOfRange(x, at, at + n)));
            at += n;
        }
        pieced = concat(pieced, stream.finish());
        assertEquals(whole.length, pieced.length, 2, "the same length, within a sample or two");
        double worst = 0;
        for (int i = 0; i < Math.min(whole.length, pieced.length); i++) {
            worst = Math.max(worst, Math.abs(whole[i] - pieced[i]));
        }
        assertTrue(worst < 1e-4, "no seams at block edges: largest difference " + worst);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
