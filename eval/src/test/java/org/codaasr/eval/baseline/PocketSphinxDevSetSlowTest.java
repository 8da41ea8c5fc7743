package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.codaasr.eval.EvalReport;
import org.codaasr.eval.UtteranceResult;
import org.codaasr.model.corpus.AudioItem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Three dev utterances through pocketsphinx with two processes (about 20 s of audio). */
@Tag("slow")
class PocketSphinxDevSetSlowTest {

    @Test
    void threeDevUtterancesScoreBelowOneHundredPercent() {
        DevSet.assumePocketSphinx();
        List<AudioItem> three = DevSet.all().subList(0, 3);
        List<String> seen = new ArrayList<>();
        EvalReport report;
        try (PocketSphinxRecognizer recognizer = new PocketSphinxRecognizer(PocketSphinxConfig.defaults())) {
            report = new PocketSphinxEvaluator(recognizer).evaluate(three, r -> seen.add(r.id()));
        }
        assertEquals(three.stream().map(AudioItem::utteranceId).toList(), seen, "results come back in input order");
        assertEquals(3, report.utterances());
        for (UtteranceResult r : report.details()) {
            assertFalse(r.hypothesis().isBlank(), r.id() + " has an empty hypothesis");
            assertTrue(r.processingSeconds() > 0, r.id());
        }
        assertTrue(report.wer() < 100, "WER " + report.wer());
        assertTrue(report.rtf() > 0);
    }
}
