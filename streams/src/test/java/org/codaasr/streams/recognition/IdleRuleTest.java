package org.codaasr.streams.recognition;

import static org.codaasr.streams.recognition.IdleRule.Verdict.IDLE_IN_DATA;
import static org.codaasr.streams.recognition.IdleRule.Verdict.IDLE_QUIET_PARTITION;
import static org.codaasr.streams.recognition.IdleRule.Verdict.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Reference scenarios of the idle rule, with a 10 s timeout and sweeps every second as the processor runs them.
 * Times are epoch milliseconds; the producer's clock and the member's agree unless a scenario says otherwise.
 */
class IdleRuleTest {

    static final long TIMEOUT = 10_000;
    static final long T0 = 1_800_000_000_000L;

    /** One task of a stream thread, its stream time and its sweeps. */
    private static final class Task {
        final IdleRule rule;
        long streamTime = 0;
        long wall;

        Task(IdleRule.ThreadProgress thread, long wall) {
            this.rule = new IdleRule(TIMEOUT, thread);
            this.wall = wall;
        }

        void record(long recordTimeMs) {
            rule.recordProcessed(recordTimeMs, wall);
            streamTime = Math.max(streamTime, recordTimeMs);
        }

        IdleRule.Verdict sweep(long streamLastRecordMs) {
            rule.swept(wall);
            return rule.verdict(streamLastRecordMs, streamTime, wall);
        }

        /** Sweeps once a second for {@code ms}, returning the first verdict that is not open (or OPEN). */
        IdleRule.Verdict sweepFor(long ms, long streamLastRecordMs) {
            for (long end = wall + ms; wall < end; ) {
                wall += 1_000;
                IdleRule.Verdict v = sweep(streamLastRecordMs);
                if (v != OPEN) {
                    return v;
                }
            }
            return OPEN;
        }
    }

    private static IdleRule.ThreadProgress thread() {
        return new IdleRule.ThreadProgress(TIMEOUT);
    }

    @Test
    void aRealProducerPauseClosesTheStreamAfterTheTimeoutAndNotBefore() {
        Task task = new Task(thread(), T0);
        for (int i = 0; i < 50; i++) { // 5 s of 100 ms chunks, read as they come
            task.wall = T0 + i * 100L + 30;
            task.record(T0 + i * 100L);
        }
        long last = T0 + 4_900;
        assertEquals(OPEN, task.sweepFor(9_000, last), "9 s of silence is less than the timeout");
        assertEquals(IDLE_QUIET_PARTITION, task.sweepFor(3_000, last));
    }

    @Test
    void aRestartSlowerThanTheTimeoutClosesNothing() {
        // the stream's last record before the crash was at T0; the member is back 12 s later and, for another 11 s
        // (model load, restore, a crashed member's open transaction blocking the offsets), reads nothing
        Task task = new Task(thread(), T0 + 12_000);
        assertEquals(OPEN, task.sweepFor(11_000, T0));
        // then the backlog: the producer never stopped, its records are 23 s behind and catch up
        long last = T0;
        for (int i = 1; i <= 300; i++) {
            last = T0 + i * 100L;
            task.wall += 30;
            task.record(last);
            if (i % 30 == 0) {
                assertEquals(OPEN, task.sweep(last), "backlog record " + i);
            }
        }
    }

    @Test
    void aStreamThatStoppedInsideTheBacklogIsClosedByStreamTime() {
        Task task = new Task(thread(), T0 + 30_000);
        task.record(T0); // stream A's last record, then only stream B's for 12 s of data time
        for (int i = 1; i <= 120; i++) {
            task.wall += 20;
            task.record(T0 + i * 100L);
        }
        assertEquals(IDLE_IN_DATA, task.sweep(T0), "A: the partition went 12 s on without it");
        assertEquals(OPEN, task.sweep(T0 + 12_000), "B: still sending");
    }

    @Test
    void aPartitionStarvedWhileItsThreadReadsAnotherBacklogStaysOpen() {
        IdleRule.ThreadProgress thread = thread();
        Task b = new Task(thread, T0);
        Task a = new Task(thread, T0);
        b.record(T0 - 50); // b is current ...
        b.sweep(T0 - 50);
        // ... then the thread spends 15 s on a's backlog, 20 s behind, without fetching b's records
        for (int s = 1; s <= 15; s++) {
            for (int k = 0; k < 10; k++) {
                a.wall = T0 + (s - 1) * 1_000L + k * 100L;
                a.record(a.wall - 20_000);
            }
            b.wall = T0 + s * 1_000L;
            assertEquals(OPEN, b.sweep(T0 - 50), "second " + s);
        }
    }

    @Test
    void aThreadBlockedLongerThanHalfTheTimeoutWatchesAgainFromScratch() {
        Task task = new Task(thread(), T0);
        task.record(T0);
        assertEquals(OPEN, task.sweepFor(3_000, T0));
        task.wall += 12_000; // one sweep 12 s after the last: a rebalance held the thread, it saw nothing
        assertEquals(OPEN, task.sweep(T0));
        assertEquals(OPEN, task.sweepFor(9_000, T0));
        assertEquals(IDLE_QUIET_PARTITION, task.sweepFor(2_000, T0));
    }

    @Test
    void aPartitionThatWentQuietDuringTheDowntimeIsClosedOnceItsThreadIsCurrent() {
        IdleRule.ThreadProgress thread = thread();
        Task quiet = new Task(thread, T0 + 20_000); // its producer stopped at T0, while the member was down
        assertEquals(OPEN, quiet.sweepFor(15_000, T0), "nothing says the consumer is caught up yet");
        Task other = new Task(thread, quiet.wall);
        other.record(quiet.wall - 100); // another partition of the thread: a current record
        assertEquals(OPEN, quiet.sweepFor(9_000, T0));
        assertEquals(IDLE_QUIET_PARTITION, quiet.sweepFor(2_000, T0));
    }

    @Test
    void aBacklogAfterWhichThePartitionGoesQuietClosesItsStreamsAfterTheTimeout() {
        Task task = new Task(thread(), T0 + 20_000);
        for (int i = 0; i <= 50; i++) { // the backlog: 5 s of a stream that then stopped for good
            task.wall += 10;
            task.record(T0 + i * 100L);
        }
        long last = T0 + 5_000;
        assertEquals(OPEN, task.sweepFor(9_000, last), "watched from the last record read, not its timestamp");
        assertEquals(IDLE_QUIET_PARTITION, task.sweepFor(2_000, last));
    }

    @Test
    void aProducerClockBehindByLessThanTheTimeoutChangesNothingButTheClosingTime() {
        Task task = new Task(thread(), T0);
        task.record(T0 - 3_000); // the producer's clock runs 3 s behind the member's: still current
        assertEquals(OPEN, task.sweepFor(6_000, T0 - 3_000), "the producer's timestamp is 9 s old");
        assertEquals(IDLE_QUIET_PARTITION, task.sweepFor(6_000, T0 - 3_000));
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new IdleRule(0, thread()));
    }
}
