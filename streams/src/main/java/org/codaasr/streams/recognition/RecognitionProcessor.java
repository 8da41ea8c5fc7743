package org.codaasr.streams.recognition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunkValidator;
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
 * Turns audio chunks into partial and final transcripts, one {@link RecognizerStream} per stream id.
 *
 * <p>Durability: every accepted chunk is written to a chunk journal in the same transaction that consumes it; the
 * recognizer's (larger) snapshot is written every few seconds of audio, after which the journal up to that point is
 * deleted. A stream whose streaming-encoder cache holds context (about a megabyte for the shipped model) waits for
 * the cache's next reset (a segment boundary or leading silence) before its snapshot, up to
 * {@value #MAX_CHECKPOINT_AUDIO_SECONDS} s of audio, so most snapshots stay small and the journal stays bounded. After a restart or rebalance a stream is rebuilt from snapshot + journal, and finals whose segment index
 * was already emitted are not emitted again. With {@code exactly_once_v2} the journal, the state and the outputs
 * commit atomically, so accepted audio is neither lost nor transcribed twice.
 *
 * <p>Ordering: chunks are applied in sequence order. Duplicates (sequence already applied) are dropped. A chunk
 * that arrives early waits in the journal until the gap fills; when more than {@code reorderWindow} chunks wait,
 * the missing sequences are declared lost (a dead letter says which) and decoding continues.
 *
 * <p>Batching: accepted audio marks a stream dirty, and a stream with a full encoder window ready joins the
 * stream thread's {@link ThreadBatcher}, shared by all tasks of the thread. A flush (when {@code maxBatch} windows
 * are ready, on end-of-stream, or on a short wall-clock punctuation) decodes every ready window of the thread in
 * batched encoder calls and emits this task's dirty streams; other tasks emit theirs at their next flush.
 */
public final class RecognitionProcessor implements Processor<String, byte[], String, Object> {

    public static final String STATE_STORE = "asr-stream-state";
    public static final String SNAPSHOT_STORE = "asr-stream-snapshot";
    public static final String JOURNAL_STORE = "asr-stream-journal";
    public static final String TRANSCRIPT_SINK = "transcripts-sink";
    public static final String DLQ_SINK = "dlq-sink";

    private static final Logger LOG = LoggerFactory.getLogger(RecognitionProcessor.class);
    private static final long BATCH_LINGER_MS = 20;
    private static final long SWEEP_INTERVAL_MS = 1_000;
    private static final double CHECKPOINT_AUDIO_SECONDS = 3.0;
    static final double MAX_CHECKPOINT_AUDIO_SECONDS = 30.0;
    private static final long ENDED_RETENTION_MS = 10 * 60_000;
    private static final long UNSET = Long.MIN_VALUE;

    private final Recognizer recognizer;
    private final StreamsAppConfig config;
    private final Deserializer<AudioChunk> chunkDeserializer = AsrSerdes.audioChunk().deserializer();
    private final AudioChunkValidator validator = AudioChunkValidator.defaults();
    private final Map<String, RecognizerStream> live = new HashMap<>();
    private final Map<String, Double> checkpointAudio = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Streams the idle sweep has finished and whose end has not been emitted yet. */
    private final Set<String> closingIdle = new HashSet<>();
    /** Streams already warned about a routing request this instance cannot serve (one log line per stream). */
    private final Set<String> unservedRequests = new HashSet<>();

    private ProcessorContext<String, Object> context;
    /**
     * Wall-clock time this task last received a record, or first swept: a partition quiet this long has no producer.
     * Unset until then, because the context's cached system time is 0 while a task initializes.
     */
    private long lastInputWallMs = UNSET;
    private KeyValueStore<String, StreamState> states;
    private KeyValueStore<String, byte[]> snapshots;
    private KeyValueStore<String, byte[]> journal;

