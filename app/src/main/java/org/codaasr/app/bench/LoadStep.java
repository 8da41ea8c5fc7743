package org.codaasr.app.bench;

import java.util.List;

/**
 * How fast load-adaptive routing answers a load step, from the final segments of a run: the share of the audio
 * captured in each interval after the step that a cheaper variant than the dense backbone encoded. Segments change
 * variant only at their start, so a segment counts for the variant it had over all of its capture time. Pure
 * functions.
 */
final class LoadStep {

    private LoadStep() {
    }

    /**
     * Share of the audio captured in each of {@code buckets} intervals of {@code bucketMs} from {@code fromMs} that
     * a variant with r > 0 encoded; NaN for an interval without audio.
     */
    static double[] cheaperShares(List<LoadRecorder.Segment> segments, long fromMs, long bucketMs, int buckets) {
        double[] cheaper = new double[buckets];
        double[] all = new double[buckets];
        for (LoadRecorder.Segment s : segments) {
            for (int b = 0; b < buckets; b++) {
                long lo = fromMs + b * bucketMs;
                long overlap = Math.min(s.capturedToMs(), lo + bucketMs) - Math.max(s.capturedFromMs(), lo);
                if (overlap > 0) {
                    all[b] += overlap;
                    if (s.codaR() > 0) {
                        cheaper[b] += overlap;
                    }
                }
            }
        }
        double[] shares = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            shares[b] = all[b] == 0 ? Double.NaN : cheaper[b] / all[b];
        }
        return shares;
    }

    /**
     * Milliseconds from the step to the end of the first interval whose cheaper share reaches {@code threshold};
     * -1 when none does.
     */
    static long reactionMs(double[] shares, long bucketMs, double threshold) {
        for (int b = 0; b < shares.length; b++) {
            if (shares[b] >= threshold) {
                return (b + 1) * bucketMs;
            }
        }
        return -1;
    }
}
