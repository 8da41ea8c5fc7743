package org.codaasr.model.recognizer;

import java.util.List;
import org.codaasr.model.onnx.CodaVariant;

/**
 * Load-adaptive CoDA routing: each stream moves between reduction factors from its measured lag, so an overloaded
 * instance spends less encoder work per frame and keeps real time instead of falling behind, then returns to the more
 * accurate setting once it has caught up.
 *
 * @param levels variants to move between, most accurate first (e.g. adapter, r=2, r=4, r=8); empty = off
 * @param raiseLagSeconds a stream whose lag exceeds this moves one level up (cheaper)
 * @param lowerLagSeconds a stream whose lag falls below this moves one level down (more accurate)
 * @param holdWindows encoder windows a stream stays at a level before it may move again (hysteresis)
 */
public record AdaptiveRouting(List<CodaVariant> levels, double raiseLagSeconds, double lowerLagSeconds, int holdWindows) {

    public AdaptiveRouting {
        levels = List.copyOf(levels);
        for (int i = 1; i < levels.size(); i++) {
            if (levels.get(i).reductionFactor() <= levels.get(i - 1).reductionFactor()) {
                throw new IllegalArgumentException("levels must rise from the most accurate to the cheapest, got "
                        + levels);
            }
        }
        if (!levels.isEmpty() && !(lowerLagSeconds >= 0 && lowerLagSeconds < raiseLagSeconds)) {
            throw new IllegalArgumentException("need 0 <= lowerLagSeconds < raiseLagSeconds, got " + lowerLagSeconds
                    + " and " + raiseLagSeconds);
        }
        if (holdWindows < 0) {
            throw new IllegalArgumentException("holdWindows must be >= 0, got " + holdWindows);
        }
    }

    /**
     * Default thresholds: raise above 0.4 s of lag, lower below 0.1 s. Measured with {@code asr bench pipeline}
     * (10-layer model, 32 real-time streams on 2 cores): with 1.0 / 0.25 s streams moved only once they were a
     * second behind and the final-latency p95 stayed near 1.5 s; with 0.4 / 0.1 s the load held (p95 0.72 s).
     */
    public static final double DEFAULT_RAISE_LAG_SECONDS = 0.4;
    public static final double DEFAULT_LOWER_LAG_SECONDS = 0.1;

    /**
     * Segments shorten while a stream waits to move to a cheaper level: a stream changes variant only where a
     * segment ends, and a segment otherwise ends only after the streaming config's trailing silence (1 s) or maximum
     * length (25 s), so under a load step most streams would keep the expensive level for seconds. While a cheaper
     * level is pending, a segment ends at a pause of this many seconds after its last token ...
     */
    public static final double SWITCH_PAUSE_SECONDS = 0.3;

    /** ... or, without such a pause, once it holds this many seconds of audio (measured: see the README of
     * eval/results/coda-streaming). */
    public static final double SWITCH_MAX_SEGMENT_SECONDS = 4.0;

    /** Fixed routing: every stream keeps the configured variant. */
    public static AdaptiveRouting off() {
        return new AdaptiveRouting(List.of(), DEFAULT_RAISE_LAG_SECONDS, DEFAULT_LOWER_LAG_SECONDS, 4);
    }

    /** Adaptive over {@code levels} with the default thresholds. */
    public static AdaptiveRouting over(List<CodaVariant> levels) {
        return new AdaptiveRouting(levels, DEFAULT_RAISE_LAG_SECONDS, DEFAULT_LOWER_LAG_SECONDS, 4);
    }

    public boolean enabled() {
        return levels.size() > 1;
    }

    /** True when {@code to} is a level after {@code from}: cheaper. */
    public boolean isCheaper(CodaVariant to, CodaVariant from) {
        return levels.indexOf(to) > levels.indexOf(from);
    }

    /**
     * The level a stream at {@code current} should use given its lag: one step up when the lag is above the raise
     * threshold, one step down when below the lower threshold, unchanged otherwise. A pure function.
     */
    public CodaVariant next(CodaVariant current, double lagSeconds) {
        int i = levels.indexOf(current);
        if (i < 0) {
            return levels.isEmpty() ? current : levels.get(0);
        }
        if (lagSeconds > raiseLagSeconds && i + 1 < levels.size()) {
            return levels.get(i + 1);
        }
        if (lagSeconds < lowerLagSeconds && i > 0) {
            return levels.get(i - 1);
        }
        return current;
    }
}
