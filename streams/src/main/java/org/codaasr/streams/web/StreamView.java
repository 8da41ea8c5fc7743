package org.codaasr.streams.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.codaasr.messages.Transcript;

/**
 * What the live view shows of one stream: its finals in segment order, the latest partial that is newer than every
 * final, and the latency of the last final. Immutable; {@link #with(Transcript)} returns the updated view.
 *
 * @param streamId           the stream
 * @param utteranceId        utterance id when known; may be null
 * @param model              model label of the last transcript
 * @param codaR              CoDA routing budget of the last transcript (0 = dense)
 * @param finals             final segments, ascending by segment, at most {@link #MAX_FINALS}
 * @param partial            latest partial hypothesis not yet covered by a final; null when there is none
 * @param lastFinalLatencyMs latency of the most recent final; null before the first final
 * @param lagMs              latency of the most recent transcript of any kind: how far the stream's results trail
 *                           its audio
 * @param audioSeconds       end of the audio covered so far, seconds from stream start
 * @param complete           true once the stream-closing transcript arrived
 * @param firstSeenMs        creation time of the first transcript seen, epoch ms
 * @param updatedAtMs        creation time of the latest transcript seen, epoch ms
 */
public record StreamView(String streamId, String utteranceId, String model, int codaR, List<Segment> finals,
                         Segment partial, Long lastFinalLatencyMs, long lagMs, double audioSeconds, boolean complete,
                         long firstSeenMs, long updatedAtMs) {

    /** Finals kept per stream; a long microphone stream drops its oldest ones. */
    public static final int MAX_FINALS = 200;

    public StreamView {
        Objects.requireNonNull(streamId, "streamId");
        finals = List.copyOf(finals);
    }

    /**
     * One piece of hypothesis text.
     *
     * @param segment 0-based segment index within the stream
     * @param text    hypothesis text
     * @param words   its words with times from stream start and confidence; empty when not computed
     */
    public record Segment(long segment, String text, List<Transcript.Word> words) {

        public Segment {
            Objects.requireNonNull(text, "text");
            words = words == null ? List.of() : List.copyOf(words);
        }

        public Segment(long segment, String text) {
            this(segment, text, List.of());
        }

        static Segment of(Transcript t) {
            return new Segment(t.segment(), t.text(), t.words());
        }
    }

    /** The view of a stream before any transcript. */
    public static StreamView empty(String streamId, long firstSeenMs) {
        return new StreamView(streamId, null, null, 0, List.of(), null, null, 0, 0, false, firstSeenMs,
                firstSeenMs);
    }

    /** This view with {@code t} (a transcript of this stream) applied. */
    public StreamView with(Transcript t) {
        if (!t.streamId().equals(streamId)) {
            throw new IllegalArgumentException("expected a transcript of stream " + streamId + ", got " + t.streamId());
        }
        String utterance = t.utteranceId() != null ? t.utteranceId() : utteranceId;
        double audio = Math.max(audioSeconds, t.audioEndSeconds());
        long updated = Math.max(updatedAtMs, t.createdAtMs());
        if (t.streamComplete()) {
            // the closing record repeats every final joined; show it only when the finals themselves were missed
            List<Segment> shown = finals.isEmpty() && !t.text().isBlank() ? List.of(Segment.of(t)) : finals;
            return new StreamView(streamId, utterance, t.model(), t.codaR(), shown, null, lastFinalLatencyMs, lagMs,
                    audio, true, firstSeenMs, updated);
        }
        if (t.isFinal()) {
            List<Segment> merged = withFinal(finals, Segment.of(t));
            Segment stillNewer = partial != null && partial.segment() > t.segment() ? partial : null;
            return new StreamView(streamId, utterance, t.model(), t.codaR(), merged, stillNewer, t.latencyMs(),
                    t.latencyMs(), audio, complete, firstSeenMs, updated);
        }
        boolean coveredByFinal = !finals.isEmpty() && finals.get(finals.size() - 1).segment() >= t.segment();
        Segment newPartial = coveredByFinal || complete ? partial : Segment.of(t);
        return new StreamView(streamId, utterance, t.model(), t.codaR(), finals, newPartial, lastFinalLatencyMs,
                complete ? lagMs : t.latencyMs(), audio, complete, firstSeenMs, updated);
    }

    private static List<Segment> withFinal(List<Segment> finals, Segment fin) {
        List<Segment> merged = new ArrayList<>(finals.size() + 1);
        boolean placed = false;
        for (Segment s : finals) {
            if (!placed && s.segment() >= fin.segment()) {
                merged.add(fin);
                placed = true;
                if (s.segment() == fin.segment()) {
                    continue; // a replayed final replaces the earlier copy
                }
            }
            merged.add(s);
        }
        if (!placed) {
            merged.add(fin);
        }
        return merged.size() > MAX_FINALS ? merged.subList(merged.size() - MAX_FINALS, merged.size()) : merged;
    }
}
