package org.codaasr.streams.wer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.Reference;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.messages.WerRecord;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WerTopologyTest {

    @TempDir
    Path stateDir;

    TopologyTestDriver driver;
    TestInputTopic<String, Reference> references;
    TestInputTopic<String, Transcript> transcripts;
    TestOutputTopic<String, WerRecord> wer;
    TestOutputTopic<String, WerAggregate> aggregates;

    @BeforeEach
    void start() {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(stateDir);
        driver = new TopologyTestDriver(WerTopology.build(config), config.toProperties());
        references = driver.createInputTopic(Topics.REFERENCES, Serdes.String().serializer(),
                AsrSerdes.reference().serializer());
        transcripts = driver.createInputTopic(Topics.TRANSCRIPTS, Serdes.String().serializer(),
                AsrSerdes.transcript().serializer());
        wer = driver.createOutputTopic(Topics.WER, Serdes.String().deserializer(),
                AsrSerdes.werRecord().deserializer());
        aggregates = driver.createOutputTopic(Topics.WER_AGGREGATES, Serdes.String().deserializer(),
                AsrSerdes.werAggregate().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static Transcript transcript(String stream, String text, boolean isFinal, boolean complete) {
        return new Transcript(stream, stream, 0, isFinal, text, List.of(), "m", 0, 0, 1, 5, 10, complete);
    }

    @Test
    void completedStreamsAreScoredAgainstTheirReferenceAndAggregated() {
        references.pipeInput("a", new Reference("a", "a", "THE CAT SAT ON THE MAT", "11", "run-7"));
        references.pipeInput("b", new Reference("b", "b", "HELLO WORLD", "22", "run-7"));
        transcripts.pipeInput("a", transcript("a", "THE CAT", false, false));
        transcripts.pipeInput("a", transcript("a", "THE CAT SAT", true, false));
        transcripts.pipeInput("a", transcript("a", "THE BAT SAT ON MAT", true, true));
        transcripts.pipeInput("b", transcript("b", "HELLO WORLD", true, true));
        transcripts.pipeInput("c", transcript("c", "NO REFERENCE", true, true));

        List<WerRecord> records = wer.readValuesToList();
        assertEquals(2, records.size(), "only completed streams with a reference are scored");
        WerRecord a = records.get(0);
        assertEquals("a", a.utteranceId());
        assertEquals(6, a.referenceWords());
        assertEquals(1, a.substitutions());
        assertEquals(1, a.deletions());
        assertEquals(0, a.insertions());
        assertEquals(100.0 * 2 / 6, a.wer(), 1e-9);
        assertEquals("run-7", a.runId());

        Map<String, WerAggregate> latest = aggregates.readKeyValuesToMap();
        WerAggregate run = latest.get("run:run-7");
        assertEquals(2, run.utterances());
        assertEquals(8, run.referenceWords());
        assertEquals(2, run.errors());
        assertEquals(25.0, run.wer(), 1e-9);
        assertEquals(WerAggregate.RUN_SCOPE, run.scope());
        WerAggregate speaker = latest.get("speaker:run-7:22");
        assertEquals(0.0, speaker.wer(), 1e-9);
        assertTrue(latest.containsKey("speaker:run-7:11"));
    }

    @Test
    void aStreamScoredAgainCountsOnceWithItsLatestScore() {
        references.pipeInput("a", new Reference("a", "a", "THE CAT SAT ON THE MAT", "11", "run-8"));
        references.pipeInput("b", new Reference("b", "b", "HELLO WORLD", "11", "run-8"));
        transcripts.pipeInput("b", transcript("b", "HELLO WORLD", true, true));
        // closed as idle after two words, reopened by more audio, closed again with the whole text
        transcripts.pipeInput("a", transcript("a", "THE CAT", false, true));
        transcripts.pipeInput("a", transcript("a", "THE CAT SAT ON THE MAT", false, true));

        assertEquals(3, wer.readValuesToList().size(), "every stream-complete record is scored");
        Map<String, WerAggregate> latest = aggregates.readKeyValuesToMap();
        WerAggregate run = latest.get("run:run-8");
        assertEquals(2, run.utterances(), "stream a counts once");
        assertEquals(8, run.referenceWords());
        assertEquals(0, run.errors(), "with its latest score");
        WerAggregate speaker = latest.get("speaker:run-8:11");
        assertEquals(2, speaker.utterances());
        assertEquals(0.0, speaker.wer(), 1e-9);
    }
}
