package org.codaasr.model.features;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FbankExtractorTest {

    private static final FbankExtractor EXTRACTOR = FbankExtractor.withDefaults();
    private static final int SAMPLE_RATE = 16000;

    @Test
    void emptyAndShortInputGiveNoFrames() {
        assertEquals(0, EXTRACTOR.compute(new float[0]).length);
        assertEquals(0, EXTRACTOR.compute(new float[399]).length);
        assertEquals(0, EXTRACTOR.numFrames(0));
        assertEquals(0, EXTRACTOR.numFrames(399));
    }

    @Test
    void frameCountFollowsSnipEdges() {
        assertEquals(1, EXTRACTOR.numFrames(400));
        assertEquals(1, EXTRACTOR.numFrames(559));
        assertEquals(2, EXTRACTOR.numFrames(560));
        assertEquals(1498, EXTRACTOR.numFrames(240_000));
        float[][] features = EXTRACTOR.compute(tone(1000, 0.5, 16_000));
        assertEquals(EXTRACTOR.numFrames(16_000), features.length);
        for (float[] frame : features) {
            assertEquals(80, frame.length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 20, 40, 63})
    void pureToneAtAFilterCentrePeaksInThatFilter(int bin) {
        double hz = KaldiFrameDsp.melCenterFrequencies(EXTRACTOR.config())[bin];
        float[][] features = EXTRACTOR.compute(tone(hz, 0.3, 8000));
        for (float[] frame : features) {
            assertEquals(bin, argmax(frame), "peak mel bin for a " + hz + " Hz tone");
        }
    }

    @Test
    void digitalSilenceIsFlooredAtFloatEpsilon() {
        float expected = (float) Math.log(Math.ulp(1.0f));
        for (float[] frame : EXTRACTOR.compute(new float[1600])) {
            for (float v : frame) {
                assertEquals(expected, v);
            }
        }
    }

    @Test
    void dcOffsetDoesNotChangeTheFeatures() {
        // DC removal is per frame, so a constant offset cancels up to double rounding. The tone is on the
        // int16 grid like decoded audio, so adding 0.25 is exact in float and the input differs only by DC.
        float[] tone = tone(440, 0.3, 4000);
        for (int i = 0; i < tone.length; i++) {
            tone[i] = Math.round(tone[i] * 32768f) / 32768f;
        }
        float[] shifted = tone.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.25f;
        }
        float[][] a = EXTRACTOR.compute(tone);
        float[][] b = EXTRACTOR.compute(shifted);
        for (int f = 0; f < a.length; f++) {
            assertArrayEquals(a[f], b[f], 1e-4f);
        }
    }

    @Test
    void sharedExtractorGivesTheSameFramesOnManyThreads() throws Exception {
        float[] noise = new float[32000];
        Random random = new Random(3);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (random.nextGaussian() * 0.1);
        }
        float[][] expected = EXTRACTOR.compute(noise);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> EXTRACTOR.compute(noise)));
            }
            for (Future<float[][]> result : results) {
                assertTrue(Arrays.deepEquals(expected, result.get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] tone(double hz, double amplitude, int samples) {
        float[] out = new float[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / SAMPLE_RATE));
        }
        return out;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
