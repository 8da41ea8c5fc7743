package org.codaasr.streams.wer;

import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.Reference;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.messages.WerRecord;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;
import org.codaasr.streams.StreamsAppConfig;

/**
 * Joins each completed stream's transcript with its reference: {@code asr.transcripts} x {@code asr.references} ->
 * per-utterance {@code asr.wer} records, and running aggregates per run and per speaker on
 * {@code asr.wer.aggregates}.
 */
public final class WerTopology {

    private WerTopology() {}

    public static Topology build(StreamsAppConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, config);
        return builder.build();
    }

    public static void addTo(StreamsBuilder builder, StreamsAppConfig config) {
        KTable<String, Reference> references = builder.table(Topics.REFERENCES,
                Consumed.with(Serdes.String(), AsrSerdes.reference()), Materialized.as("asr-references"));
        KStream<String, WerRecord> perUtterance = builder
                .stream(Topics.TRANSCRIPTS, Consumed.with(Serdes.String(), AsrSerdes.transcript()))
                .filter((k, t) -> t != null && t.streamComplete())
                .join(references, WerTopology::score,
                        Joined.with(Serdes.String(), AsrSerdes.transcript(), AsrSerdes.reference()));
        perUtterance.to(Topics.WER, Produced.with(Serdes.String(), AsrSerdes.werRecord()));
        // the latest score per stream: a stream reopened after an idle close is scored again, and its new score
        // replaces the old one in the aggregates instead of counting the utterance twice
        KTable<String, WerRecord> latest = perUtterance.toTable(Named.as("asr-wer-latest"),
                Materialized.<String, WerRecord, KeyValueStore<Bytes, byte[]>>as("asr-wer-latest")
                        .withKeySerde(Serdes.String()).withValueSerde(AsrSerdes.werRecord()));
        KStream<String, WerAggregate> byRun = aggregate(latest, "run", w -> "run:" + w.runId());
        KStream<String, WerAggregate> bySpeaker = aggregate(latest, "speaker",
                w -> "speaker:" + w.runId() + ":" + w.speaker());
        byRun.merge(bySpeaker).to(Topics.WER_AGGREGATES, Produced.with(Serdes.String(), AsrSerdes.werAggregate()));
    }

    private static KStream<String, WerAggregate> aggregate(KTable<String, WerRecord> latest, String name,
            Function<WerRecord, String> scopeKey) {
        return latest
                .groupBy((k, w) -> KeyValue.pair(scopeKey.apply(w), w),
                        Grouped.with("asr-wer-by-" + name, Serdes.String(), AsrSerdes.werRecord()))
                .aggregate(() -> null, WerTopology::accumulate, WerTopology::remove,
                        Materialized.<String, WerAggregate, KeyValueStore<Bytes, byte[]>>as("asr-wer-" + name)
                                .withKeySerde(Serdes.String()).withValueSerde(AsrSerdes.werAggregate()))
                .toStream()
                .filter((k, agg) -> agg != null);
    }

    static WerRecord score(Transcript t, Reference ref) {
        WerResult w = WerCalculator.compare(ref.text(), t.text());
        return new WerRecord(ref.runId(), ref.utteranceId(), ref.speaker(), w.referenceWords(), w.substitutions(),
                w.deletions(), w.insertions(), 100.0 * w.wer(), ref.text(), t.text());
    }

    static WerAggregate accumulate(String key, WerRecord w, WerAggregate agg) {
        return add(key, w, agg, 1);
    }

    /** Takes back a score that a newer one of the same stream replaces. */
    static WerAggregate remove(String key, WerRecord w, WerAggregate agg) {
        return add(key, w, agg, -1);
    }

    private static WerAggregate add(String key, WerRecord w, WerAggregate agg, int sign) {
        String scope = key.startsWith("run:") ? WerAggregate.RUN_SCOPE : WerAggregate.speakerScope(w.speaker());
        long utts = (agg == null ? 0 : agg.utterances()) + sign;
        long words = (agg == null ? 0 : agg.referenceWords()) + sign * (long) w.referenceWords();
        long errors = (agg == null ? 0 : agg.errors())
                + sign * (long) (w.substitutions() + w.deletions() + w.insertions());
        return new WerAggregate(w.runId(), scope, utts, words, errors, words == 0 ? 0 : 100.0 * errors / words);
    }
}
