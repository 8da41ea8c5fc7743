package org.codaasr.model.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WavDecodingTest {

    private static final int RATE = 16000;
    private static final float[] SIGNAL = Signals.randomFullScale(4000, 42);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}-bit PCM")
    @ValueSource(ints = {8, 16, 24, 32})
    void integerPcmRoundTripsWithinOneLsb(int bits) throws IOException {
        Path file = write("pcm" + bits + ".wav", WavBytes.pcm(bits, 1, RATE, SIGNAL));

        AudioData audio = AudioDecoder.decode(file);

        assertEquals(RATE, audio.sampleRate());
        assertSamplesClose(SIGNAL, audio.samples(), oneLsb(bits));
    }

    @ParameterizedTest(name = "{0}-bit float")
    @ValueSource(ints = {32, 64})
    void ieeeFloatRoundTripsExactly(int bits) throws IOException {
        Path file = write("float" + bits + ".wav", WavBytes.ieeeFloat(bits, 1, RATE, SIGNAL));

        assertSamplesClose(SIGNAL, AudioDecoder.decode(file).samples(), 0);
    }

    @Test
    void extensibleHeaderWith24BitPcmAndFloatSubFormats() {
        byte[] pcm24 = WavBytes.riff(WavBytes.chunk("fmt ", WavBytes.fmtExtensible(WavBytes.PCM, 1, RATE, 24, 24)),
                WavBytes.chunk("data", WavBytes.encodeInt(SIGNAL, 3)));
        byte[] float32 = WavBytes.riff(
                WavBytes.chunk("fmt ", WavBytes.fmtExtensible(WavBytes.IEEE_FLOAT, 1, RATE, 32, 32)),
                WavBytes.chunk("data", WavBytes.encodeFloat(SIGNAL, 4)));

        assertSamplesClose(SIGNAL, AudioDecoder.decode(pcm24, "ext24.wav").samples(), oneLsb(24));
        assertSamplesClose(SIGNAL, AudioDecoder.decode(float32, "extfloat.wav").samples(), 0);
    }

    @Test
    void extensible20BitSamplesLeftJustifiedIn24BitContainers() {
        // 20 valid bits, left-justified in 3 bytes (low 4 bits zero): the container width sets the scale
        float[] twentyBit = new float[SIGNAL.length];
        for (int i = 0; i < SIGNAL.length; i++) {
            twentyBit[i] = Math.min(Math.round(SIGNAL[i] * (double) (1 << 19)), (1 << 19) - 1) / (float) (1 << 19);
        }
        byte[] wav = WavBytes.riff(WavBytes.chunk("fmt ", WavBytes.fmtExtensible(WavBytes.PCM, 1, RATE, 24, 20)),
                WavBytes.chunk("data", WavBytes.encodeInt(twentyBit, 3)));

        assertSamplesClose(SIGNAL, AudioDecoder.decode(wav, "ext20.wav").samples(), oneLsb(20));
    }

    @Test
    void unknownChunksOfOddSizeAreSkippedWithTheirPadByte() {
        byte[] wav = WavBytes.riff(
                WavBytes.chunk("LIST", new byte[] {'I', 'N', 'F'}),
                WavBytes.chunk("fmt ", WavBytes.fmt(WavBytes.PCM, 1, RATE, 16)),
                WavBytes.chunk("junk", new byte[5]),
                WavBytes.chunk("data", WavBytes.encodeInt(SIGNAL, 2)),
                WavBytes.chunk("id3 ", new byte[7]));

        assertSamplesClose(SIGNAL, AudioDecoder.decode(wav, "chunks.wav").samples(), oneLsb(16));
    }

    @Test
    void streamedDataSizeOfAllOnesMeansToTheEndOfTheFile() {
        byte[] wav = WavBytes.riff(WavBytes.chunk("fmt ", WavBytes.fmt(WavBytes.PCM, 1, RATE, 16)),
                WavBytes.chunkDeclaring("data", 0xFFFFFFFFL, WavBytes.encodeInt(SIGNAL, 2)));

        assertSamplesClose(SIGNAL, AudioDecoder.decode(wav, "streamed.wav").samples(), oneLsb(16));
    }

    @Test
    void stereoIsAveragedToMono() {
        float[] left = Signals.sine(440, 0.5, RATE, 1600);
        float[] right = Signals.sine(1000, 0.3, RATE, 1600);
        byte[] wav = WavBytes.pcm(16, 2, RATE, Signals.interleave(left, right));

        float[] mono = AudioDecoder.decode(wav, "stereo.wav").samples();

        float[] expected = new float[left.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (left[i] + right[i]) / 2;
        }
        assertSamplesClose(expected, mono, oneLsb(16));
    }

    @Test
    void formatIsTakenFromTheBytesNotTheExtension() throws IOException {
        Path misnamed = write("really-a-wav.flac", WavBytes.pcm(16, 1, RATE, SIGNAL));

        assertEquals(SIGNAL.length, AudioDecoder.decode(misnamed).samples().length);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static float oneLsb(int bits) {
        // 32-bit integers carry more precision than a float mantissa can return
        return Math.max((float) Math.pow(2, -(bits - 1)), Math.ulp(1f));
    }

    static void assertSamplesClose(float[] expected, float[] actual, float tolerance) {
        assertEquals(expected.length, actual.length, "sample count");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "sample " + i);
        }
    }
}
