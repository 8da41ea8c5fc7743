package org.codaasr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.codaasr.model.wer.WerCalculator;
import org.junit.jupiter.api.Test;

/** Corpus and per-speaker figures, against counts worked out by hand. */
class EvalReportTest {

    private static UtteranceResult u(String id, String speaker, String ref, String hyp, double audio, double cpu) {
        return new UtteranceResult(id, speaker, ref, hyp, WerCalculator.compare(ref, hyp), audio, cpu);
    }

    @Test
    void speakerRowsCarryTheirOwnCountsAndRtf() {
        EvalReport r = EvalReport.of("m", "greedy", List.of(
                u("1", "11", "THE CAT SAT", "THE BAT SAT", 2.0, 0.2),        // 1 sub
                u("2", "11", "ON THE MAT", "ON MAT", 2.0, 0.2),              // 1 del
                u("3", "22", "HELLO WORLD", "HELLO BIG WORLD", 4.0, 0.1)));  // 1 ins
        EvalReport.SpeakerFigures a = r.speakers().get("11");
        assertEquals(6, a.words());
        assertEquals(4, a.correct());
        assertEquals(1, a.substitutions());
        assertEquals(1, a.deletions());
        assertEquals(0, a.insertions());
        assertEquals(100.0 * 2 / 6, a.wer(), 1e-9);
        assertEquals(0.1, a.rtf(), 1e-9);
        EvalReport.SpeakerFigures b = r.speakers().get("22");
        assertEquals(1, b.insertions());
        assertEquals(50.0, b.wer(), 1e-9);
        assertEquals(100.0 * 3 / 8, r.wer(), 1e-9);
        String table = r.summary();
        assertTrue(table.lines().anyMatch(l -> l.matches("11\\s+2\\s+6\\s+4\\s+1\\s+1\\s+0\\s+33\\.33\\s+0\\.1000")),
                table);
    }
}
