package org.codaasr.streams.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.AdaptiveRouting;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams that arrive late (old capture times) are decoded with cheaper CoDA variants; punctual ones are not. */
class AdaptiveRoutingTopologyTest {

    static final Path TINY_CODA = Path.of("asr-model/src/test/resources/models/tiny-coda");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path stateDir;

    @Test
    void lagRaisesTheReductionFactorPerStream() {
        assumeTrue(Files.isDirectory(TINY_CODA), "tiny CoDA models missing");
        RecognizerConfig rc = RecognizerConfig.defaults().withModelDir(TINY_CODA).withVariant(CodaVariant.ADAPTER)
                // segments of at most 1 s: a stream changes variant only where a segment ends
                .withStreaming(new StreamingConfig(8, 16, 0.5, 1.0,
                        new AdaptiveRouting(List.of(CodaVariant.ADAPTER, CodaVariant.CODA_R2,
                                CodaVariant.CODA_R4, CodaVariant.CODA_R8), 1.0, 0.25, 1)));
        float[] head = java.util.Arrays.copyOf(AudioDecoder.load(DEV_FLAC, 16000).samples(), 16000 * 4);
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(stateDir);
        try (Recognizer recognizer = Recognizer.load(rc);
                TopologyTestDriver driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer),
                        config.toProperties(), java.time.Instant.ofEpochMilli(T0))) {
            TestInputTopic<String, byte[]> audio = driver.createInputTopic(Topics.AUDIO, Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            TestOutputTopic<String, Transcript> out = driver.createOutputTopic(Topics.TRANSCRIPTS,
                    Serdes.String().deserializer(), AsrSerdes.transcript().deserializer());
            // "punctual" chunks arrive as their audio is captured (the test clock advances with the audio);
            // "late" audio was captured a minute earlier: the pipeline is far behind on that stream
            List<AudioChunk> late = new AudioChunker(250).split("late", "late", head, 16000, T0 - 60_000);
            List<AudioChunk> punctual = new AudioChunker(250).split("punctual", "punctual", head, 16000, T0);
            for (int i = 0; i < late.size(); i++) {
                driver.advanceWallClockTime(Duration.ofMillis(250));
                for (AudioChunk c : List.of(late.get(i), punctual.get(i))) {
                    audio.pipeInput(c.streamId(), AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, c));
                }
            }
            driver.advanceWallClockTime(Duration.ofMillis(250));
            List<Transcript> all = out.readValuesToList();
            List<Transcript> complete = all.stream().filter(Transcript::streamComplete).toList();
            // each final names the variant of its segment: one level further at most from segment to segment; the
            // first may be further, as a stream that lags before it has encoded anything moves at once
            int previous = -1;
            for (Transcript t : all) {
                if (t.streamId().equals("late") && t.isFinal()) {
                    assertEquals(true, t.codaR() >= previous
                            && (previous < 0 || t.codaR() <= Math.max(2, 2 * previous)), all.toString());
                    previous = t.codaR();
                }
            }
            assertEquals(2, complete.size());
            for (Transcript t : complete) {
                CodaVariant expected = t.streamId().equals("late") ? CodaVariant.CODA_R8 : CodaVariant.ADAPTER;
                assertEquals(expected.reductionFactor(), t.codaR(), t.streamId());
                assertEquals("tiny-coda/" + expected.fileStem() + ".onnx", t.model(), "the variant that ran");
            }
        }
    }
}
