package org.codaasr.streams.recognition;

/**
 * When a stream that sent no end-of-stream is idle: when its <em>producer</em> went quiet for the idle timeout, never
 * because its consumer could not see it (the application down or restoring, a rebalance, a backlog).
 *
 * <p>One instance per task start (a restart or rebalance makes a new one), so nothing before the start counts. Two
 * clauses, both on the records' own (producer) timestamps:
 * <ul>
 *   <li><b>in data</b>: the partition's stream time (its newest record) is more than the timeout past the stream's
 *       newest record: the partition went on without it. Downtime and backlogs delay records but do not change their
 *       timestamps, so they cannot fake this.</li>
 *   <li><b>quiet partition</b> (no newer record comes at all, e.g. the last stream of a partition): the stream's
 *       newest record is older than the timeout by the wall clock, <em>and</em> this task has watched its partition
 *       stay empty for the timeout while it was caught up. Watching starts only with evidence of being caught up: a
 *       record of this partition processed since the start, or a current record (see {@link ThreadProgress})
 *       processed by the stream thread since the start; never from the start itself, during which the consumer may
 *       not yet fetch (offsets of a crashed member's open transaction stay unreadable until it times out). It starts
 *       over whenever the stream thread processes a record that is behind (a backlog somewhere on the thread, during
 *       which this partition's records may wait unfetched), and after a gap between two sweeps longer than half the
 *       timeout (the thread was blocked, e.g. in a rebalance, and saw nothing).</li>
 * </ul>
 * A partition that gets no record at all after a restart (its producers stopped while the application was down)
 * is watched from the stream thread's first current record; until then its streams stay open.
 */
final class IdleRule {

    /** What the rule says about one stream. */
    enum Verdict {
        OPEN,
        /** The partition's stream time moved on past the stream by more than the timeout. */
        IDLE_IN_DATA,
        /** The stream's producer is silent and the caught-up partition has been watched quiet for the timeout. */
        IDLE_QUIET_PARTITION
    }

    private static final long UNSET = Long.MIN_VALUE;

    private final long timeoutMs;
    private final ThreadProgress thread;
    /** Wall-clock time of this task's first sweep. */
    private long startedMs = UNSET;
    private long lastSweepMs = UNSET;
    /** Wall-clock time from which the partition counts as watched quiet; unset without evidence of being caught up. */
    private long watchedSinceMs = UNSET;

    IdleRule(long timeoutMs, ThreadProgress thread) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("idle timeout must be > 0 ms, got " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
        this.thread = thread;
    }

    /** A record of this task's partition, whatever it holds, was processed at {@code wallMs}. */
    void recordProcessed(long recordTimeMs, long wallMs) {
        thread.recordProcessed(recordTimeMs, wallMs);
        watchedSinceMs = wallMs;
    }

    /** The periodic sweep at {@code wallMs}: call before asking for verdicts. */
    void swept(long wallMs) {
        if (startedMs == UNSET) {
            startedMs = wallMs;
        }
        boolean blind = lastSweepMs != UNSET && wallMs - lastSweepMs > thread.behindMs();
        lastSweepMs = wallMs;
        if (watchedSinceMs == UNSET && thread.lastCurrentMs() != UNSET && thread.lastCurrentMs() >= startedMs) {
            watchedSinceMs = thread.lastCurrentMs();
        }
        if (watchedSinceMs == UNSET) {
            return;
        }
        if (blind) {
            watchedSinceMs = wallMs;
        }
        if (thread.lastBehindMs() != UNSET) {
            watchedSinceMs = Math.max(watchedSinceMs, thread.lastBehindMs());
        }
    }

    /** How long the caught-up partition has been watched without a record; 0 when it is not watched. */
    long watchedQuietMs(long wallMs) {
        return watchedSinceMs == UNSET ? 0 : Math.max(0, wallMs - watchedSinceMs);
    }

    /**
     * @param streamLastRecordMs the producer's timestamp of the stream's newest record
     * @param streamTimeMs the partition's stream time (its newest record's timestamp)
     * @param wallMs this member's wall clock now
     */
    Verdict verdict(long streamLastRecordMs, long streamTimeMs, long wallMs) {
        if (streamTimeMs - streamLastRecordMs > timeoutMs) {
            return Verdict.IDLE_IN_DATA;
        }
        if (watchedQuietMs(wallMs) > timeoutMs && wallMs - streamLastRecordMs > timeoutMs) {
            return Verdict.IDLE_QUIET_PARTITION;
        }
        return Verdict.OPEN;
    }

    /**
     * How far behind its producers one stream thread is, as the records it processes show: a record processed more
     * than half the idle timeout after its timestamp is <em>behind</em> (the thread reads a backlog, or has not polled
     * for that long); otherwise <em>current</em>. All tasks of a stream thread share one; they run one after another
     * on that thread, so it needs no locking.
     */
    static final class ThreadProgress {

        private final long behindMs;
        private long lastCurrentMs = UNSET;
        private long lastBehindMs = UNSET;

        ThreadProgress(long idleTimeoutMs) {
            this.behindMs = Math.max(1, idleTimeoutMs / 2);
        }

        void recordProcessed(long recordTimeMs, long wallMs) {
            if (wallMs - recordTimeMs > behindMs) {
                lastBehindMs = Math.max(lastBehindMs, wallMs);
            } else {
                lastCurrentMs = Math.max(lastCurrentMs, wallMs);
            }
        }

        long behindMs() {
            return behindMs;
        }

        /** Wall-clock time the thread last processed a current record; {@link Long#MIN_VALUE} if never. */
        long lastCurrentMs() {
            return lastCurrentMs;
        }

        /** Wall-clock time the thread last processed a record behind its producer; {@link Long#MIN_VALUE} if never. */
        long lastBehindMs() {
            return lastBehindMs;
        }
    }
}
