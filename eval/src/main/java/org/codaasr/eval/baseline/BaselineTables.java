package org.codaasr.eval.baseline;

import java.util.List;
import org.codaasr.eval.EvalReport;

/** Renders a {@link BaselineReport} as a terminal table or as Markdown. */
public final class BaselineTables {

    private BaselineTables() {
    }

    /** Side-by-side table, per-utterance tally and the {@code top} largest disagreements. */
    public static String text(BaselineReport report, int top) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-14s %5s %6s %6s %6s %6s %7s %7s %8s%n", "SYSTEM", "#Utt", "#Wrd", "Sub", "Del",
                "Ins", "WER%", "RTF", "wall s"));
        for (SystemRun run : report.systems()) {
            EvalReport r = run.report();
            sb.append(String.format("%-14s %5d %6d %6d %6d %6d %7.2f %7.3f %8.1f%n", run.system(), r.utterances(),
                    r.words(), r.substitutions(), r.deletions(), r.insertions(), r.wer(), r.rtf(),
                    run.wallSeconds()));
        }
        for (SystemRun run : report.systems()) {
            sb.append(String.format("  %s: %s; %s%n", run.system(), run.report().model(), run.report().decoding()));
        }
        sb.append(String.format("  RTF = summed per-utterance processing time / audio time (pocketsphinx: includes "
                + "process start and model load per file); wall s = elapsed time of the whole pass%n"));
        if (report.oursMissing() != null) {
            sb.append(report.oursMissing()).append(System.lineSeparator());
            return sb.toString();
        }
        BaselineReport.Tally t = report.tally();
        sb.append(String.format("per utterance: ours better on %d, pocketsphinx better on %d, equal errors on %d; "
                + "identical hypotheses on %d%n", t.oursBetter(), t.pocketsphinxBetter(), t.equalErrors(),
                t.identicalHypotheses()));
        List<UtteranceComparison> worst = report.largestDisagreements(top);
        if (!worst.isEmpty()) {
            sb.append(String.format("largest disagreements (errors ours / pocketsphinx):%n"));
        }
        for (UtteranceComparison c : worst) {
            sb.append(String.format("  %s  %d / %d of %d words%n", c.id(), c.oursErrors(), c.pocketsphinxErrors(),
                    c.words()));
            sb.append(String.format("    REF:  %s%n    OURS: %s%n    PS:   %s%n", c.reference(), c.oursHypothesis(),
                    c.pocketsphinxHypothesis()));
        }
        return sb.toString();
    }

    /** The same content as GitHub-flavoured Markdown. */
    public static String markdown(BaselineReport report, int top) {
        StringBuilder sb = new StringBuilder();
        sb.append("| system | model | decoding | utterances | words | S | D | I | WER % | RTF | wall s |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SystemRun run : report.systems()) {
            EvalReport r = run.report();
            sb.append(String.format("| %s | %s | %s | %d | %d | %d | %d | %d | %.2f | %.3f | %.1f |%n", run.system(),
                    cell(r.model()), cell(r.decoding()), r.utterances(), r.words(), r.substitutions(), r.deletions(),
                    r.insertions(), r.wer(), r.rtf(), run.wallSeconds()));
        }
        sb.append("\nRTF is summed per-utterance processing time over audio time (for pocketsphinx it includes starting "
                + "the process and loading the model for every file); wall s is the elapsed time of the whole pass.\n\n");
        if (report.oursMissing() != null) {
            sb.append("**").append(cell(report.oursMissing())).append("**\n");
            return sb.toString();
        }
        BaselineReport.Tally t = report.tally();
        sb.append(String.format("Per utterance: ours better on %d, pocketsphinx better on %d, equal errors on %d; "
                + "identical hypotheses on %d.%n", t.oursBetter(), t.pocketsphinxBetter(), t.equalErrors(),
                t.identicalHypotheses()));
        List<UtteranceComparison> worst = report.largestDisagreements(top);
        if (!worst.isEmpty()) {
            sb.append("\n| utterance | words | errors ours | errors pocketsphinx | reference | ours | pocketsphinx |\n");
            sb.append("|---|---:|---:|---:|---|---|---|\n");
            for (UtteranceComparison c : worst) {
                sb.append(String.format("| %s | %d | %d | %d | %s | %s | %s |%n", c.id(), c.words(), c.oursErrors(),
                        c.pocketsphinxErrors(), cell(c.reference()), cell(c.oursHypothesis()),
                        cell(c.pocketsphinxHypothesis())));
            }
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
