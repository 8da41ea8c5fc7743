package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.codaasr.eval.EvalReport;
import org.codaasr.eval.UtteranceResult;
import org.codaasr.model.wer.WerCalculator;
import org.junit.jupiter.api.Test;

/** Tallies and tables over hand-written hypotheses scored by the real WER calculator. */
class BaselineReportTest {

    private static final String[] REFS = {"THE CAT SAT ON THE MAT", "A B C D", "HELLO WORLD"};

    private static SystemRun run(String system, String... hyps) {
        List<UtteranceResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < hyps.length; i++) {
            results.add(new UtteranceResult("u" + i, "spk", REFS[i], hyps[i], WerCalculator.compare(REFS[i], hyps[i]),
                    2.0, 0.5));
        }
        return new SystemRun(system, EvalReport.of(system + " model", "test decoding", results), 1.5);
    }

    private static BaselineReport bothSystems() {
        SystemRun ours = run("coda-asr", "THE CAT SAT ON THE MAT", "A B X D", "HELLO WORLD");
        SystemRun ps = run("pocketsphinx", "THE CAT SAT IN A HAT", "A B C D", "HELLO WORLD");
        return new BaselineReport(ours, null, ps);
    }

    @Test
    void talliesWhoWinsEachUtterance() {
        BaselineReport.Tally t = bothSystems().tally();
        assertEquals(new BaselineReport.Tally(1, 1, 1, 1), t);
    }

    @Test
    void largestDisagreementsComeFirstAndTiesAreLeftOut() {
        List<UtteranceComparison> worst = bothSystems().largestDisagreements(5);
        assertEquals(List.of("u0", "u1"), worst.stream().map(UtteranceComparison::id).toList());
        assertEquals(3, worst.get(0).errorGap());
        assertEquals(-1, worst.get(1).errorGap());
    }

    @Test
    void textAndMarkdownShowBothRowsAndTheDisagreements() {
        BaselineReport report = bothSystems();
        String text = BaselineTables.text(report, 1);
        assertTrue(text.contains("coda-asr") && text.contains("pocketsphinx"), text);
        assertTrue(text.contains("ours better on 1, pocketsphinx better on 1, equal errors on 1"), text);
        assertTrue(text.contains("PS:   THE CAT SAT IN A HAT"), text);
        assertTrue(!text.contains("A B X D"), "top 1 shows only the largest gap:\n" + text);
        String md = BaselineTables.markdown(report, 5);
        assertTrue(md.startsWith("| system |"), md);
        assertTrue(md.contains("| coda-asr | coda-asr model | test decoding | 3 | 12 | 1 | 0 | 0 | 8.33 |"), md);
        assertTrue(md.contains("| pocketsphinx | pocketsphinx model | test decoding | 3 | 12 | 3 | 0 | 0 | 25.00 |"),
                md);
    }

    @Test
    void withoutOurModelThereIsOnlyThePocketSphinxRowAndTheReason() {
        SystemRun ps = run("pocketsphinx", "THE CAT SAT IN A HAT", "A B C D", "HELLO WORLD");
        BaselineReport report = new BaselineReport(null, "our model is missing: expected x/model.onnx", ps);
        assertEquals(1, report.systems().size());
        assertEquals(List.of(), report.comparisons());
        String text = BaselineTables.text(report, 5);
        assertTrue(!text.contains("coda-asr"), text);
        assertTrue(text.contains("our model is missing: expected x/model.onnx"), text);
        Map<String, Object> json = report.toJson();
        assertEquals("our model is missing: expected x/model.onnx", json.get("ours_missing"));
        assertEquals(1, ((List<?>) json.get("systems")).size());
    }

    @Test
    void rejectsBothOrNeitherOfOurRunAndTheReason() {
        SystemRun ps = run("pocketsphinx", "A", "B", "C");
        assertThrows(IllegalArgumentException.class, () -> new BaselineReport(null, null, ps));
        assertThrows(IllegalArgumentException.class, () -> new BaselineReport(ps, "missing", ps));
        SystemRun shorter = run("coda-asr", "A", "B");
        assertThrows(IllegalArgumentException.class, () -> new BaselineReport(shorter, null, ps));
    }
}
