package org.codaasr.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.codaasr.messages.KafkaClientProperties;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void defaultsAndProducerSettings() {
        IngestConfig config = IngestConfig.defaults();
        assertEquals("localhost:9092", config.bootstrapServers());
        assertEquals(100, config.chunkMs());
        assertEquals(8, config.concurrency());
        Map<String, Object> props = config.withBootstrapServers("127.0.0.1:1234").producerProperties();
        assertEquals("127.0.0.1:1234", props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals(true, props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", props.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("lz4", props.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        // the producer accepts them
        new ProducerConfig(withSerializers(props));
    }

    private static Map<String, Object> withSerializers(Map<String, Object> props) {
        var all = new java.util.HashMap<>(props);
        all.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
        all.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return all;
    }

    @Test
    void rejectsNonsense() {
        IngestConfig d = IngestConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withBootstrapServers(" "));
        assertThrows(IllegalArgumentException.class, () -> d.withChunkMs(5));
        assertThrows(IllegalArgumentException.class, () -> d.withConcurrency(0));
        assertThrows(IllegalArgumentException.class,
                () -> new IngestConfig("b:1", 100, false, 1, "brotli", 5, "c", "r", KafkaClientProperties.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new IngestConfig("b:1", 100, false, 1, "lz4", -1, "c", "r", KafkaClientProperties.NONE));
    }
}
