package org.codaasr.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerRecord;
import org.codaasr.streams.PipelineMonitor;

/**
 * What a benchmark load decoded, as the pipeline's output topics tell it: each final segment with the CoDA variant
 * that encoded it and when its audio was captured, and each stream's WER record. A listener for
 * {@code Pipeline.start}.
 */
final class LoadRecorder implements Consumer<PipelineMonitor.Event> {

    /**
     * One final segment.
     *
     * @param capturedFromMs wall clock when the segment's first audio was captured (a real-time sender captures a
     *     segment's audio over its length, so this is the capture time of its last chunk minus its length)
     * @param capturedToMs wall clock when its last audio was captured
     * @param latencyMs from then until the final reached the recorder (as {@link PipelineMonitor} measures it)
     */
    record Segment(String streamId, int codaR, double audioSeconds, long capturedFromMs, long capturedToMs,
            long latencyMs) {}

    /** Word errors and reference words of the scored streams. */
    record Wer(long errors, long referenceWords, int scored) {
        double percent() {
            return referenceWords == 0 ? Double.NaN : 100.0 * errors / referenceWords;
        }
    }

    private final List<Segment> segments = new ArrayList<>();
    private final Map<String, WerRecord> wer = new ConcurrentHashMap<>();

    @Override
    public void accept(PipelineMonitor.Event event) {
        if (event instanceof PipelineMonitor.TranscriptEvent te && te.transcript().kind() == Transcript.Kind.FINAL) {
            Transcript t = te.transcript();
            double seconds = Math.max(0, t.audioEndSeconds() - t.audioStartSeconds());
            long to = t.createdAtMs() - t.latencyMs();
            synchronized (segments) {
                segments.add(new Segment(t.streamId(), t.codaR(), seconds, to - Math.round(seconds * 1000), to,
                        Math.max(0, System.currentTimeMillis() - to)));
            }
        } else if (event instanceof PipelineMonitor.WerEvent we) {
            wer.put(we.record().utteranceId(), we.record());
        }
    }

    List<Segment> segments(Predicate<String> streams) {
        synchronized (segments) {
            return segments.stream().filter(s -> streams.test(s.streamId())).toList();
        }
    }

    /** Seconds of audio in final segments by the CoDA r that encoded them. */
    SortedMap<Integer, Double> audioSecondsByCodaR(Predicate<String> streams) {
        SortedMap<Integer, Double> out = new TreeMap<>();
        segments(streams).forEach(s -> out.merge(s.codaR(), s.audioSeconds(), Double::sum));
        return out;
    }

    /** Each r's share of {@link #audioSecondsByCodaR}. */
    static SortedMap<Integer, Double> shares(Map<Integer, Double> seconds) {
        double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        SortedMap<Integer, Double> out = new TreeMap<>();
        seconds.forEach((r, s) -> out.put(r, total == 0 ? 0.0 : s / total));
        return out;
    }

    int scored(Predicate<String> streams) {
        return (int) wer.keySet().stream().filter(streams).count();
    }

    Wer wer(Predicate<String> streams) {
        long errors = 0;
        long words = 0;
        int scored = 0;
        for (Map.Entry<String, WerRecord> e : wer.entrySet()) {
            if (streams.test(e.getKey())) {
                errors += e.getValue().errors();
                words += e.getValue().referenceWords();
                scored++;
            }
        }
        return new Wer(errors, words, scored);
    }
}
