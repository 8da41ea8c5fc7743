package org.codaasr.model.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.codaasr.model.corpus.DataSets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real recordings (the shipped demo set, an FSDD file of the data folder) and small fixtures made with sox and lame. */
class RealAudioFilesTest {

    /** An 8 kHz FSDD recording in the data folder, where there is one. */
    static final Path FSDD_WAV = DataSets.dataDir().map(d -> d.resolve("fsdd/recordings/0_jackson_0.wav"))
            .orElse(Path.of("no-data-folder"));
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    @Test
    @Tag("shared-data")
    void fsddWavAt8kLoadsAt16kWithItsDuration() {
        assumeTrue(Files.exists(FSDD_WAV), "shared data missing: the FSDD recording fsdd/recordings/0_jackson_0.wav of"
                + " the data folder (ASR_DATA, else ../shared/data beside the repository)");
        AudioData original = AudioDecoder.decode(FSDD_WAV);

        AudioData audio = AudioDecoder.load(FSDD_WAV, 16000);

        assertEquals(8000, original.sampleRate());
        assertEquals(16000, audio.sampleRate());
        assertEquals(original.samples().length * 2, audio.samples().length, 1);
        assertEquals(original.durationSeconds(), audio.durationSeconds(), 1.0 / 16000);
        double rmsIn = Signals.rms(original.samples(), 0, original.samples().length);
        double rmsOut = Signals.rms(audio.samples(), 0, audio.samples().length);
        assertEquals(rmsIn, rmsOut, rmsIn * 0.05, "speech energy kept by upsampling");
    }

    @Test
    void devFlacMatchesStreamInfoAndSoxDecoding() throws IOException {
        byte[] bytes = Files.readAllBytes(DEV_FLAC);
        long streamInfo = ByteBuffer.wrap(bytes, 18, 8).getLong(); // STREAMINFO bits 80..143
        int declaredRate = (int) (streamInfo >>> 44);
        long declaredSamples = streamInfo & 0xFFFFFFFFFL;

        AudioData audio = AudioDecoder.decode(DEV_FLAC);

        assertEquals(16000, declaredRate);
        assertEquals(declaredRate, audio.sampleRate());
        assertEquals(declaredSamples, audio.samples().length);
        assertEquals(declaredSamples / (double) declaredRate, audio.durationSeconds(), 1e-9);
        // first 1000 samples as `sox file.flac -t raw -e signed -b 16 -L -` decoded them
        short[] sox = soxReference("/audio/1688-142285-0000.first1000.s16le");
        for (int i = 0; i < sox.length; i++) {
            assertEquals(sox[i], Math.round(audio.samples()[i] * 32768), "sample " + i);
        }
    }

    @Test
    void stereo24BitFlacDecodesAndDownmixes() throws IOException {
        // sox -D -n -r 16000 -b 24 -c 2 f.flac synth 0.25 sine 440 sine 1000 vol 0.5
        AudioData audio = AudioDecoder.decode(resource("/audio/tone440l-1000r-24bit-stereo.flac"),
                "tone440l-1000r-24bit-stereo.flac");

        assertEquals(16000, audio.sampleRate());
        assertEquals(4000, audio.samples().length);
        float[] x = audio.samples();
        assertEquals(0.25, Signals.toneAmplitude(x, 16000, 440, 0, x.length), 0.005, "left 440 Hz halved");
        assertEquals(0.25, Signals.toneAmplitude(x, 16000, 1000, 0, x.length), 0.005, "right 1 kHz halved");
    }

    @Test
    void mp3DecodesWithItsRateAndLength() throws IOException {
        // sox -D -n -r 22050 -b 16 -c 1 t.wav synth 0.5 sine 440 vol 0.5 && lame -b 32 t.wav f.mp3
        AudioData audio = AudioDecoder.decode(resource("/audio/tone440-0.5s-22050-mono.mp3"),
                "tone440-0.5s-22050-mono.mp3");

        assertEquals(22050, audio.sampleRate());
        float[] x = audio.samples();
        // 0.5 s plus LAME's encoder delay and frame padding (at most a few 576-sample granules)
        assertTrue(x.length >= 11025 && x.length <= 11025 + 4 * 576, "length " + x.length);
        int from = 2000;
        int to = 10000;
        assertEquals(440, Signals.zeroCrossingFrequency(x, 22050, from, to), 3.0);
        assertEquals(0.5, Signals.toneAmplitude(x, 22050, 440, from, to), 0.05);
    }

    private static short[] soxReference(String name) throws IOException {
        ByteBuffer raw = ByteBuffer.wrap(resource(name)).order(ByteOrder.LITTLE_ENDIAN);
        short[] samples = new short[raw.remaining() / 2];
        raw.asShortBuffer().get(samples);
        return samples;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = RealAudioFilesTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, "test resource " + name);
            return in.readAllBytes();
        }
    }
}
