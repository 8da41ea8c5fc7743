package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakBenchmarkTest {

    private static List<SoakBenchmark.Sample> samples(long heapStep, long lagStep) {
        List<SoakBenchmark.Sample> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // the first sample is the warm-up: far off, and ignored
            long heap = i == 0 ? 10_000_000 : 200_000_000 + i * heapStep + (i % 2) * 5_000_000;
            long lag = i == 0 ? 5_000 : 40 + i * lagStep;
            out.add(new SoakBenchmark.Sample(30.0 * (i + 1), heap, 900_000_000, 8, 100, 8, lag, i * 4, i * 30.0,
                    300));
        }
        return out;
    }

    @Test
    void flatMemoryAndLagHold() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, samples(0, 0));
        assertTrue(r.passed(), r.verdict());
    }

    @Test
    void heapThatKeepsGrowingAfterGcFails() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, samples(40_000_000, 0));
        assertFalse(r.memoryHeld(), r.verdict());
        assertTrue(r.lagHeld(), r.verdict());
        assertTrue(r.verdict().contains("GROWS"), r.verdict());
    }

    @Test
    void lagThatKeepsGrowingFails() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 5, samples(0, 100));
        assertFalse(r.lagHeld(), r.verdict());
        assertTrue(r.memoryHeld(), r.verdict());
    }

    @Test
    void tooFewSamplesAreNoVerdict() {
        SoakBenchmark.Result r = SoakBenchmark.judge(8, 1, samples(0, 0).subList(0, 3));
        assertFalse(r.passed());
        assertTrue(r.verdict().contains("too few samples"), r.verdict());
    }
}
