package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakBenchmarkTest {

    private static List<SoakBenchmark.Sample> samples(long heapStep, long lagStep) {
        return samples(heapStep, lagStep, 0);
    }

    private static List<SoakBenchmark.Sample> samples(long heapStep, long lagStep, long rssStep) {
        List<SoakBenchmark.Sample> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // the first sample is the warm-up: far off, and ignored
            long heap = i == 0 ? 10_000_000 : 200_000_000 + i * heapStep + (i % 2) * 5_000_000;
            long lag = i == 0 ? 5_000 : 40 + i * lagStep;
            out.add(new SoakBenchmark.Sample(30.0 * (i + 1), heap, 900_000_000 + i * rssStep, 12, 8, 100, 400_000, 8, 80_000, lag,
                    i * 4, i * 30.0, 300));
        }
        return out;
    }

    @Test
    void flatMemoryAndLagHold() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, 150_000_000, 2_000_000, samples(0, 0));
        assertTrue(r.passed(), r.verdict());
    }

    @Test
    void heapThatKeepsGrowingAfterGcFails() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, 150_000_000, 2_000_000, samples(40_000_000, 0));
        assertFalse(r.memoryHeld(), r.verdict());
        assertTrue(r.lagHeld(), r.verdict());
        assertTrue(r.verdict().contains("GROWS"), r.verdict());
    }

    @Test
    void residentMemoryThatKeepsGrowingFailsWhileTheHeapHolds() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, 150_000_000, 2_000_000, samples(0, 0, 100_000_000));
        assertFalse(r.memoryHeld(), r.verdict());
        assertTrue(r.verdict().contains("heap after GC: early max 205.0 MB, late min 200.0 MB (held); RSS: early max "
                + "1200.0 MB, late min 1600.0 MB (GROWS)"), r.verdict());
    }

    @Test
    void lagThatKeepsGrowingFails() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, 150_000_000, 2_000_000, samples(0, 100));
        assertFalse(r.lagHeld(), r.verdict());
        assertTrue(r.memoryHeld(), r.verdict());
    }

    @Test
    void memoryPerOpenStreamIsTheHeapAboveTheBaselineAndTheStoreBytesPerOpenStream() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, 150_000_000, 2_000_000, samples(0, 0));
        // samples 1..9: heap 200 MB, plus 5 MB on the odd ones (5 of 9): mean 202.78 MB, 52.78 MB over 8 streams
        assertEquals(6_597_222, r.perStream().heapBytes(), 1);
        assertEquals(50_000, r.perStream().journalBytes());
        assertEquals(10_000, r.perStream().snapshotBytes());
        assertEquals(2_000_000, r.perStream().recognizerStreamBytes());
        assertTrue(r.verdict().contains("per open stream: heap 6.60 MB (recognizer state 2.00 MB), journal 50.0 kB, "
                + "snapshot 10.0 kB"),
                r.verdict());
    }

    @Test
    void tooFewSamplesAreNoVerdict() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 1, 150_000_000, 2_000_000, samples(0, 0).subList(0, 3));
        assertFalse(r.passed());
        assertTrue(r.verdict().contains("too few samples"), r.verdict());
    }
}
