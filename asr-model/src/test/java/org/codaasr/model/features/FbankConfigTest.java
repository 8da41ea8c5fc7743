package org.codaasr.model.features;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FbankConfigTest {

    private static final FbankConfig D = FbankConfig.defaults();

    @Test
    void defaultsAreTheTrainingRecipe() {
        assertEquals(new FbankConfig(16000, 80, 25, 10, 0.97, 20, 0, 32768, 0, true), D);
        assertEquals(400, D.windowSize());
        assertEquals(160, D.windowShift());
        assertEquals(512, D.paddedWindowSize());
        assertEquals(8000.0, D.resolvedHighFreq());
    }

    @Test
    void paddedSizeRoundsUpToPowerOfTwoAndHighFreqCountsFromNyquist() {
        FbankConfig c = new FbankConfig(8000, 40, 32, 10, 0.97, 20, -400, 32768, 0, true);
        assertEquals(256, c.windowSize());
        assertEquals(256, c.paddedWindowSize());
        assertEquals(3600.0, c.resolvedHighFreq());
    }

    @Test
    void rejectsNonsense() {
        assertInvalid(0, 80, 25, 10, 0.97, 20, 0, 32768, 0);        // sample rate
        assertInvalid(16000, 0, 25, 10, 0.97, 20, 0, 32768, 0);     // no mel bins
        assertInvalid(16000, -5, 25, 10, 0.97, 20, 0, 32768, 0);
        assertInvalid(16000, 80, 0, 10, 0.97, 20, 0, 32768, 0);     // frame length
        assertInvalid(16000, 80, 25, 0, 0.97, 20, 0, 32768, 0);     // frame shift
        assertInvalid(16000, 80, 10, 25, 0.97, 20, 0, 32768, 0);    // shift > length
        assertInvalid(16000, 80, Double.NaN, 10, 0.97, 20, 0, 32768, 0);
        assertInvalid(16000, 80, 25, 10, 1.5, 20, 0, 32768, 0);     // preemphasis
        assertInvalid(16000, 80, 25, 10, -0.1, 20, 0, 32768, 0);
        assertInvalid(16000, 80, 25, 10, 0.97, -1, 0, 32768, 0);    // low freq
        assertInvalid(16000, 80, 25, 10, 0.97, 8000, 0, 32768, 0);  // low freq at Nyquist
        assertInvalid(16000, 80, 25, 10, 0.97, 3000, 2000, 32768, 0); // high below low
        assertInvalid(16000, 80, 25, 10, 0.97, 20, 9000, 32768, 0); // high above Nyquist
        assertInvalid(16000, 80, 25, 10, 0.97, 20, -8000, 32768, 0); // resolves to 0 Hz
        assertInvalid(16000, 80, 25, 10, 0.97, 20, 0, 0, 0);        // input scale
        assertInvalid(16000, 80, 25, 10, 0.97, 20, 0, 32768, -1);   // energy floor
    }

    private static void assertInvalid(int sr, int bins, double lengthMs, double shiftMs, double preemph,
                                      double low, double high, double scale, double floor) {
        assertThrows(IllegalArgumentException.class,
                () -> new FbankConfig(sr, bins, lengthMs, shiftMs, preemph, low, high, scale, floor, true));
    }
}
