package org.codaasr.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

    @Test
    void readsAPropertiesFileAsKafkaToolsDo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                # a SASL/PLAIN cluster
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="asr" password="s3cret";
                """);
        KafkaClientProperties p = KafkaClientProperties.load(file);
        assertEquals("SASL_PLAINTEXT", p.values().get("security.protocol"));
        assertTrue(p.values().get("sasl.jaas.config").endsWith("password=\"s3cret\";"));
        Map<String, Object> config = p.applyTo(new HashMap<>(Map.of("client.id", "x")));
        assertEquals(4, config.size());
    }

    @Test
    void toStringHidesSecrets() {
        KafkaClientProperties p = new KafkaClientProperties(Map.of("security.protocol", "SASL_SSL",
                "sasl.jaas.config", "... password=\"s3cret\";", "ssl.truststore.password", "changeit"));
        assertFalse(p.toString().contains("s3cret"), p.toString());
        assertFalse(p.toString().contains("changeit"), p.toString());
        assertTrue(p.toString().contains("security.protocol=SASL_SSL"), p.toString());
    }

    @Test
    void bootstrapServersAndMissingFilesAreClearErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "bootstrap.servers=elsewhere:9092\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.load(file));
        assertTrue(e.getMessage().contains("bad.properties") && e.getMessage().contains("--bootstrap-servers"),
                e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.load(dir.resolve("none.properties")));
        assertTrue(missing.getMessage().contains("none.properties"), missing.getMessage());
    }
}
