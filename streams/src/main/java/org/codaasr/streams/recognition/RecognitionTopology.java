package org.codaasr.streams.recognition;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.Topics;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.metrics.MeteringTap;
import org.codaasr.streams.metrics.PipelineMetrics;

/**
 * Builds the recognition topology, in three stages: {@code asr.audio} -> validate ({@link ValidationProcessor}) ->
 * order ({@link OrderingProcessor}) -> recognize ({@link RecognitionProcessor}) -> {@code asr.transcripts}; what
 * any stage rejects goes to {@code asr.dlq}.
 */
public final class RecognitionTopology {

    static final String SOURCE = "audio-source";
    static final String VALIDATOR = "validate";
    static final String ORDER = "order";
    static final String RECOGNIZER = "recognize";
    static final String TRANSCRIPT_SINK = "transcripts-sink";
    static final String DLQ_SINK = "dlq-sink";
    static final String AUDIO_METER = "audio-meter";

    private RecognitionTopology() {}

    /**
     * The three stores (the stream states and the chunk journal shared by the order and recognize stages, the
     * recognizer snapshots of the recognize stage) are in-memory and changelogged: a stream's state is small and
     * short-lived (a chunk journal of a few seconds, one recognizer snapshot, a status record) and is deleted at
     * end-of-stream, so restoring from the compacted changelog after a restart is quick, and there is no RocksDB flush
     * on every exactly-once commit (every 100 ms).
     *
     * <p>The audio source reads raw bytes so that a malformed chunk becomes a dead letter in the validate stage (with
     * exactly-once semantics) instead of a deserialization failure of the whole task.
     *
     * <p>Each build owns one {@link ThreadBatcher} and one {@link IdleRule.ThreadProgress} per stream thread, shared by
     * the recognize processors of that thread's tasks.
     */
    public static Topology build(StreamsAppConfig config, Recognizer recognizer) {
        return build(config, recognizer, null);
    }

    /**
     * The same with {@code metrics} (null: none) shown what goes in and out: a {@link MeteringTap} between the source
     * and the validate stage, and one in front of each sink (taking the name the stages forward to).
     */
    @SuppressWarnings("unchecked")
    public static Topology build(StreamsAppConfig config, Recognizer recognizer, PipelineMetrics metrics) {
        PerStreamThread<ThreadBatcher> batchers =
                new PerStreamThread<>(() -> new ThreadBatcher(recognizer, config.maxBatch()));
        PerStreamThread<IdleRule.ThreadProgress> progress =
                new PerStreamThread<>(() -> new IdleRule.ThreadProgress(config.idleTimeoutMs()));
        Topology t = new Topology();
        t.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.AUDIO);
        String validatorInput = SOURCE;
        if (metrics != null) {
            t.addProcessor(AUDIO_METER, () -> new MeteringTap<String, byte[]>(metrics::audio), SOURCE);
            validatorInput = AUDIO_METER;
        }
        t.addProcessor(VALIDATOR, ValidationProcessor::new, validatorInput);
        t.addProcessor(ORDER, () -> new OrderingProcessor(config), VALIDATOR);
        t.addProcessor(RECOGNIZER, () -> new RecognitionProcessor(recognizer, config, batchers, progress), ORDER);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RecognitionProcessor.STATE_STORE),
                Serdes.String(), StreamState.serde()), ORDER, RECOGNIZER);
        t.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RecognitionProcessor.SNAPSHOT_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(StreamsAppConfig.MAX_RECORD_BYTES))), RECOGNIZER);
        t.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RecognitionProcessor.JOURNAL_STORE), Serdes.String(),
                Serdes.ByteArray()), ORDER, RECOGNIZER);
        if (metrics != null) {
            t.addProcessor(TRANSCRIPT_SINK, () -> new MeteringTap<String, Object>(metrics::transcript), RECOGNIZER);
            t.addProcessor(DLQ_SINK, () -> new MeteringTap<String, Object>(metrics::deadLetter), VALIDATOR, ORDER,
                    RECOGNIZER);
            t.addSink("transcripts-out", Topics.TRANSCRIPTS, Serdes.String().serializer(),
                    (Serializer<Object>) (Serializer<?>) AsrSerdes.transcript().serializer(), TRANSCRIPT_SINK);
            t.addSink("dlq-out", Topics.DLQ, Serdes.String().serializer(),
                    (Serializer<Object>) (Serializer<?>) AsrSerdes.deadLetter().serializer(), DLQ_SINK);
            return t;
        }
        t.addSink(TRANSCRIPT_SINK, Topics.TRANSCRIPTS, Serdes.String().serializer(),
                (Serializer<Object>) (Serializer<?>) AsrSerdes.transcript().serializer(), RECOGNIZER);
        t.addSink(DLQ_SINK, Topics.DLQ, Serdes.String().serializer(),
                (Serializer<Object>) (Serializer<?>) AsrSerdes.deadLetter().serializer(), VALIDATOR, ORDER,
                RECOGNIZER);
        return t;
    }
}
