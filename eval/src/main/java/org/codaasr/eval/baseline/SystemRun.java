package org.codaasr.eval.baseline;

import org.codaasr.eval.EvalReport;

/**
 * One system's pass over the benchmark utterances.
 *
 * @param system      short label used in tables ("coda-asr", "pocketsphinx")
 * @param report      its scored results
 * @param wallSeconds wall-clock time of the whole pass (differs from the summed processing time when pocketsphinx
 *                    runs two processes at once)
 */
public record SystemRun(String system, EvalReport report, double wallSeconds) {

    public SystemRun {
        if (system == null || system.isBlank() || report == null) {
            throw new IllegalArgumentException("a system run needs a label and a report");
        }
        if (wallSeconds < 0) {
            throw new IllegalArgumentException("wallSeconds must be >= 0, got " + wallSeconds);
        }
    }
}
