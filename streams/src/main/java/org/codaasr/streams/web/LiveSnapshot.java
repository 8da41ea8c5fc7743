package org.codaasr.streams.web;

import java.util.List;
import org.codaasr.messages.WerAggregate;

/**
 * Everything the live view holds at one moment; what {@code GET /api/state} returns.
 *
 * @param streams           streams, most recently updated first
 * @param liveStreams       how many of them have not completed
 * @param runs              running WER of each run (scope {@code run})
 * @param speakers          running WER of each speaker, by run then speaker
 * @param deadLetters       dead letters seen since the view started
 * @param latestDeadLetters the most recent dead letters, newest first
 * @param transcripts       transcript records seen
 * @param unreadable        records skipped because they did not parse
 * @param maxStreams        how many streams are kept (older ones are dropped)
 * @param finalLatency      percentiles of the latest finals' latencies
 * @param partialLatency    percentiles of the latest partials' latencies
 */
public record LiveSnapshot(List<StreamView> streams, int liveStreams, List<WerAggregate> runs,
                           List<WerAggregate> speakers, long deadLetters, List<DeadLetterView> latestDeadLetters,
                           long transcripts, long unreadable, int maxStreams, LatencySummary finalLatency,
                           LatencySummary partialLatency) {

    public LiveSnapshot {
        streams = List.copyOf(streams);
        runs = List.copyOf(runs);
        speakers = List.copyOf(speakers);
        latestDeadLetters = List.copyOf(latestDeadLetters);
    }
}
