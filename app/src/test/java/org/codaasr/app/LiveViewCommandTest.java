package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LiveViewCommandTest {

    @Test
    void defaultsToLocalKafkaAndPort8080() {
        LiveViewCommand command = new LiveViewCommand();
        new CommandLine(command).parseArgs();
        assertEquals("localhost:9092", command.bootstrapServers);
        assertEquals(8080, command.port);
    }

    @Test
    void takesBootstrapServersAndPort() {
        LiveViewCommand command = new LiveViewCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", "kafka:9092", "--port", "0");
        assertEquals("kafka:9092", command.bootstrapServers);
        assertEquals(0, command.port);
    }
}
