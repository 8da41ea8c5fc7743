package org.codaasr.streams.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.AdaptiveRouting;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Topics#CODA_HEADER} routing request on the recognition topology, with the tiny CoDA test models (real
 * ONNX graphs of every variant): a pinned stream runs at its variant, a malformed request is dead-lettered.
 */
class RoutingRequestTopologyTest {

    static final Path TINY_CODA = Path.of("asr-model/src/test/resources/models/tiny-coda");

    static Recognizer recognizer;
    static float[] head;

    @TempDir
    Path stateDir;

    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> audio;
    TestOutputTopic<String, Transcript> transcripts;
    TestOutputTopic<String, DeadLetter> dlq;

    @BeforeAll
    static void loadModels() {
        AdaptiveRouting routing = AdaptiveRouting.over(List.of(CodaVariant.ADAPTER, CodaVariant.CODA_R2,
                CodaVariant.CODA_R4, CodaVariant.CODA_R8));
        recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY_CODA)
                .withVariant(CodaVariant.ADAPTER).withStreaming(new StreamingConfig(8, 16, 1.0, 25.0, routing)));
        float[] samples = AudioDecoder.load(RecognitionTopologyTest.DEV_FLAC, 16000).samples();
        head = Arrays.copyOf(samples, 16000 * 3);
    }

    @AfterAll
    static void closeModels() {
        recognizer.close();
    }

    @BeforeEach
    void startDriver() {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(stateDir).withIdleTimeoutMs(5_000);
        driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer), config.toProperties());
        audio = driver.createInputTopic(Topics.AUDIO, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        transcripts = driver.createOutputTopic(Topics.TRANSCRIPTS, Serdes.String().deserializer(),
                AsrSerdes.transcript().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, Serdes.String().deserializer(),
                AsrSerdes.deadLetter().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void sendStream(String streamId, String request) {
        for (AudioChunk c : new AudioChunker(250).split(streamId, null, head, 16000, 1_000L)) {
            RecordHeaders headers = new RecordHeaders();
            if (request != null) {
                headers.add(Topics.CODA_HEADER, request.getBytes(StandardCharsets.UTF_8));
            }
            audio.pipeInput(new TestRecord<>(c.streamId(),
                    AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, c), headers, 1_000L + c.sequence()));
            driver.advanceWallClockTime(Duration.ofMillis(25));
        }
    }

    /** The chunks' capture times lie far in the past, so every stream that follows the load lags and moves. */
    @Test
    void aPinnedStreamKeepsItsVariantWhereAStreamFollowingTheLoadMoves() {
        sendStream("pinned", "4");
        sendStream("default", null);
        List<Transcript> out = transcripts.readValuesToList();
        List<Integer> pinned = out.stream().filter(t -> t.streamId().equals("pinned")).map(Transcript::codaR)
                .distinct().toList();
        List<Integer> plain = out.stream().filter(t -> t.streamId().equals("default")).map(Transcript::codaR)
                .distinct().toList();
        assertEquals(List.of(4), pinned);
        assertTrue(plain.size() > 1, "the unpinned stream lags and moves to cheaper variants: " + plain);
        assertTrue(out.stream().anyMatch(t -> t.streamId().equals("pinned") && t.streamComplete()));
        assertTrue(dlq.isEmpty());
    }

    @Test
    void aVariantThisInstanceHasNotLoadedLeavesTheStreamFollowingTheLoad() {
        sendStream("dense-wanted", "dense");
        List<Integer> used = transcripts.readValuesToList().stream().map(Transcript::codaR).distinct().toList();
        assertFalse(used.isEmpty());
        assertFalse(used.contains(CodaVariant.DENSE.reductionFactor()), "dense is not loaded: " + used);
        assertTrue(used.size() > 1, "it follows the load like a stream without a request: " + used);
        assertTrue(dlq.isEmpty(), "a request that cannot be served is not bad input");
    }

    @Test
    void aMalformedRequestIsDeadLetteredNamingTheHeader() {
        sendStream("bad", "three");
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(new AudioChunker(250).split("bad", null, head, 16000, 1_000L).size(), letters.size());
        assertTrue(letters.get(0).reason().contains(Topics.CODA_HEADER), letters.get(0).reason());
        assertTrue(letters.get(0).reason().contains("adaptive"), letters.get(0).reason());
        assertTrue(transcripts.isEmpty());
    }
}
