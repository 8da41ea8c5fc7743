package org.codaasr.streams.web;

import java.util.List;
import org.codaasr.streams.PipelineMonitor;

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

    /** Nearest-rank percentiles of {@code latenciesMs}, as {@link PipelineMonitor#percentile} ranks them. */
    public static LatencySummary of(List<Long> latenciesMs) {
        if (latenciesMs.isEmpty()) {
            return NONE;
        }
        return new LatencySummary(latenciesMs.size(), PipelineMonitor.percentile(latenciesMs, 50),
                PipelineMonitor.percentile(latenciesMs, 95), PipelineMonitor.percentile(latenciesMs, 99));
    }
}
