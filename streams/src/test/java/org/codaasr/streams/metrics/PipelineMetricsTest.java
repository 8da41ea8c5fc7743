package org.codaasr.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.recognition.RecognitionTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metered recognition topology: the same records out as without metrics, and the counts of what went through. */
class PipelineMetricsTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    @TempDir
    Path stateDir;

    @Test
    void countsWhatGoesInAndOutAndChangesNothing() {
        try (Recognizer recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)))) {
            float[] head = Arrays.copyOf(AudioDecoder.load(DEV_FLAC, 16000).samples(), 16000 * 4);
            List<AudioChunk> chunks = new AudioChunker(250).split("s1", "utt-1", head, 16000, 1_000L);
            List<Transcript> plain = run(recognizer, chunks, null, "plain");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            List<Transcript> metered = run(recognizer, chunks, new PipelineMetrics(registry, recognizer), "metered");
            assertEquals(plain.stream().map(Transcript::text).toList(), metered.stream().map(Transcript::text).toList());
            assertEquals(1.0, registry.counter("asr.streams.started").count());
            assertEquals(4.0, registry.more().counter("asr.audio.seconds", List.of(), 0).count(), 1e-9);
            long finals = metered.stream().filter(t -> t.kind() == Transcript.Kind.FINAL).count();
            assertTrue(finals >= 1);
            assertEquals(finals, registry.get("asr.finals").counter().count());
            assertEquals(finals, registry.get("asr.final.latency").timer().count());
            assertEquals(1.0, registry.get("asr.streams.completed").tag("aborted", "false").counter().count());
            assertEquals(1.0, registry.get("asr.dead.letters").tag("reason", "malformed").counter().count());
        }
    }

    private List<Transcript> run(Recognizer recognizer, List<AudioChunk> chunks, PipelineMetrics metrics,
            String name) {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(stateDir.resolve(name));
        try (TopologyTestDriver driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer,
                metrics), config.toProperties())) {
            TestInputTopic<String, byte[]> audio = driver.createInputTopic(Topics.AUDIO, Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            TestOutputTopic<String, Transcript> transcripts = driver.createOutputTopic(Topics.TRANSCRIPTS,
                    Serdes.String().deserializer(), AsrSerdes.transcript().deserializer());
            audio.pipeInput("junk", new byte[] {1, 2, 3});
            for (AudioChunk c : chunks) {
                audio.pipeInput(c.streamId(), AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, c));
                driver.advanceWallClockTime(Duration.ofMillis(25));
            }
            return transcripts.readValuesToList().stream().filter(t -> t.kind() != Transcript.Kind.PARTIAL).toList();
        }
    }

    @Test
    void deadLetterReasonsFallIntoFixedCategoriesWithoutTheirStreamIds() {
        assertEquals("malformed", PipelineMetrics.reasonCategory("malformed audio chunk: not an AudioChunk"));
        assertEquals("sample_rate_change", PipelineMetrics.reasonCategory(
                "sample rate changed mid-stream from 16000 Hz to 8000 Hz at chunk 3 of stream 's1'; chunk dropped"));
        assertEquals("after_end", PipelineMetrics.reasonCategory("chunk 9 of stream 's1' after its end-of-stream"));
        assertEquals("gap", PipelineMetrics.reasonCategory(
                "stream 's1': chunks 3..5 never arrived within the reorder window of 64 chunks"));
        assertEquals("other", PipelineMetrics.reasonCategory("something new"));
    }
}
