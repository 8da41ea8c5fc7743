package org.codaasr.model.ctc;

import static org.codaasr.model.ctc.CtcTestData.log;
import static org.codaasr.model.ctc.CtcTestData.peak;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyCtcDecoderTest {

    static final Vocabulary PIECES = Vocabulary.of(List.of("<blk>", "\u2581HE", "LLO", "\u2581WORLD"));

    /** HE HE _ LLO _ _ WORLD _ with posteriors 0.9 0.8 . 0.6 . . 0.7 . */
    static float[][] helloWorld() {
        return log(new double[][] {
            peak(4, 1, 0.9), peak(4, 1, 0.8), peak(4, 0, 0.9), peak(4, 2, 0.6),
            peak(4, 0, 0.9), peak(4, 0, 0.9), peak(4, 3, 0.7), peak(4, 0, 0.9)});
    }

    @Test
    void collapsesRepeatsAndDropsBlanks() {
        Vocabulary abc = Vocabulary.of(List.of("<blk>", "A", "B"));
        float[][] lp = log(new double[][] {peak(3, 1, 0.8), peak(3, 1, 0.8), peak(3, 2, 0.8), peak(3, 0, 0.8)});
        CtcHypothesis h = new GreedyCtcDecoder(abc).decode(lp, 0.04);
        assertArrayEquals(new int[] {1, 2}, h.tokenIds());
        assertArrayEquals(new int[] {0, 2}, h.tokenFrames());
        assertEquals("AB", h.text());
        assertEquals(4 * Math.log(0.8), h.logScore(), 1e-6);
    }

    @Test
    void repeatsSeparatedByBlankAreKept() {
        Vocabulary abc = Vocabulary.of(List.of("<blk>", "A", "B"));
        float[][] lp = log(new double[][] {peak(3, 1, 0.8), peak(3, 0, 0.8), peak(3, 1, 0.8)});
        assertArrayEquals(new int[] {1, 1}, new GreedyCtcDecoder(abc).decode(lp, 0.04).tokenIds());
    }

    @Test
    void wordTimesAndConfidences() {
        CtcHypothesis h = new GreedyCtcDecoder(PIECES).decode(helloWorld(), 0.04);
        assertEquals("HELLO WORLD", h.text());
        List<WordInfo> w = h.words();
        assertEquals(2, w.size());
        assertEquals("HELLO", w.get(0).word());
        assertEquals(0.0, w.get(0).startSeconds(), 1e-9);
        assertEquals(0.16, w.get(0).endSeconds(), 1e-9, "ends one frame after LLO at frame 3");
        assertEquals((0.9 + 0.6) / 2, w.get(0).confidence(), 1e-6, "mean of HE's peak 0.9 and LLO's 0.6");
        assertEquals(0.24, w.get(1).startSeconds(), 1e-9);
        assertEquals(0.28, w.get(1).endSeconds(), 1e-9);
        assertEquals(0.7, w.get(1).confidence(), 1e-6);
    }

    @Test
    void emptyInputGivesEmptyHypothesis() {
        CtcHypothesis h = new GreedyCtcDecoder(PIECES).decode(new float[0][], 0.04);
        assertEquals("", h.text());
        assertEquals(0, h.tokenIds().length);
    }
}