    public RecognitionProcessor(Recognizer recognizer, StreamsAppConfig config) {
        this.recognizer = recognizer;
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.snapshots = context.getStateStore(SNAPSHOT_STORE);
        this.journal = context.getStateStore(JOURNAL_STORE);
        context.schedule(Duration.ofMillis(BATCH_LINGER_MS), PunctuationType.WALL_CLOCK_TIME, t -> flush());
        context.schedule(Duration.ofMillis(SWEEP_INTERVAL_MS), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        lastInputWallMs = context.currentSystemTimeMs();
        AudioChunk chunk;
        try {
            chunk = chunkDeserializer.deserialize(Topics.AUDIO, record.value());
        } catch (SerializationException e) {
            deadLetter(record, "malformed audio chunk: " + rootMessage(e), e);
            return;
        }
        if (chunk == null) {
            deadLetter(record, "empty record value: expected an audio chunk", null);
            return;
        }
        if (record.key() != null && !record.key().equals(chunk.streamId())) {
            deadLetter(record, "record key '" + record.key() + "' does not match the chunk's stream id '"
                    + chunk.streamId() + "'", null);
            return;
        }
        Optional<String> invalid = validator.validate(chunk);
        if (invalid.isPresent()) {
            deadLetter(record, invalid.get(), null);
            return;
        }
        RoutingRequest routing;
        try {
            routing = routingRequest(record);
        } catch (IllegalArgumentException e) {
            deadLetter(record, "header " + Topics.CODA_HEADER + " of chunk " + chunk.sequence() + " of stream '"
                    + chunk.streamId() + "': " + e.getMessage(), null);
            return;
        }
        String id = chunk.streamId();
        long now = context.currentSystemTimeMs();
        StreamState state = states.get(id);
        if (state == null) {
            state = StreamState.start(chunk.utteranceId(), chunk.sampleRate(), record.timestamp());
        }
        if (state.ended() && state.closedIdle() && chunk.sequence() >= state.nextSequence()) {
            LOG.info("stream {}: chunk {} arrived after the stream was closed as idle: reopening it", id,
                    chunk.sequence());
            state = state.reopened();
        }
        if (state.ended()) {
            deadLetter(record, "chunk " + chunk.sequence() + " of stream '" + id + "' arrived after its end-of-stream",
                    null);
            return;
        }
        if (chunk.sequence() < state.nextSequence()) {
            LOG.debug("dropping duplicate chunk {} of stream {}", chunk.sequence(), id);
            return;
        }
        if (chunk.sequence() > state.nextSequence()) {
            if (journal.get(journalKey(id, chunk.sequence())) != null) {
                return; // duplicate of a chunk already waiting
            }
            journal.put(journalKey(id, chunk.sequence()), record.value());
            states.put(id, state);
            state = skipGapIfWindowFull(record, id, state);
            state = drainInOrder(record, id, state, now);
            states.put(id, state);
            return;
        }
        state = apply(record, id, state, chunk, record.value(), false, now, routing);
        state = drainInOrder(record, id, state, now);
        states.put(id, state);
        if (batcher().size(recognizer) >= config.maxBatch() || chunk.endOfStream()) {
            flush();
        }
    }

    /**
     * Applies the next in-order chunk ({@code raw}: its serialized form, already in the journal when
     * {@code journaled}). A chunk that makes the recognizer throw is dead-lettered with the exception and left out:
     * the stream is rebuilt without it from its snapshot and journal on its next chunk, so one bad chunk can neither
     * stop the stream nor, thrown again on every retry, the application.
     */
    private StreamState apply(Record<String, byte[]> record, String id, StreamState state, AudioChunk chunk,
            byte[] raw, boolean journaled, long now, RoutingRequest routing) {
        if (chunk.sampleRate() != state.sampleRate()) {
            deadLetter(record, raw, "sample rate changed mid-stream from " + state.sampleRate() + " Hz to "
                    + chunk.sampleRate() + " Hz at chunk " + chunk.sequence() + " of stream '" + id
                    + "'; chunk dropped", null);
            journal.delete(journalKey(id, chunk.sequence()));
            return state.withNextSequence(chunk.sequence() + 1);
        }
        float[] samples = chunk.samples();
        // only float PCM can carry NaN or infinity, which would poison the features of every later window
        int bad = chunk.encoding() == AudioEncoding.PCM_F32LE ? firstNonFinite(samples) : -1;
        if (bad >= 0) {
            deadLetter(record, raw, "chunk " + chunk.sequence() + " of stream '" + id + "': sample " + bad + " is "
                    + samples[bad] + ", expected finite audio; chunk dropped"
                    + (chunk.endOfStream() ? ", the stream ends without it" : ""), null);
            journal.delete(journalKey(id, chunk.sequence()));
            if (!chunk.endOfStream()) {
                return state.withNextSequence(chunk.sequence() + 1);
            }
            samples = new float[0];
        }
        if (!journaled) {
            journal.put(journalKey(id, chunk.sequence()), raw);
        }
        RecognizerStream stream;
        try {
            stream = stream(id, state);
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
            journal.delete(journalKey(id, chunk.sequence()));
            deadLetter(record, raw, "stream '" + id + "': chunk " + chunk.sequence() + " made the recognizer fail ("
                    + rootMessage(e) + "); the stream goes on without it", e);
            return state.withNextSequence(chunk.sequence() + 1);
        }
        dirty.add(id);
        if (stream.isReady()) {
            batcher().add(recognizer, stream);
        }
        return state.accepted(chunk.sequence() + 1, record.timestamp(), chunk.captureTimeMs());
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

    /** The stream's routing request in the record's last {@link Topics#CODA_HEADER} header; null when it has none. */
    private static RoutingRequest routingRequest(Record<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.CODA_HEADER);
        if (header == null) {
            return null;
        }
        if (header.value() == null) {
            throw new IllegalArgumentException("expected 'adaptive' or a CoDA reduction factor, got an empty value");
        }
        return RoutingRequest.parse(new String(header.value(), StandardCharsets.UTF_8));
    }

    private StreamState drainInOrder(Record<String, byte[]> record, String id, StreamState state, long now) {
        while (!state.ended()) {
            byte[] waiting = journal.get(journalKey(id, state.nextSequence()));
            if (waiting == null) {
                return state;
            }
            AudioChunk next = chunkDeserializer.deserialize(Topics.AUDIO, waiting);
            state = apply(record, id, state, next, waiting, true, now, null);
            if (next.endOfStream()) {
                return state;
            }
        }
        return state;
    }

    private StreamState skipGapIfWindowFull(Record<String, byte[]> record, String id, StreamState state) {
        List<Long> waiting = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = journal.range(journalKey(id, state.nextSequence()),
                journalKey(id, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                waiting.add(sequenceOf(it.next().key));
            }
        }
        if (waiting.size() <= config.reorderWindow()) {
            return state;
        }
        long first = waiting.get(0);
        deadLetter(record, "stream '" + id + "': chunks " + state.nextSequence() + ".." + (first - 1)
                + " never arrived within the reorder window of " + config.reorderWindow()
                + " chunks; decoding continues from chunk " + first, null);
        return state.withNextSequence(first);
    }

    private RecognizerStream stream(String id, StreamState state) {
        RecognizerStream s = live.get(id);
        if (s != null) {
            return s;
        }
        byte[] snap = snapshots.get(id);
        if (snap != null) {
            try {
                s = recognizer.restoreStream(snap);
            } catch (AsrException e) {
                unrestorable(id, state, snap, e);
            }
        }
        if (s == null) {
            s = recognizer.createStream();
            s.continueSegmentsFrom(Math.max(state.segmentBase(), state.finalsEmitted()));
        }
        // replay the journal: accepted chunks that the snapshot does not hold yet
        if (state.nextSequence() > state.snapshotSequence()) {
            replay(id, state, s);
        }
        live.put(id, s);
        checkpointAudio.put(id, s.audioSeconds());
        if (state.nextSequence() > state.snapshotSequence()) {
            dirty.add(id);
        }
        return s;
    }

    private void replay(String id, StreamState state, RecognizerStream s) {
        try (KeyValueIterator<String, byte[]> it = journal.range(journalKey(id, state.snapshotSequence()),
                journalKey(id, state.nextSequence() - 1))) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                AudioChunk c = chunkDeserializer.deserialize(Topics.AUDIO, kv.value);
                s.acceptWaveform(c.samples(), c.sampleRate());
                if (c.endOfStream()) {
                    s.inputFinished();
                }
            }
        }
    }

    /** Decodes every ready window of this thread, batched, and emits what changed in this task's dirty streams. */
    void flush() {
        if (dirty.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(dirty);
        dirty.clear();
        for (String id : ids) {
            RecognizerStream s = live.get(id);
            if (s != null && s.isReady()) {
                batcher().add(recognizer, s); // e.g. restored from a snapshot + journal, or input just finished
            }
        }
        batcher().decode(recognizer, config.maxBatch());
        for (String id : ids) {
            RecognizerStream s = live.get(id);
            if (s != null) {
                emit(id, s);
            }
        }
    }

    /** Looked up per use: the processor may be built on another thread than the stream thread that runs it. */
    private static ThreadBatcher batcher() {
        return ThreadBatcher.current();
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
        double sinceCheckpoint = stream.audioSeconds() - checkpointAudio.getOrDefault(id, 0.0);
        if (sinceCheckpoint >= CHECKPOINT_AUDIO_SECONDS
                && (!stream.holdsEncoderContext() || sinceCheckpoint >= MAX_CHECKPOINT_AUDIO_SECONDS)) {
            snapshots.put(id, stream.snapshot());
            deleteJournal(id, state.snapshotSequence(), state.nextSequence());
            state = state.withSnapshotAt(state.nextSequence());
            checkpointAudio.put(id, stream.audioSeconds());
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
                r.endSeconds(), latency, now, streamComplete);
        context.forward(new Record<String, Object>(id, t, now), TRANSCRIPT_SINK);
    }

    /** The partition's stream time: the newest record timestamp this task has seen (0 before any). */
    private long streamTimeMs() {
        return Math.max(0, context.currentStreamTimeMs());
    }

    /**
     * Finalizes streams that sent no end-of-stream. A stream is idle when the partition's stream time has moved
     * {@code idleTimeoutMs} past its newest record: the data says its producer went quiet while others went on. The
     * wall clock of this member never decides that alone, because a member that has just been handed a backlog (a
     * restart, a rebalance) reads the streams' remaining audio only after its punctuations have started. Only when
     * the whole partition has received nothing for {@code idleTimeoutMs} of wall-clock time since this task started
     * or last received a record are all its open streams finalized: then no producer is left to send more.
     */
    private void sweep(long now) {
        if (lastInputWallMs == UNSET) {
            lastInputWallMs = now;
        }
        long streamTime = streamTimeMs();
        boolean partitionQuiet = now - lastInputWallMs > config.idleTimeoutMs();
        List<String> idle = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, StreamState> it = states.all()) {
            while (it.hasNext()) {
                KeyValue<String, StreamState> kv = it.next();
                StreamState s = kv.value;
                long quietInData = streamTime - s.lastRecordTimeMs();
                if (s.ended() && quietInData > ENDED_RETENTION_MS) {
                    expired.add(kv.key);
                } else if (!s.ended() && (quietInData > config.idleTimeoutMs() || partitionQuiet)) {
                    idle.add(kv.key);
                }
            }
        }
        for (String id : expired) {
            states.delete(id);
        }
        for (String id : idle) {
            StreamState s = states.get(id);
            if (partitionQuiet) {
                LOG.info("stream {}: no record in its partition for {} ms and no end-of-stream: finalizing", id,
                        now - lastInputWallMs);
            } else {
                LOG.info("stream {}: {} ms of stream time without audio or end-of-stream: finalizing", id,
                        streamTime - s.lastRecordTimeMs());
            }
            RecognizerStream stream = stream(id, s);
            stream.inputFinished();
            closingIdle.add(id);
            dirty.add(id);
        }
        flush();
    }

    /** Drops the in-memory recognizer of a stream; its next use rebuilds it from snapshot and journal. */
    private void forget(String id) {
        RecognizerStream s = live.remove(id);
        if (s != null) {
            batcher().remove(recognizer, List.of(s));
        }
        dirty.remove(id);
        checkpointAudio.remove(id);
    }

    /**
     * A snapshot this recognizer cannot read (e.g. written by another model before a restart with a new one): it
     * goes to the dead-letter topic, and the stream goes on from the audio in its journal, after the snapshot.
     */
    private void unrestorable(String id, StreamState state, byte[] snapshot, AsrException e) {
        snapshots.delete(id);
        String reason = "stream '" + id + "': its recognizer snapshot cannot be restored (" + e.getMessage()
                + "); decoding goes on from chunk " + state.snapshotSequence()
                + ", the audio before it is not decoded again";
        long now = context.currentSystemTimeMs();
        forwardDeadLetter(new DeadLetter(SNAPSHOT_STORE, -1, -1L, id, reason, e.getClass().getName(), snapshot, now),
                now);
    }

    /** A stream whose decoding threw: dead-lettered, then closed with the finals it has, so it ends cleanly. */
    private void decodingFailed(String id, RecognizerStream stream, RuntimeException e) {
        forget(id);
        StreamState state = states.get(id);
        long now = context.currentSystemTimeMs();
        forwardDeadLetter(new DeadLetter(Topics.AUDIO, -1, -1L, id, "stream '" + id + "': decoding failed after "
                + String.format(java.util.Locale.ROOT, "%.2f", stream.audioSeconds()) + " s of audio ("
                + rootMessage(e) + "); the stream is closed with " + state.finalsEmitted() + " final(s)",
                e.getClass().getName(), null, now), now);
        complete(id, state, stream, now);
    }

    /** Emits the stream-complete record with every final, marks the stream ended and drops its working state. */
    private void complete(String id, StreamState state, RecognizerStream stream, long now) {
        forwardTranscript(id, state, new RecognitionResult(state.finalsEmitted(), state.finalText(), List.of(),
                true, 0, stream.audioSeconds()), true, now, stream.variant());
        StreamState ended = state.asEnded(streamTimeMs(), closingIdle.remove(id));
        deleteJournal(id, 0, ended.nextSequence());
        snapshots.delete(id);
        live.remove(id);
        checkpointAudio.remove(id);
        unservedRequests.remove(id);
        states.put(id, ended);
    }

    private void deleteJournal(String id, long from, long to) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = journal.range(journalKey(id, from), journalKey(id, to))) {
            while (it.hasNext()) {
                String k = it.next().key;
                if (sequenceOf(k) < to) {
                    keys.add(k);
                }
            }
        }
        keys.forEach(journal::delete);
    }

    private void deadLetter(Record<String, byte[]> record, String reason, Throwable error) {
        deadLetter(record, record.value(), reason, error);
    }

    /** Dead-letters {@code value} (the record's own bytes, or a journaled chunk drained with it). */
    private void deadLetter(Record<String, byte[]> record, byte[] value, String reason, Throwable error) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        DeadLetter dl = new DeadLetter(meta.map(RecordMetadata::topic).orElse(Topics.AUDIO),
                meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                record.key(), reason, error == null ? null : error.getClass().getName(), value,
                context.currentSystemTimeMs());
        forwardDeadLetter(dl, record.timestamp());
    }

    private void forwardDeadLetter(DeadLetter dl, long timestamp) {
        LOG.warn("dead letter for key {}: {}", dl.key(), dl.reason());
        context.forward(new Record<String, Object>(dl.key(), dl, timestamp), DLQ_SINK);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    static String journalKey(String streamId, long sequence) {
        // zero-padded so that the store's lexicographic order is sequence order (no String.format: hot path)
        String digits = Long.toString(sequence);
        return streamId + '\u0000' + "0000000000000000000".substring(digits.length()) + digits;
    }

    static long sequenceOf(String journalKey) {
        return Long.parseLong(journalKey.substring(journalKey.lastIndexOf('\u0000') + 1));
    }

    @Override
    public void close() {
        batcher().remove(recognizer, live.values());
        live.clear();
        dirty.clear();
        closingIdle.clear();
    }
}
