package org.codaasr.eval.baseline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.codaasr.eval.EvalReport;
import org.codaasr.eval.UtteranceResult;

/**
 * Our recognizer and pocketsphinx on the same utterances. {@code ours} is null exactly when our model could not be
 * found, and then {@code oursMissing} says what was expected; there is never a placeholder row.
 */
public record BaselineReport(SystemRun ours, String oursMissing, SystemRun pocketsphinx) {

    public BaselineReport {
        if (pocketsphinx == null) {
            throw new IllegalArgumentException("the pocketsphinx run is required");
        }
        if ((ours == null) == (oursMissing == null)) {
            throw new IllegalArgumentException("give either our system's run or the reason it is missing, not both");
        }
        if (ours != null && ours.report().utterances() != pocketsphinx.report().utterances()) {
            throw new IllegalArgumentException("both systems must see the same utterances: " + ours.report()
                    .utterances() + " vs " + pocketsphinx.report().utterances());
        }
    }

    public Optional<SystemRun> oursRun() {
        return Optional.ofNullable(ours);
    }

    /** The runs that exist, ours first. */
    public List<SystemRun> systems() {
        return ours == null ? List.of(pocketsphinx) : List.of(ours, pocketsphinx);
    }

    /** Per-utterance pairs in input order; empty without our system. */
    public List<UtteranceComparison> comparisons() {
        if (ours == null) {
            return List.of();
        }
        List<UtteranceResult> a = ours.report().details();
        List<UtteranceResult> b = pocketsphinx.report().details();
        List<UtteranceComparison> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            UtteranceResult o = a.get(i);
            UtteranceResult p = b.get(i);
            if (!o.id().equals(p.id())) {
                throw new IllegalStateException("utterance order differs at " + i + ": " + o.id() + " vs " + p.id());
            }
            out.add(new UtteranceComparison(o.id(), o.reference(), o.wer().referenceWords(), o.hypothesis(),
                    o.wer().errors(), p.hypothesis(), p.wer().errors()));
        }
        return out;
    }

    /** Counts of utterances where each system made fewer errors, equal errors, and identical hypotheses. */
    public record Tally(int oursBetter, int pocketsphinxBetter, int equalErrors, int identicalHypotheses) {}

    public Tally tally() {
        int ours = 0;
        int ps = 0;
        int equal = 0;
        int identical = 0;
        for (UtteranceComparison c : comparisons()) {
            if (c.errorGap() > 0) {
                ours++;
            } else if (c.errorGap() < 0) {
                ps++;
            } else {
                equal++;
            }
            if (c.sameHypothesis()) {
                identical++;
            }
        }
        return new Tally(ours, ps, equal, identical);
    }

    /** The {@code n} utterances where the two systems' error counts differ most (ties: input order). */
    public List<UtteranceComparison> largestDisagreements(int n) {
        return comparisons().stream()
                .filter(c -> c.errorGap() != 0)
                .sorted(Comparator.comparingInt((UtteranceComparison c) -> -Math.abs(c.errorGap())))
                .limit(n)
                .toList();
    }

    /** Everything as plain maps and lists, ready for a JSON writer. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("utterances", pocketsphinx.report().utterances());
        List<Map<String, Object>> systems = new ArrayList<>();
        for (SystemRun run : systems()) {
            systems.add(systemJson(run));
        }
        m.put("systems", systems);
        m.put("ours_missing", oursMissing);
        if (ours != null) {
            Tally t = tally();
            Map<String, Object> tally = new LinkedHashMap<>();
            tally.put("ours_better", t.oursBetter());
            tally.put("pocketsphinx_better", t.pocketsphinxBetter());
            tally.put("equal_errors", t.equalErrors());
            tally.put("identical_hypotheses", t.identicalHypotheses());
            m.put("per_utterance_tally", tally);
        }
        List<Map<String, Object>> utterances = new ArrayList<>();
        List<UtteranceResult> ps = pocketsphinx.report().details();
        for (int i = 0; i < ps.size(); i++) {
            UtteranceResult p = ps.get(i);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("id", p.id());
            u.put("reference", p.reference());
            u.put("words", p.wer().referenceWords());
            if (ours != null) {
                UtteranceResult o = ours.report().details().get(i);
                u.put("ours_hypothesis", o.hypothesis());
                u.put("ours_errors", o.wer().errors());
            }
            u.put("pocketsphinx_hypothesis", p.hypothesis());
            u.put("pocketsphinx_errors", p.wer().errors());
            utterances.add(u);
        }
        m.put("per_utterance", utterances);
        return m;
    }

    private static Map<String, Object> systemJson(SystemRun run) {
        EvalReport r = run.report();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("system", run.system());
        s.put("model", r.model());
        s.put("decoding", r.decoding());
        s.put("utterances", r.utterances());
        s.put("words", r.words());
        s.put("correct", r.correct());
        s.put("substitutions", r.substitutions());
        s.put("deletions", r.deletions());
        s.put("insertions", r.insertions());
        s.put("wer", r.wer());
        s.put("rtf", r.rtf());
        s.put("audio_seconds", r.audioSeconds());
        s.put("processing_seconds", r.processingSeconds());
        s.put("wall_seconds", run.wallSeconds());
        return s;
    }
}
