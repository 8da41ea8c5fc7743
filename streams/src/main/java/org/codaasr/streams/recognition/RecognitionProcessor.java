package org.codaasr.streams.recognition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.AsrException;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.ModelClosedException;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;
import org.codaasr.model.recognizer.RoutingRequest;
import org.codaasr.streams.StreamsAppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recognize stage: each stream's chunks, in order ({@link InOrderChunk}, from the {@link OrderingProcessor}),
 * become partial and final transcripts, one {@link RecognizerStream} per stream id ({@link LiveStreams}).
 *
 * <p>Durability: every accepted chunk is written to the {@link ChunkJournal} in the same transaction that consumes
 * it; the recognizer's (larger) snapshot is written every few seconds of audio, after which the journal up to that
 * point is deleted. A stream whose streaming-encoder cache holds context (about a megabyte for the shipped model)
 * waits for the cache's next reset (a segment boundary or leading silence) before its snapshot, up to
 * {@value #MAX_CHECKPOINT_AUDIO_SECONDS} s of audio, so most snapshots stay small and the journal stays bounded.
 * After a restart or rebalance a stream is rebuilt from snapshot + journal, and finals whose segment index was
 * already emitted are not emitted again. With {@code exactly_once_v2} the journal, the state and the outputs commit
 * atomically, so accepted audio is neither lost nor transcribed twice.
 *
 * <p>A chunk this stage cannot use is dead-lettered and the stream goes on without it: a sample rate other than the
 * stream's, a non-finite sample, a chunk that makes the recognizer throw. Every chunk handed in moves the stream's
 * {@code nextSequence} past it (the ordering stage relies on that).
 *
 * <p>Batching: accepted audio marks a stream dirty, and a stream with a full encoder window ready joins the stream
 * thread's {@link ThreadBatcher}. A flush (when {@code maxBatch} windows are ready, on end-of-stream, or on a short
 * wall-clock punctuation) decodes every ready window of the thread in batched encoder calls and emits this task's
 * dirty streams; other tasks emit theirs at their next flush.
 *
 * <p>Idle streams (no end-of-stream) are finalized by the {@link IdleRule} on a one-second sweep.
 */
public final class RecognitionProcessor implements Processor<String, InOrderChunk, String, Object> {

    public static final String STATE_STORE = "asr-stream-state";
    public static final String SNAPSHOT_STORE = "asr-stream-snapshot";
    public static final String JOURNAL_STORE = "asr-stream-journal";

    private static final Logger LOG = LoggerFactory.getLogger(RecognitionProcessor.class);
    private static final long BATCH_LINGER_MS = 20;
    private static final long SWEEP_INTERVAL_MS = 1_000;
    private static final double CHECKPOINT_AUDIO_SECONDS = 3.0;
    static final double MAX_CHECKPOINT_AUDIO_SECONDS = 30.0;
    private static final long ENDED_RETENTION_MS = 10 * 60_000;

    private final Recognizer recognizer;
    private final StreamsAppConfig config;
    private final PerStreamThread<ThreadBatcher> batchers;
    private final PerStreamThread<IdleRule.ThreadProgress> threadProgress;
    /** Streams with new audio or results since this task's last flush. */
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Streams the idle sweep has finished and whose end has not been emitted yet. */
    private final Set<String> closingIdle = new HashSet<>();
    /** Streams already warned about a routing request this instance cannot serve (one log line per stream). */
    private final Set<String> unservedRequests = new HashSet<>();

    private ProcessorContext<String, Object> context;
    private DeadLetters deadLetters;
    /** Made on the first record or sweep, on the stream thread that runs this task (see {@link #idleRule()}). */
    private IdleRule idleRule;
    private KeyValueStore<String, StreamState> states;
    private KeyValueStore<String, byte[]> snapshots;
    private ChunkJournal journal;
    private LiveStreams live;

