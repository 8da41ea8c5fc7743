package org.codaasr.app.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.Map;
import org.codaasr.app.IngestCommand;
import org.codaasr.messages.Topics;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code asr ingest --librispeech test-other --limit 3} into the embedded broker, read back and checked. */
class IngestIT {

    @Test
    void ingestsThreeDevUtterancesAsInterleavedStreams() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(Map.of(Topics.AUDIO, 3, Topics.REFERENCES, 3));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new IngestCommand());
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int exit = cli.execute("--bootstrap-servers", broker.bootstrapServers(),
                    "--librispeech", IngestedStreams.TEST_OTHER.toString(), "--limit", "3",
                    "--concurrency", "3", "--chunk-ms", "100", "--run-id", "it-run");
            assertEquals(0, exit, err.toString());
            assertTrue(out.toString().startsWith("sent 3 streams"), out.toString());
            assertTrue(out.toString().contains("run:it-run"), out.toString());
            IngestedStreams.assertIngested(broker.bootstrapServers(), IngestedStreams.firstUtterances(3), 100,
                    "it-run");
        }
    }
}
