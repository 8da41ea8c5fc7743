package org.codaasr.streams.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;

/**
 * The live view's memory: the latest {@code maxStreams} streams, the running WER per run and speaker, and the dead
 * letter count with the latest reasons. Bounded: the least recently updated stream (and aggregate) is dropped first.
 * Thread-safe; callers that need a snapshot consistent with a broadcast order synchronize on it themselves.
 */
public final class LiveState {

    public static final int DEFAULT_MAX_STREAMS = 500;
    /** Run and speaker aggregates kept; a LibriSpeech split has 20-40 speakers. */
    public static final int MAX_AGGREGATES = 2_000;
    public static final int LATEST_DEAD_LETTERS = 20;
    /** Latencies the percentiles are over: the latest finals and partials of every stream. */
    public static final int LATENCY_WINDOW = 2_000;

    private final int maxStreams;
    // insertion order = update order (each update removes and re-inserts), so the first entry is the stalest
    private final LinkedHashMap<String, StreamView> streams = new LinkedHashMap<>();
    private final LinkedHashMap<String, WerAggregate> aggregates = new LinkedHashMap<>();
    private final ArrayDeque<DeadLetterView> latestDeadLetters = new ArrayDeque<>();
    private final LatencyWindow finalLatencies = new LatencyWindow();
    private final LatencyWindow partialLatencies = new LatencyWindow();
    private long deadLetters;
    private long transcripts;
    private long unreadable;

    public LiveState(int maxStreams) {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("expected maxStreams >= 1, got " + maxStreams);
        }
        this.maxStreams = maxStreams;
    }

    public LiveState() {
        this(DEFAULT_MAX_STREAMS);
    }

    /** Applies a transcript and returns the stream's updated view. */
    public synchronized StreamView add(Transcript t) {
        transcripts++;
        if (t.kind() == Transcript.Kind.FINAL) {
            finalLatencies.add(t.latencyMs());
        } else if (t.kind() == Transcript.Kind.PARTIAL) {
            partialLatencies.add(t.latencyMs());
        }
        StreamView previous = streams.remove(t.streamId());
        StreamView updated = (previous != null ? previous : StreamView.empty(t.streamId(), t.createdAtMs())).with(t);
        streams.put(t.streamId(), updated);
        if (streams.size() > maxStreams) {
            streams.remove(streams.keySet().iterator().next());
        }
        return updated;
    }

    /** Replaces the running WER of the aggregate's run and scope. */
    public synchronized void add(WerAggregate aggregate) {
        String key = aggregate.runId() + "\u0000" + aggregate.scope();
        aggregates.remove(key);
        aggregates.put(key, aggregate);
        if (aggregates.size() > MAX_AGGREGATES) {
            aggregates.remove(aggregates.keySet().iterator().next());
        }
    }

    /** Counts a dead letter and remembers it among the latest. */
    public synchronized DeadLetterView add(DeadLetter deadLetter) {
        deadLetters++;
        DeadLetterView view = DeadLetterView.of(deadLetter);
        latestDeadLetters.addFirst(view);
        if (latestDeadLetters.size() > LATEST_DEAD_LETTERS) {
            latestDeadLetters.removeLast();
        }
        return view;
    }

    /** Counts a record that could not be read. */
    public synchronized void addUnreadable() {
        unreadable++;
    }

    public synchronized LiveSnapshot snapshot() {
        List<StreamView> newestFirst = new ArrayList<>(streams.values());
        Collections.reverse(newestFirst);
        List<WerAggregate> runs = new ArrayList<>();
        List<WerAggregate> speakers = new ArrayList<>();
        for (WerAggregate a : aggregates.values()) {
            (WerAggregate.RUN_SCOPE.equals(a.scope()) ? runs : speakers).add(a);
        }
        Comparator<WerAggregate> byRunThenScope = Comparator.comparing(WerAggregate::runId)
                .thenComparing(WerAggregate::scope);
        runs.sort(byRunThenScope);
        speakers.sort(byRunThenScope);
        int live = (int) streams.values().stream().filter(v -> !v.complete()).count();
        return new LiveSnapshot(newestFirst, live, runs, speakers, deadLetters, List.copyOf(latestDeadLetters),
                transcripts, unreadable, maxStreams, LatencySummary.of(finalLatencies.values()),
                LatencySummary.of(partialLatencies.values()));
    }

    /** The current view of one stream, or null when it is not held. */
    public synchronized StreamView stream(String streamId) {
        return streams.get(streamId);
    }

    /** The latest {@link #LATENCY_WINDOW} latencies, oldest overwritten first. */
    private static final class LatencyWindow {
        private final long[] ring = new long[LATENCY_WINDOW];
        private long added;

        void add(long latencyMs) {
            ring[(int) (added++ % ring.length)] = latencyMs;
        }

        List<Long> values() {
            List<Long> values = new ArrayList<>(ring.length);
            for (int i = 0; i < Math.min(added, ring.length); i++) {
                values.add(ring[i]);
            }
            return values;
        }
    }
}
