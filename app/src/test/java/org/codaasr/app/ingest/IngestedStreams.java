package org.codaasr.app.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.codaasr.messages.AudioChunker;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.codaasr.messages.Topics;

/** Reads back what an ingest run put on a broker and checks it against the source utterances. */
final class IngestedStreams {

    static final Path TEST_OTHER = DataSets.demoSet();

    private IngestedStreams() {
    }

    /** The first {@code n} demo-set utterances, in the order {@code asr ingest --librispeech --limit n} sends them. */
    static List<AudioItem> firstUtterances(int n) {
        return LibriSpeechSource.items(TEST_OTHER).subList(0, n);
    }

    /** Checks chunk counts, sequence order, end-of-stream flags and references for every item. */
    static void assertIngested(String bootstrapServers, List<AudioItem> items, int chunkMs, String runId) {
        Map<String, List<AudioChunk>> chunks = new HashMap<>();
        Map<String, Reference> references = new HashMap<>();
        AudioLoader loader = AudioLoader.decoder();
        Map<String, Integer> expectedChunks = new HashMap<>();
        long expectedTotal = 0;
        for (AudioItem item : items) {
            int samples = loader.load16k(item.audio()).length;
            int step = new AudioChunker(chunkMs).samplesPerChunk(AudioLoader.SAMPLE_RATE);
            int count = Math.max(1, (samples + step - 1) / step);
            expectedChunks.put(item.utteranceId(), count);
            expectedTotal += count;
        }

        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "ingest-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long received = 0;
        try (var audio = new KafkaConsumer<>(config, new StringDeserializer(), AsrSerdes.audioChunk().deserializer());
             var refs = new KafkaConsumer<>(config, new StringDeserializer(), AsrSerdes.reference().deserializer())) {
            audio.subscribe(List.of(Topics.AUDIO));
            refs.subscribe(List.of(Topics.REFERENCES));
            long deadline = System.currentTimeMillis() + 30_000;
            while ((received < expectedTotal || references.size() < items.size()) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, AudioChunk> record : audio.poll(Duration.ofMillis(100))) {
                    assertEquals(record.key(), record.value().streamId());
                    chunks.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                    received++;
                }
                for (ConsumerRecord<String, Reference> record : refs.poll(Duration.ofMillis(10))) {
                    references.put(record.key(), record.value());
                }
            }
        }

        assertEquals(expectedChunks.keySet(), chunks.keySet());
        for (AudioItem item : items) {
            String id = item.utteranceId();
            List<AudioChunk> stream = chunks.get(id);
            assertEquals(expectedChunks.get(id), stream.size(), "chunks of " + id);
            for (int i = 0; i < stream.size(); i++) {
                AudioChunk chunk = stream.get(i);
                assertEquals(i, chunk.sequence(), "sequence order of " + id);
                assertEquals(i == stream.size() - 1, chunk.endOfStream(), "end-of-stream flag of " + id + " #" + i);
                assertEquals(id, chunk.utteranceId());
                assertEquals(AudioLoader.SAMPLE_RATE, chunk.sampleRate());
            }
            assertEquals(item.speaker(), references.get(id).speaker());
            assertEquals(item.referenceText(), references.get(id).text());
            assertEquals(id, references.get(id).streamId());
            assertEquals(runId, references.get(id).runId(), "run of " + id);
            assertTrue(item.referenceText().length() > 10);
        }
    }
}
