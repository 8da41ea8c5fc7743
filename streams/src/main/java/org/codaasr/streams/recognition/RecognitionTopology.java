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

/** Builds the recognition topology: {@code asr.audio} -> recognizer -> {@code asr.transcripts} (+ {@code asr.dlq}). */
public final class RecognitionTopology {

    private static final String SOURCE = "audio-source";
    private static final String PROCESSOR = "recognizer";
    private static final String AUDIO_METER = "audio-meter";

    private RecognitionTopology() {}

    /**
     * The three stores are in-memory and changelogged: a stream's state is small and short-lived (a chunk journal of
     * a few seconds, one recognizer snapshot, a status record) and is deleted at end-of-stream, so restoring from the
     * compacted changelog after a restart is quick, and there is no RocksDB flush on every exactly-once commit
     * (every 100 ms).
     *
     * <p>The audio source reads raw bytes so that a malformed chunk becomes a dead letter inside the processor (with
     * exactly-once semantics) instead of a deserialization failure of the whole task.
     */
    public static Topology build(StreamsAppConfig config, Recognizer recognizer) {
        return build(config, recognizer, null);
    }

    /**
     * The same with {@code metrics} (null: none) shown what goes in and out: a {@link MeteringTap} between the source
     * and the recognizer, and one in front of each sink (taking the name the recognizer forwards to).
     */
    @SuppressWarnings("unchecked")
    public static Topology build(StreamsAppConfig config, Recognizer recognizer, PipelineMetrics metrics) {
        Topology t = new Topology();
        t.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.AUDIO);
        String recognizerInput = SOURCE;
        if (metrics != null) {
            t.addProcessor(AUDIO_METER, () -> new MeteringTap<String, byte[]>(metrics::audio), SOURCE);
            recognizerInput = AUDIO_METER;
        }
        t.addProcessor(PROCESSOR, () -> new RecognitionProcessor(recognizer, config), recognizerInput);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RecognitionProcessor.STATE_STORE),
                Serdes.String(), StreamState.serde()), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RecognitionProcessor.SNAPSHOT_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(StreamsAppConfig.MAX_RECORD_BYTES))), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RecognitionProcessor.JOURNAL_STORE), Serdes.String(),
                Serdes.ByteArray()), PROCESSOR);
        String transcriptSink = RecognitionProcessor.TRANSCRIPT_SINK;
        String dlqSink = RecognitionProcessor.DLQ_SINK;
        if (metrics != null) {
            t.addProcessor(transcriptSink, () -> new MeteringTap<String, Object>(metrics::transcript), PROCESSOR);
            t.addProcessor(dlqSink, () -> new MeteringTap<String, Object>(metrics::deadLetter), PROCESSOR);
            t.addSink("transcripts-out", Topics.TRANSCRIPTS, Serdes.String().serializer(),
                    (Serializer<Object>) (Serializer<?>) AsrSerdes.transcript().serializer(), transcriptSink);
            t.addSink("dlq-out", Topics.DLQ, Serdes.String().serializer(),
                    (Serializer<Object>) (Serializer<?>) AsrSerdes.deadLetter().serializer(), dlqSink);
            return t;
        }
        t.addSink(transcriptSink, Topics.TRANSCRIPTS, Serdes.String().serializer(),
                (Serializer<Object>) (Serializer<?>) AsrSerdes.transcript().serializer(), PROCESSOR);
        t.addSink(dlqSink, Topics.DLQ, Serdes.String().serializer(),
                (Serializer<Object>) (Serializer<?>) AsrSerdes.deadLetter().serializer(), PROCESSOR);
        return t;
    }
}