    RecognitionProcessor(Recognizer recognizer, StreamsAppConfig config, PerStreamThread<ThreadBatcher> batchers,
            PerStreamThread<IdleRule.ThreadProgress> threadProgress) {
        this.recognizer = recognizer;
        this.config = config;
        this.batchers = batchers;
        this.threadProgress = threadProgress;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.deadLetters = new DeadLetters(context);
        this.states = context.getStateStore(STATE_STORE);
        this.journal = new ChunkJournal(context.getStateStore(JOURNAL_STORE));
        this.snapshots = context.getStateStore(SNAPSHOT_STORE);
        this.live = new LiveStreams(recognizer, snapshots, journal, this::batcher, this::unrestorable);
        context.schedule(Duration.ofMillis(BATCH_LINGER_MS), PunctuationType.WALL_CLOCK_TIME, t -> flush());
        context.schedule(Duration.ofMillis(SWEEP_INTERVAL_MS), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    /** Looked up per use: the processor may be built and initialized on another thread than the one that runs it. */
    private ThreadBatcher batcher() {
        return batchers.current();
    }

    @Override
    public void process(Record<String, InOrderChunk> record) {
        long now = context.currentSystemTimeMs();
        idleRule().recordProcessed(record.timestamp(), now);
        InOrderChunk in = record.value();
        AudioChunk chunk = in.chunk();
        String id = chunk.streamId();
        StreamState state = apply(record, id, states.get(id), chunk, in.raw(), in.journaled(), now, in.routing());
        states.put(id, state);
        if (batcher().isFull() || chunk.endOfStream()) {
            flush();
        }
    }

    /**
     * Applies the next in-order chunk ({@code raw}: its serialized form, already in the journal when
     * {@code journaled}). A chunk that makes the recognizer throw is dead-lettered with the exception and left out:
     * the stream is rebuilt without it from its snapshot and journal on its next chunk, so one bad chunk can neither
     * stop the stream nor, thrown again on every retry, the application.
     */
    private StreamState apply(Record<String, InOrderChunk> record, String id, StreamState state, AudioChunk chunk,
            byte[] raw, boolean journaled, long now, RoutingRequest routing) {
        if (chunk.sampleRate() != state.sampleRate()) {
            reject(record, raw, "sample rate changed mid-stream from " + state.sampleRate() + " Hz to "
                    + chunk.sampleRate() + " Hz at chunk " + chunk.sequence() + " of stream '" + id
                    + "'; chunk dropped", null);
            journal.delete(id, chunk.sequence());
            return state.withNextSequence(chunk.sequence() + 1);
        }
        float[] samples = chunk.samples();
        // only float PCM can carry NaN or infinity, which would poison the features of every later window
        int bad = chunk.encoding() == AudioEncoding.PCM_F32LE ? firstNonFinite(samples) : -1;
        if (bad >= 0) {
            reject(record, raw, "chunk " + chunk.sequence() + " of stream '" + id + "': sample " + bad + " is "
                    + samples[bad] + ", expected finite audio; chunk dropped"
                    + (chunk.endOfStream() ? ", the stream ends without it" : ""), null);
            journal.delete(id, chunk.sequence());
            if (!chunk.endOfStream()) {
                return state.withNextSequence(chunk.sequence() + 1);
            }
            samples = new float[0];
        }
        if (!journaled) {
            journal.put(id, chunk.sequence(), raw);
        }
        RecognizerStream stream;
        try {
            stream = open(id, state);
            if (routing != null && !stream.request(routing) && unservedRequests.add(id)) {
                LOG.warn("stream {} asks for the {}, which this instance has not loaded (loaded: {}); it runs at the {}",
                        id, routing.variant().label(), recognizer.variants(), stream.variant().label());
            }
            stream.acceptWaveform(samples, chunk.sampleRate());
            if (chunk.endOfStream()) {
                stream.inputFinished();
            }
            if (recognizer.isAdaptive() && chunk.captureTimeMs() > 0) {
                stream.adaptToLag(Math.max(0, now - chunk.captureTimeMs()) / 1000.0);
            }
        } catch (ModelClosedException e) {
            throw e;
        } catch (RuntimeException e) {
            forget(id);
            journal.delete(id, chunk.sequence());
            reject(record, raw, "stream '" + id + "': chunk " + chunk.sequence() + " made the recognizer fail ("
                    + DeadLetters.rootMessage(e) + "); the stream goes on without it", e);
            return state.withNextSequence(chunk.sequence() + 1);
        }
        dirty.add(id);
        if (stream.isReady()) {
            batcher().add(stream);
        }
        StreamState accepted = state.accepted(chunk.sequence() + 1, record.timestamp(), chunk.captureTimeMs());
        return chunk.aborted() ? accepted.withAborted() : accepted;
    }

    /** Index of the first NaN or infinite sample; -1 when every sample is finite. */
    private static int firstNonFinite(float[] samples) {
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The stream's recognizer, rebuilt from snapshot and journal if need be (then its replayed audio is dirty). */
    private RecognizerStream open(String id, StreamState state) {
        RecognizerStream s = live.get(id);
        if (s == null) {
            s = live.open(id, state);
            if (LiveStreams.replayed(state)) {
                dirty.add(id);
            }
        }
        return s;
    }

    /** Decodes every ready window of this thread, batched, and emits what changed in this task's dirty streams. */
    void flush() {
        if (dirty.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(dirty);
        dirty.clear();
        ThreadBatcher batcher = batcher();
        for (String id : ids) {
            RecognizerStream s = live.get(id);
            if (s != null && s.isReady()) {
                batcher.add(s); // e.g. restored from a snapshot + journal, or input just finished
            }
        }
        batcher.decode();
        for (String id : ids) {
            RecognizerStream s = live.get(id);
            if (s != null) {
                emit(id, s);
            }
        }
    }

    private void emit(String id, RecognizerStream stream) {
        StreamState state = states.get(id);
        if (state == null) {
            return;
        }
        RuntimeException failure = batcher().takeFailure(stream);
        if (failure != null) {
            decodingFailed(id, stream, failure);
            return;
        }
        long now = context.currentSystemTimeMs();
        for (RecognitionResult fin = stream.pollFinal(); fin != null; fin = stream.pollFinal()) {
            if (fin.segment() < state.finalsEmitted()) {
                continue; // emitted before a restart; the replay recomputed it
            }
            forwardTranscript(id, state, fin, false, now, fin.variant() != null ? fin.variant() : stream.variant());
            state = state.withFinal(fin.text());
        }
        if (stream.isDone()) {
            complete(id, state, stream, now);
            return;
        }
        RecognitionResult partial = stream.partial();
        if (!partial.isEmpty() && !partial.text().equals(state.lastPartialText())
                && partial.endSeconds() - state.lastPartialAudioSeconds() >= config.partialIntervalSeconds()) {
            forwardTranscript(id, state, partial, false, now, stream.variant());
            state = state.withPartial(partial.endSeconds(), partial.text());
        }
        double sinceCheckpoint = live.audioSinceCheckpoint(id, stream);
        if (sinceCheckpoint >= CHECKPOINT_AUDIO_SECONDS
                && (!stream.holdsEncoderContext() || sinceCheckpoint >= MAX_CHECKPOINT_AUDIO_SECONDS)) {
            snapshots.put(id, stream.snapshot());
            journal.deleteRange(id, state.snapshotSequence(), state.nextSequence());
            state = state.withSnapshotAt(state.nextSequence());
            live.checkpointed(id, stream);
        }
        states.put(id, state);
    }

    private void forwardTranscript(String id, StreamState state, RecognitionResult r, boolean streamComplete,
            long now, CodaVariant variant) {
        List<Transcript.Word> words = r.words().stream()
                .map(w -> new Transcript.Word(w.word(), w.startSeconds(), w.endSeconds(), w.confidence()))
                .toList();
        long latency = state.lastCaptureMs() > 0 ? Math.max(0, now - state.lastCaptureMs()) : 0;
        Transcript t = new Transcript(id, state.utteranceId(), r.segment(), r.isFinal() && !streamComplete,
                r.text(), words, recognizer.modelLabel(variant), variant.reductionFactor(), r.startSeconds(),
                r.endSeconds(), latency, now, streamComplete, state.reopens(),
                streamComplete && state.aborted());
        context.forward(new Record<String, Object>(id, t, now), RecognitionTopology.TRANSCRIPT_SINK);
    }

    /** The partition's stream time: the newest record timestamp this task has seen (0 before any). */
    private long streamTimeMs() {
        return Math.max(0, context.currentStreamTimeMs());
    }

    /** The idle rule of this task, on the stream thread's progress; made on the thread that runs the task. */
    private IdleRule idleRule() {
        if (idleRule == null) {
            idleRule = new IdleRule(config.idleTimeoutMs(), threadProgress.current());
        }
        return idleRule;
    }

    /**
     * Finalizes streams that sent no end-of-stream, by {@link IdleRule}: only when their producer went quiet, never
     * because this member was down, restoring, rebalancing or reading a backlog.
     */
    private void sweep(long now) {
        IdleRule rule = idleRule();
        rule.swept(now);
        long streamTime = streamTimeMs();
        List<String> idle = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, StreamState> it = states.all()) {
            while (it.hasNext()) {
                KeyValue<String, StreamState> kv = it.next();
                StreamState s = kv.value;
                if (s.ended() && streamTime - s.lastRecordTimeMs() > ENDED_RETENTION_MS) {
                    expired.add(kv.key);
                } else if (!s.ended() && rule.verdict(s.lastRecordTimeMs(), streamTime, now) != IdleRule.Verdict.OPEN) {
                    idle.add(kv.key);
                }
            }
        }
        for (String id : expired) {
            states.delete(id);
        }
        for (String id : idle) {
            StreamState s = states.get(id);
            if (rule.verdict(s.lastRecordTimeMs(), streamTime, now) == IdleRule.Verdict.IDLE_IN_DATA) {
                LOG.info("stream {}: {} ms of stream time without audio or end-of-stream: finalizing", id,
                        streamTime - s.lastRecordTimeMs());
            } else {
                LOG.info("stream {}: its producer sent nothing for {} ms and no end-of-stream, and its caught-up "
                        + "partition has been quiet for {} ms: finalizing", id, now - s.lastRecordTimeMs(),
                        rule.watchedQuietMs(now));
            }
            open(id, s).inputFinished();
            closingIdle.add(id);
            dirty.add(id);
        }
        flush();
    }

    /** Drops the in-memory recognizer of a stream; its next use rebuilds it from snapshot and journal. */
    private void forget(String id) {
        live.forget(id);
        dirty.remove(id);
    }

    /**
     * A snapshot this recognizer cannot read (e.g. written by another model before a restart with a new one): it
     * goes to the dead-letter topic, and the stream goes on from the audio in its journal, after the snapshot.
     */
    private void unrestorable(String id, StreamState state, byte[] snapshot, AsrException e) {
        String reason = "stream '" + id + "': its recognizer snapshot cannot be restored (" + e.getMessage()
                + "); decoding goes on from chunk " + state.snapshotSequence()
                + ", the audio before it is not decoded again";
        long now = context.currentSystemTimeMs();
        deadLetters.forward(new DeadLetter(SNAPSHOT_STORE, -1, -1L, id, reason, e.getClass().getName(), snapshot, now),
                now);
    }

    /** A stream whose decoding threw: dead-lettered, then closed with the finals it has, so it ends cleanly. */
    private void decodingFailed(String id, RecognizerStream stream, RuntimeException e) {
        forget(id);
        StreamState state = states.get(id);
        long now = context.currentSystemTimeMs();
        deadLetters.forward(new DeadLetter(Topics.AUDIO, -1, -1L, id, "stream '" + id + "': decoding failed after "
                + String.format(java.util.Locale.ROOT, "%.2f", stream.audioSeconds()) + " s of audio ("
                + DeadLetters.rootMessage(e) + "); the stream is closed with " + state.finalsEmitted() + " final(s)",
                e.getClass().getName(), null, now), now);
        complete(id, state, stream, now);
    }

    /** Emits the stream-complete record with every final, marks the stream ended and drops its working state. */
    private void complete(String id, StreamState state, RecognizerStream stream, long now) {
        forwardTranscript(id, state, new RecognitionResult(state.finalsEmitted(), state.finalText(), List.of(),
                true, 0, stream.audioSeconds()), true, now, stream.variant());
        StreamState ended = state.asEnded(streamTimeMs(), closingIdle.remove(id));
        journal.deleteRange(id, 0, ended.nextSequence());
        snapshots.delete(id);
        live.ended(id);
        unservedRequests.remove(id);
        states.put(id, ended);
    }

    private void reject(Record<String, InOrderChunk> record, byte[] value, String reason, Throwable error) {
        deadLetters.reject(record, value, reason, error);
    }

    @Override
    public void close() {
        if (live != null) {
            live.closeAll();
        }
        dirty.clear();
        closingIdle.clear();
    }
}
