package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerRecord;
import org.codaasr.streams.PipelineMonitor;
import org.junit.jupiter.api.Test;

class LoadStepTest {

    private static LoadRecorder.Segment segment(int codaR, long fromMs, long toMs) {
        return new LoadRecorder.Segment("s", codaR, (toMs - fromMs) / 1000.0, fromMs, toMs, 100);
    }

    @Test
    void eachIntervalCountsTheAudioCapturedInItByTheVariantOfItsSegment() {
        // dense 0-1500 ms, r=4 from 1500 to 3000 ms; a second stream dense over 2000-3000 ms
        List<LoadRecorder.Segment> segments = List.of(segment(0, 0, 1500), segment(4, 1500, 3000),
                segment(0, 2000, 3000));
        double[] shares = LoadStep.cheaperShares(segments, 0, 1000, 4);
        assertEquals(0.0, shares[0], 1e-12);
        assertEquals(0.5, shares[1], 1e-12);
        assertEquals(0.5, shares[2], 1e-12); // 1000 ms of r=4 against 1000 ms of dense
        assertTrue(Double.isNaN(shares[3]), "no audio after 3 s");
    }

    @Test
    void theReactionEndsWithTheFirstIntervalThatIsHalfCheaper() {
        assertEquals(3000, LoadStep.reactionMs(new double[] {0.0, 0.2, 0.5, 0.9}, 1000, 0.5));
        assertEquals(-1, LoadStep.reactionMs(new double[] {0.0, Double.NaN, 0.4}, 1000, 0.5));
    }

    @Test
    void theRecorderKeepsFinalsWithTheirVariantAndScoresTheWerOfTheSelectedStreams() {
        LoadRecorder recorder = new LoadRecorder();
        long now = System.currentTimeMillis();
        recorder.accept(new PipelineMonitor.TranscriptEvent(new Transcript("a", "a", 0, true, "x", List.of(), "m", 4,
                0.0, 2.0, 300, now, false)));
        recorder.accept(new PipelineMonitor.TranscriptEvent(new Transcript("b", "b", 0, true, "y", List.of(), "m", 0,
                1.0, 4.0, 300, now, false)));
        recorder.accept(new PipelineMonitor.TranscriptEvent(new Transcript("b", "b", 1, false, "y z", List.of(), "m",
                0, 4.0, 5.0, 300, now, false))); // a partial: not decoded audio yet
        recorder.accept(new PipelineMonitor.WerEvent(new WerRecord("run", "a", null, 10, 1, 1, 0, 0.2, "r", "h")));
        recorder.accept(new PipelineMonitor.WerEvent(new WerRecord("run", "b", null, 30, 2, 0, 1, 0.1, "r", "h")));
        recorder.accept(new PipelineMonitor.WerEvent(new WerRecord("run", "c", null, 5, 5, 0, 0, 1.0, "r", "h")));
        Map<Integer, Double> seconds = recorder.audioSecondsByCodaR(id -> !id.equals("c"));
        assertEquals(Map.of(0, 3.0, 4, 2.0), seconds);
        assertEquals(Map.of(0, 0.6, 4, 0.4), LoadRecorder.shares(seconds));
        LoadRecorder.Wer wer = recorder.wer(id -> !id.equals("c"));
        assertEquals(2, wer.scored());
        assertEquals(100.0 * 5 / 40, wer.percent(), 1e-12);
        LoadRecorder.Segment a = recorder.segments("a"::equals).get(0);
        assertArrayEquals(new long[] {now - 300 - 2000, now - 300}, new long[] {a.capturedFromMs(), a.capturedToMs()});
    }
}
