package org.codaasr.model.features;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KaldiFrameDspTest {

    @Test
    void preemphasisUsesOriginalPredecessorAndReplicatesTheFirstSample() {
        double[] frame = {2, 4, 8, 16};
        KaldiFrameDsp.preemphasize(frame, 0.5);
        assertArrayEquals(new double[]{2 - 1, 4 - 1, 8 - 2, 16 - 4}, frame, 1e-12);
    }

    @Test
    void dcRemovalZeroesTheMean() {
        double[] frame = {1, 2, 3, 6};
        KaldiFrameDsp.removeDcOffset(frame);
        assertArrayEquals(new double[]{-2, -1, 0, 3}, frame, 1e-12);
    }

    @Test
    void poveyWindowIsSymmetricHannToThe085() {
        double[] w = KaldiFrameDsp.poveyWindow(400);
        assertEquals(0.0, w[0], 0.0);
        assertEquals(0.0, w[399], 1e-12);
        for (int i = 0; i < 400; i++) {
            assertEquals(w[i], w[399 - i], 1e-12);
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / 399);
            assertEquals(Math.pow(hann, 0.85), w[i], 1e-12);
        }
    }

    @Test
    void melScaleRoundTrips() {
        for (double hz : new double[]{0, 20, 700, 1000, 8000}) {
            assertEquals(hz, KaldiFrameDsp.inverseMelScale(KaldiFrameDsp.melScale(hz)), 1e-9);
        }
        assertEquals(1127.0 * Math.log(2), KaldiFrameDsp.melScale(700), 1e-12);
    }

    @Test
    void melBanksAreTrianglesInsideTheBandThatLeaveNyquistOut() {
        FbankConfig config = FbankConfig.defaults();
        double[][] banks = KaldiFrameDsp.melBanks(config);
        assertEquals(80, banks.length);
        double binWidth = 16000.0 / 512;
        double[] centers = KaldiFrameDsp.melCenterFrequencies(config);
        for (int b = 0; b < banks.length; b++) {
            assertEquals(256, banks[b].length, "FFT bins 0..255, Nyquist has no weight");
            int peak = 0;
            for (int k = 0; k < banks[b].length; k++) {
                double w = banks[b][k];
                assertTrue(w >= 0 && w <= 1, "weight in [0, 1]");
                if (k * binWidth <= config.lowFreq() || k * binWidth >= config.resolvedHighFreq()) {
                    assertEquals(0.0, w, "bank " + b + " outside the band at FFT bin " + k);
                }
                peak = w > banks[b][peak] ? k : peak;
            }
            assertTrue(Math.abs(peak * binWidth - centers[b]) <= binWidth, "bank " + b + " peaks at its centre");
        }
    }
}
