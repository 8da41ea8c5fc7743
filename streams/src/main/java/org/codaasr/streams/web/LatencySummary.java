package org.codaasr.streams.web;

import java.util.Arrays;

/**
 * Percentiles of the latest transcript latencies (emission time minus capture of the last audio covered), as the
 * dashboard shows them.
 *
 * @param count how many latencies the percentiles are over (at most {@link LiveState#LATENCY_WINDOW})
 * @param p50   median, ms
 * @param p95   95th percentile, ms
 * @param p99   99th percentile, ms
 */
public record LatencySummary(int count, long p50, long p95, long p99) {

    public static final LatencySummary NONE = new LatencySummary(0, 0, 0, 0);

    /** Nearest-rank percentiles of {@code values}; the array is not changed. */
    public static LatencySummary of(long[] values) {
        if (values.length == 0) {
            return NONE;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return new LatencySummary(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99));
    }

    private static long rank(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
