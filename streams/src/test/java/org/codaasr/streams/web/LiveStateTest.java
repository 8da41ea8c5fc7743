package org.codaasr.streams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.streams.web.StreamView.Segment;
import org.junit.jupiter.api.Test;

class LiveStateTest {

    static Transcript partial(String stream, long segment, String text, double end, long at) {
        return new Transcript(stream, "utt-" + stream, segment, false, text, List.of(), "m", 0, 0, end, 40, at, false);
    }

    static Transcript fin(String stream, long segment, String text, long latencyMs, long at) {
        return new Transcript(stream, "utt-" + stream, segment, true, text, List.of(), "m", 4, 0, segment + 1.0,
                latencyMs, at, false);
    }

    static Transcript complete(String stream, long segments, String text, long at) {
        return new Transcript(stream, "utt-" + stream, segments, true, text, List.of(), "m", 4, 0, segments,
                0, at, true);
    }

    static DeadLetter deadLetter(long offset, String reason) {
        return new DeadLetter("asr.audio", 0, offset, "s" + offset, reason, "validation",
                "raw".getBytes(StandardCharsets.UTF_8), 1_000 + offset);
    }

    @Test
    void partialsGiveWayToFinalsAndTheClosingRecordMarksTheStreamComplete() {
        LiveState state = new LiveState();
        state.add(partial("s1", 0, "HELLO", 0.5, 100));
        StreamView view = state.snapshot().streams().get(0);
        assertEquals(new Segment(0, "HELLO"), view.partial());
        assertEquals(List.of(), view.finals());
        assertNull(view.lastFinalLatencyMs());

        state.add(fin("s1", 0, "HELLO WORLD", 180, 200));
        state.add(partial("s1", 0, "HELLO WOR", 0.9, 210)); // a late partial of a finalized segment is ignored
        state.add(partial("s1", 1, "HOW", 1.4, 300));
        view = state.snapshot().streams().get(0);
        assertEquals(List.of(new Segment(0, "HELLO WORLD")), view.finals());
        assertEquals(new Segment(1, "HOW"), view.partial());
        assertEquals(180L, view.lastFinalLatencyMs());
        assertEquals(1.4, view.audioSeconds(), 1e-9);
        assertFalse(view.complete());

        state.add(fin("s1", 1, "HOW ARE YOU", 95, 400));
        state.add(complete("s1", 2, "HELLO WORLD HOW ARE YOU", 410));
        view = state.snapshot().streams().get(0);
        assertEquals(List.of(new Segment(0, "HELLO WORLD"), new Segment(1, "HOW ARE YOU")), view.finals());
        assertNull(view.partial());
        assertEquals(95L, view.lastFinalLatencyMs(), "latency of the last final, not of the closing record");
        assertTrue(view.complete());
        assertEquals("utt-s1", view.utteranceId());
        assertEquals(100, view.firstSeenMs());
        assertEquals(410, view.updatedAtMs());
        assertEquals(6, state.snapshot().transcripts());
    }

    @Test
    void finalsStayInSegmentOrderAndAReplayedFinalReplacesItsCopy() {
        LiveState state = new LiveState();
        state.add(fin("s", 2, "C", 1, 1));
        state.add(fin("s", 0, "A", 1, 2));
        state.add(fin("s", 1, "B", 1, 3));
        state.add(fin("s", 1, "B2", 7, 4));
        StreamView view = state.stream("s");
        assertEquals(List.of(new Segment(0, "A"), new Segment(1, "B2"), new Segment(2, "C")), view.finals());
        assertEquals(7L, view.lastFinalLatencyMs());
    }

    @Test
    void closingRecordStandsInForFinalsThatWereNeverSeen() {
        LiveState state = new LiveState();
        state.add(complete("late", 3, "ALL THE TEXT", 5));
        assertEquals(List.of(new Segment(3, "ALL THE TEXT")), state.stream("late").finals());
        assertTrue(state.stream("late").complete());
    }

    @Test
    void keepsOnlyTheMostRecentlyUpdatedStreams() {
        LiveState state = new LiveState(3);
        for (int i = 0; i < 3; i++) {
            state.add(partial("s" + i, 0, "X", 0.1, i));
        }
        state.add(partial("s0", 0, "Y", 0.2, 10)); // s0 becomes the freshest, s1 the stalest
        state.add(partial("s3", 0, "Z", 0.1, 11));
        LiveSnapshot snapshot = state.snapshot();
        assertEquals(List.of("s3", "s0", "s2"), snapshot.streams().stream().map(StreamView::streamId).toList());
        assertNull(state.stream("s1"));
        assertEquals(3, snapshot.maxStreams());
        assertThrows(IllegalArgumentException.class, () -> new LiveState(0));
    }

