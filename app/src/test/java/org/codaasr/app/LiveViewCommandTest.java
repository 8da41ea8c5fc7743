package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.RoutingRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LiveViewCommandTest {

    @Test
    void defaultsToLocalKafkaAndPort8080() {
        LiveViewCommand command = new LiveViewCommand();
        new CommandLine(command).parseArgs();
        assertEquals("localhost:9092", command.bootstrapServers);
        assertEquals(8080, command.port);
        assertEquals(8081, command.audioPort);
    }

    @Test
    void routingChoicesParseAndABadOneIsRefusedNamingWhatIsExpected() {
        LiveViewCommand command = new LiveViewCommand();
        new CommandLine(command).parseArgs("--routing", "dense,4,adaptive", "--no-audio");
        assertEquals(java.util.List.of(RoutingRequest.pinned(CodaVariant.DENSE),
                RoutingRequest.pinned(CodaVariant.CODA_R4), RoutingRequest.ADAPTIVE), command.routing);
        assertTrue(command.noAudio);
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> new CommandLine(new LiveViewCommand()).parseArgs("--routing", "3"));
        assertTrue(e.getMessage().contains("adaptive"), e.getMessage());
    }

    @Test
    void takesBootstrapServersAndPort() {
        LiveViewCommand command = new LiveViewCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", "kafka:9092", "--port", "0");
        assertEquals("kafka:9092", command.bootstrapServers);
        assertEquals(0, command.port);
    }
}
