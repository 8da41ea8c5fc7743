package org.codaasr.model.features;

import org.codaasr.model.AsrException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StreamingFbankTest {

    private static final FbankExtractor EXTRACTOR = FbankExtractor.withDefaults();
    private static final String UTT = "1998-15444-0000";
    /** 2.5 s of real speech: enough frames, fast even when fed one sample at a time. */
    private static final int SAMPLES = 40_000;

    private static float[] audio;
    private static float[][] whole;

    @BeforeAll
    static void loadAudio() throws IOException {
        audio = Arrays.copyOf(FlacTestAudio.readMono16(FlacTestAudio.utterance(UTT)), SAMPLES);
        whole = EXTRACTOR.compute(audio);
        assertEquals(EXTRACTOR.numFrames(SAMPLES), whole.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 159, 160, 399, 400, 1023, 16000, SAMPLES})
    void fixedChunksGiveTheWholeFileFramesBitForBit(int chunk) {
        assertFramesEqual(whole, stream(() -> chunk, null));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20251126})
    void randomChunksGiveTheWholeFileFramesBitForBit(long seed) {
        Random random = new Random(seed);
        assertFramesEqual(whole, stream(() -> random.nextInt(2000), null));
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 99})
    void snapshotRestoreMidStreamContinuesIdentically(long seed) {
        Random random = new Random(seed);
        assertFramesEqual(whole, stream(() -> random.nextInt(3000), random));
    }

    @Test
    void drainedStateKeepsLessThanOneWindow() {
        StreamingFbank stream = new StreamingFbank(EXTRACTOR);
        int fed = 0;
        for (int chunk : new int[]{1, 399, 1, 1023, 16000, 7}) {
            stream.acceptWaveform(Arrays.copyOfRange(audio, fed, fed + chunk));
            fed += chunk;
            stream.drainFrames();
            assertTrue(stream.pendingSamples() < EXTRACTOR.config().windowSize(), "pending " + stream.pendingSamples());
            assertEquals(EXTRACTOR.numFrames(fed), stream.framesEmitted());
            assertEquals(fed - stream.framesEmitted() * EXTRACTOR.config().windowShift(), stream.pendingSamples());
        }
        int header = 21;
        assertEquals(header + 4 * stream.pendingSamples(), stream.snapshot().length);
    }

    @Test
    void snapshotWithUndrainedSamplesLosesNothing() {
        StreamingFbank stream = new StreamingFbank(EXTRACTOR);
        stream.acceptWaveform(Arrays.copyOfRange(audio, 0, 5000));
        StreamingFbank restored = StreamingFbank.restore(EXTRACTOR, stream.snapshot());
        restored.acceptWaveform(Arrays.copyOfRange(audio, 5000, SAMPLES));
        assertFramesEqual(whole, restored.drainFrames());
        assertEquals(whole.length, restored.framesEmitted());
    }

    @Test
    void emptyAndShortInputGiveNoFrames() {
        StreamingFbank stream = new StreamingFbank(EXTRACTOR);
        stream.acceptWaveform(new float[0]);
        assertEquals(0, stream.drainFrames().length);
        stream.acceptWaveform(Arrays.copyOf(audio, EXTRACTOR.config().windowSize() - 1));
        assertEquals(0, stream.drainFrames().length);
        stream.acceptWaveform(new float[]{audio[EXTRACTOR.config().windowSize() - 1]});
        assertArrayEquals(whole[0], stream.drainFrames()[0]);
        assertEquals(1, stream.framesEmitted());
    }

    @Test
    void restoreRejectsOtherVersionsConfigsAndGarbage() {
        StreamingFbank stream = new StreamingFbank(EXTRACTOR);
        stream.acceptWaveform(Arrays.copyOf(audio, 1000));
        stream.drainFrames();
        byte[] snapshot = stream.snapshot();

        byte[] otherVersion = snapshot.clone();
        otherVersion[0] = (byte) (StreamingFbank.SNAPSHOT_VERSION + 1);
        assertThrows(AsrException.class, () -> StreamingFbank.restore(EXTRACTOR, otherVersion));

        FbankConfig d = FbankConfig.defaults();
        FbankExtractor fortyBins = new FbankExtractor(new FbankConfig(d.sampleRate(), 40, d.frameLengthMs(),
                d.frameShiftMs(), d.preemphasis(), d.lowFreq(), d.highFreq(), d.inputScale(), d.energyFloor(),
                d.removeDcOffset()));
        assertThrows(AsrException.class, () -> StreamingFbank.restore(fortyBins, snapshot));

        assertThrows(AsrException.class,
                () -> StreamingFbank.restore(EXTRACTOR, Arrays.copyOf(snapshot, snapshot.length - 2)));
        assertThrows(AsrException.class,
                () -> StreamingFbank.restore(EXTRACTOR, Arrays.copyOf(snapshot, snapshot.length + 4)));
    }

    /** Feeds the audio in chunks of the given sizes; with a Random, snapshots and restores at random points. */
    private static float[][] stream(IntSupplier chunkSizes, Random restoreAt) {
        StreamingFbank stream = new StreamingFbank(EXTRACTOR);
        List<float[]> frames = new ArrayList<>();
        int fed = 0;
        while (fed < SAMPLES) {
            int chunk = Math.min(chunkSizes.getAsInt(), SAMPLES - fed);
            stream.acceptWaveform(Arrays.copyOfRange(audio, fed, fed + chunk));
            fed += chunk;
            frames.addAll(List.of(stream.drainFrames()));
            assertEquals(frames.size(), stream.framesEmitted());
            if (restoreAt != null && restoreAt.nextInt(4) == 0) {
                stream = StreamingFbank.restore(EXTRACTOR, stream.snapshot());
                assertEquals(frames.size(), stream.framesEmitted());
            }
        }
        return frames.toArray(new float[0][]);
    }

    private static void assertFramesEqual(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length, "frame count");
        for (int f = 0; f < expected.length; f++) {
            // assertArrayEquals on float[] compares exact bit patterns: streaming must be bit-identical
            assertArrayEquals(expected[f], actual[f], "frame " + f);
        }
    }
}
