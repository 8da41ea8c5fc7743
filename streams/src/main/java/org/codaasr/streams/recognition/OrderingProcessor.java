package org.codaasr.streams.recognition;

import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Topics;
import org.codaasr.streams.StreamsAppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordering stage: hands the recognize stage each stream's chunks once and in sequence order.
 *
 * <p>A duplicate (its sequence already handed on, or already waiting) is dropped. A chunk that comes early waits in
 * the {@link ChunkJournal} until the gap before it fills; when more than {@code reorderWindow} chunks wait, a dead
 * letter names the missing sequences and the stream goes on after them. A chunk after the stream's end-of-stream is
 * dead-lettered, unless the idle rule ended the stream: then its producer only paused, and the stream is reopened.
 *
 * <p>The contract with the recognize stage, which shares the stream's {@link StreamState}: it takes every chunk
 * handed on, accepted or rejected, and moves the state's {@code nextSequence} past it before returning.
 */
final class OrderingProcessor implements Processor<String, AcceptedChunk, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(OrderingProcessor.class);

    private final StreamsAppConfig config;
    private final Deserializer<AudioChunk> chunkDeserializer = AsrSerdes.audioChunk().deserializer();
    private ProcessorContext<String, Object> context;
    private DeadLetters deadLetters;
    private KeyValueStore<String, StreamState> states;
    private ChunkJournal journal;

    OrderingProcessor(StreamsAppConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.deadLetters = new DeadLetters(context);
        this.states = context.getStateStore(RecognitionProcessor.STATE_STORE);
        this.journal = new ChunkJournal(context.getStateStore(RecognitionProcessor.JOURNAL_STORE));
    }

    @Override
    public void process(Record<String, AcceptedChunk> record) {
        AudioChunk chunk = record.value().chunk();
        String id = chunk.streamId();
        StreamState state = states.get(id);
        if (state == null) {
            state = StreamState.start(chunk.utteranceId(), chunk.sampleRate(), record.timestamp());
        }
        if (state.ended() && state.closedIdle() && chunk.sequence() >= state.nextSequence()) {
            state = reopen(id, state, chunk, record.timestamp());
        }
        if (state.ended()) {
            reject(record, "chunk " + chunk.sequence() + " of stream '" + id + "' arrived after its end-of-stream");
            return;
        }
        if (chunk.sequence() < state.nextSequence()) {
            LOG.debug("dropping duplicate chunk {} of stream {}", chunk.sequence(), id);
            return;
        }
        if (chunk.sequence() > state.nextSequence()) {
            if (journal.get(id, chunk.sequence()) != null) {
                return; // duplicate of a chunk already waiting
            }
            journal.put(id, chunk.sequence(), record.value().raw());
            states.put(id, skipGapIfWindowFull(record, id, state.heardAt(record.timestamp())));
        } else {
            states.put(id, state);
            handOn(record, new InOrderChunk(chunk, record.value().routing(), record.value().raw(), false));
        }
        drainInOrder(record, id);
    }

    private StreamState reopen(String id, StreamState state, AudioChunk chunk, long recordTimeMs) {
        long pauseMs = recordTimeMs - state.lastRecordTimeMs();
        if (pauseMs > config.idleTimeoutMs()) {
            LOG.info("stream {}: chunk {} came {} ms after the stream's previous record, which closed it as idle:"
                    + " reopening it", id, chunk.sequence(), pauseMs);
        } else {
            LOG.warn("stream {}: chunk {} came only {} ms after the stream's previous record, yet the stream was"
                    + " closed as idle (producer clocks out of step?): reopening it", id, chunk.sequence(), pauseMs);
        }
        return state.reopened();
    }

    /** Hands on the chunks that waited in the journal for the ones before them, as long as they follow on. */
    private void drainInOrder(Record<String, AcceptedChunk> record, String id) {
        while (true) {
            StreamState state = states.get(id);
            if (state == null || state.ended()) {
                return;
            }
            byte[] waiting = journal.get(id, state.nextSequence());
            if (waiting == null) {
                return;
            }
            AudioChunk next = chunkDeserializer.deserialize(Topics.AUDIO, waiting);
            handOn(record, new InOrderChunk(next, null, waiting, true));
            if (next.endOfStream()) {
                return;
            }
        }
    }

    private void handOn(Record<String, AcceptedChunk> record, InOrderChunk chunk) {
        String id = chunk.chunk().streamId();
        context.forward(record.withValue((Object) chunk), RecognitionTopology.RECOGNIZER);
        StreamState after = states.get(id);
        if (after == null || after.nextSequence() <= chunk.chunk().sequence()) {
            throw new IllegalStateException("stream '" + id + "': the recognize stage did not move past chunk "
                    + chunk.chunk().sequence());
        }
    }

    private StreamState skipGapIfWindowFull(Record<String, AcceptedChunk> record, String id, StreamState state) {
        List<Long> waiting = journal.sequencesFrom(id, state.nextSequence());
        if (waiting.size() <= config.reorderWindow()) {
            return state;
        }
        long first = waiting.get(0);
        reject(record, "stream '" + id + "': chunks " + state.nextSequence() + ".." + (first - 1)
                + " never arrived within the reorder window of " + config.reorderWindow()
                + " chunks; decoding continues from chunk " + first);
        return state.withNextSequence(first);
    }

    private void reject(Record<String, AcceptedChunk> record, String reason) {
        deadLetters.reject(record, record.value().raw(), reason, null);
    }
}