    @Test
    void finalsPerStreamAreBounded() {
        LiveState state = new LiveState();
        int extra = 5;
        for (int i = 0; i < StreamView.MAX_FINALS + extra; i++) {
            state.add(fin("mic", i, "W" + i, 1, i));
        }
        List<Segment> finals = state.stream("mic").finals();
        assertEquals(StreamView.MAX_FINALS, finals.size());
        assertEquals(extra, finals.get(0).segment());
        assertEquals("W" + (StreamView.MAX_FINALS + extra - 1), finals.get(finals.size() - 1).text());
    }

    @Test
    void werAggregatesAreSplitIntoRunsAndSpeakersAndReplacedByNewerOnes() {
        LiveState state = new LiveState();
        state.add(new WerAggregate("r1", WerAggregate.RUN_SCOPE, 1, 10, 2, 20.0));
        state.add(new WerAggregate("r1", WerAggregate.speakerScope("1688"), 1, 10, 2, 20.0));
        state.add(new WerAggregate("r1", WerAggregate.speakerScope("116"), 1, 4, 0, 0.0));
        WerAggregate latestRun = new WerAggregate("r1", WerAggregate.RUN_SCOPE, 2, 14, 2, 100.0 * 2 / 14);
        state.add(latestRun);
        LiveSnapshot snapshot = state.snapshot();
        assertEquals(List.of(latestRun), snapshot.runs());
        assertEquals(List.of("speaker:116", "speaker:1688"),
                snapshot.speakers().stream().map(WerAggregate::scope).toList());
    }

    @Test
    void countsDeadLettersAndKeepsTheLatestReasonsNewestFirst() {
        LiveState state = new LiveState();
        int total = LiveState.LATEST_DEAD_LETTERS + 3;
        for (int i = 0; i < total; i++) {
            state.add(deadLetter(i, "reason " + i));
        }
        state.addUnreadable();
        LiveSnapshot snapshot = state.snapshot();
        assertEquals(total, snapshot.deadLetters());
        assertEquals(LiveState.LATEST_DEAD_LETTERS, snapshot.latestDeadLetters().size());
        DeadLetterView newest = snapshot.latestDeadLetters().get(0);
        assertEquals("reason " + (total - 1), newest.reason());
        assertEquals(3, newest.originalBytes());
        assertEquals("s" + (total - 1), newest.key());
        assertEquals(1, snapshot.unreadable());
    }

    @Test
    void snapshotIsDetachedFromLaterUpdates() {
        LiveState state = new LiveState();
        state.add(partial("s", 0, "A", 0.1, 1));
        LiveSnapshot before = state.snapshot();
        state.add(fin("s", 0, "AB", 1, 2));
        assertEquals(new Segment(0, "A"), before.streams().get(0).partial());
        assertEquals(List.of(), before.streams().get(0).finals());
        assertThrows(IllegalArgumentException.class, () -> StreamView.empty("x", 0).with(partial("y", 0, "", 0, 0)));
    }

    @Test
    void latencyPercentilesCoverTheLatestFinalsAndPartialsApart() {
        LiveState state = new LiveState();
        for (int i = 1; i <= 100; i++) {
            state.add(fin("s" + i, 0, "W", i * 10L, i));
        }
        state.add(partial("s1", 1, "P", 1.5, 500));
        state.add(complete("s2", 1, "W", 600));
        LiveSnapshot snap = state.snapshot();
        assertEquals(new LatencySummary(100, 500, 950, 990), snap.finalLatency());
        assertEquals(new LatencySummary(1, 40, 40, 40), snap.partialLatency(), "the closing record is neither");
        assertEquals(99, snap.liveStreams());
        assertEquals(40L, snap.streams().stream().filter(v -> v.streamId().equals("s1")).findFirst().orElseThrow()
                .lagMs(), "the lag follows the newest result");
        for (int i = 0; i < LiveState.LATENCY_WINDOW; i++) {
            state.add(fin("late", i, "W", 7, 1_000 + i));
        }
        assertEquals(new LatencySummary(LiveState.LATENCY_WINDOW, 7, 7, 7), state.snapshot().finalLatency(),
                "only the latest window counts");
        assertEquals(LatencySummary.NONE, new LiveState().snapshot().finalLatency());
    }
}
