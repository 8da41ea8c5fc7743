package org.codaasr.streams.recognition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Topics;
import org.codaasr.model.AsrException;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;

/**
 * The open recognizer streams of one recognition task, in memory, and their recovery: a stream not in memory (after
 * a restart, a rebalance, or after being dropped) is rebuilt on first use from its stored snapshot and the journaled
 * chunks after it. Also remembers how much audio each stream held at its last snapshot.
 */
final class LiveStreams {

    /** What recovery reports: a snapshot this recognizer cannot read, which was deleted. */
    interface UnrestorableSnapshot {
        void report(String id, StreamState state, byte[] snapshot, AsrException e);
    }

    private final Recognizer recognizer;
    private final KeyValueStore<String, byte[]> snapshots;
    private final ChunkJournal journal;
    private final Supplier<ThreadBatcher> batcher;
    private final UnrestorableSnapshot unrestorable;
    private final Deserializer<AudioChunk> chunkDeserializer = AsrSerdes.audioChunk().deserializer();
    private final Map<String, RecognizerStream> live = new HashMap<>();
    private final Map<String, Double> checkpointAudio = new HashMap<>();

    LiveStreams(Recognizer recognizer, KeyValueStore<String, byte[]> snapshots, ChunkJournal journal,
            Supplier<ThreadBatcher> batcher, UnrestorableSnapshot unrestorable) {
        this.recognizer = recognizer;
        this.snapshots = snapshots;
        this.journal = journal;
        this.batcher = batcher;
        this.unrestorable = unrestorable;
    }

    /** The stream if it is in memory; null otherwise. */
    RecognizerStream get(String id) {
        return live.get(id);
    }

    /**
     * The stream, rebuilt from snapshot and journal when it is not in memory. The rebuilt stream holds every chunk
     * below {@code state.nextSequence()}; whether it replayed any is {@link #replayed}.
     */
    RecognizerStream open(String id, StreamState state) {
        RecognizerStream s = live.get(id);
        if (s != null) {
            return s;
        }
        byte[] snap = snapshots.get(id);
        if (snap != null) {
            try {
                s = recognizer.restoreStream(snap);
            } catch (AsrException e) {
                snapshots.delete(id);
                unrestorable.report(id, state, snap, e);
            }
        }
        if (s == null) {
            s = recognizer.createStream();
            s.continueSegmentsFrom(Math.max(state.segmentBase(), state.finalsEmitted()));
        }
        if (replayed(state)) {
            replay(id, state, s);
        }
        live.put(id, s);
        checkpointAudio.put(id, s.audioSeconds());
        return s;
    }

    /** Whether opening the stream replays journaled chunks (accepted chunks that its snapshot does not hold). */
    static boolean replayed(StreamState state) {
        return state.nextSequence() > state.snapshotSequence();
    }

    private void replay(String id, StreamState state, RecognizerStream s) {
        journal.forEach(id, state.snapshotSequence(), state.nextSequence() - 1, raw -> {
            AudioChunk c = chunkDeserializer.deserialize(Topics.AUDIO, raw);
            s.acceptWaveform(c.samples(), c.sampleRate());
            if (c.endOfStream()) {
                s.inputFinished();
            }
        });
    }

    /** Audio seconds the stream has taken since its last snapshot. */
    double audioSinceCheckpoint(String id, RecognizerStream s) {
        return s.audioSeconds() - checkpointAudio.getOrDefault(id, 0.0);
    }

    void checkpointed(String id, RecognizerStream s) {
        checkpointAudio.put(id, s.audioSeconds());
    }

    /** Drops the stream from memory (and from the thread's batcher); its next use rebuilds it. */
    void forget(String id) {
        RecognizerStream s = live.remove(id);
        if (s != null) {
            batcher.get().remove(List.of(s));
        }
        checkpointAudio.remove(id);
    }

    /** Drops an ended stream from memory; it had nothing pending. */
    void ended(String id) {
        live.remove(id);
        checkpointAudio.remove(id);
    }

    /** The task closes: every stream leaves memory and the thread's batcher. */
    void closeAll() {
        Collection<RecognizerStream> all = new ArrayList<>(live.values());
        batcher.get().remove(all);
        live.clear();
        checkpointAudio.clear();
    }
}
