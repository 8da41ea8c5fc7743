package org.codaasr.eval.bench;

import java.util.Locale;

/**
 * The CoDA bar: the r=4 model must run its encoder at least {@link #MIN_SPEEDUP} times faster than the parallel
 * adapter while its WER stays within {@link #MAX_RELATIVE_WER_INCREASE} (relative) of the adapter's.
 *
 * @param status PASS, FAIL, or SKIP when the folder lacks the r=4 model or the adapter
 * @param threads intra-op thread count whose timing the speed-up uses
 * @param speedup adapter time over r=4 time (NaN when skipped)
 * @param codaWerPercent WER of the r=4 model (NaN when skipped)
 * @param adapterWerPercent WER of the adapter (NaN when skipped)
 */
public record BenchVerdict(Status status, int threads, double speedup, double codaWerPercent,
        double adapterWerPercent) {

    public static final double MIN_SPEEDUP = 2.0;
    public static final double MAX_RELATIVE_WER_INCREASE = 0.10;

    /** Outcome of the bar. */
    public enum Status { PASS, FAIL, SKIP }

    /** Applies the bar to the figures of the r=4 model and the adapter at {@code threads} threads. */
    public static BenchVerdict judge(VariantResult coda, VariantResult adapter, int threads) {
        if (coda == null || adapter == null || !coda.speedupVsAdapter().containsKey(threads)) {
            return new BenchVerdict(Status.SKIP, threads, Double.NaN, Double.NaN, Double.NaN);
        }
        double speedup = coda.speedupVsAdapter().get(threads);
        boolean fast = speedup >= MIN_SPEEDUP;
        boolean accurate = coda.werPercent() <= adapter.werPercent() * (1 + MAX_RELATIVE_WER_INCREASE);
        return new BenchVerdict(fast && accurate ? Status.PASS : Status.FAIL, threads, speedup, coda.werPercent(),
                adapter.werPercent());
    }

    /** One line for the console and the report. */
    public String line() {
        if (status == Status.SKIP) {
            return "BAR SKIP: needs both model.coda-r4.onnx and model.adapter.onnx in the model folder";
        }
        return String.format(Locale.ROOT,
                "BAR %s: CoDA r=4 speed-up %.2fx vs parallel adapter (%d thread%s; need >= %.1fx), WER %.2f%% vs "
                        + "%.2f%% (%+.1f%% relative; need <= +%.0f%%)",
                status, speedup, threads, threads == 1 ? "" : "s", MIN_SPEEDUP, codaWerPercent, adapterWerPercent,
                adapterWerPercent == 0 ? 0.0 : 100 * (codaWerPercent / adapterWerPercent - 1),
                100 * MAX_RELATIVE_WER_INCREASE);
    }
}
