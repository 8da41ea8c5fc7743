package org.codaasr.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.codaasr.messages.KafkaClientProperties;
import org.junit.jupiter.api.Test;

class StreamsAppConfigTest {

    @Test
    void defaultsAreValidAndExactlyOnce() {
        StreamsAppConfig d = StreamsAppConfig.defaults();
        assertEquals(StreamsAppConfig.DEFAULT_APPLICATION_ID, d.applicationId());
        assertEquals(StreamsAppConfig.DEFAULT_IDLE_TIMEOUT_MS, d.idleTimeoutMs());
        assertTrue(d.stateDir().endsWith("coda-asr-streams"));
        Properties p = d.toProperties();
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(d.stateDir().toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
    }

    @Test
    void builderRoundTripsEveryField() {
        StreamsAppConfig c = StreamsAppConfig.builder().applicationId("app").bootstrapServers("k:1")
                .stateDir(Path.of("s")).streamThreads(3).partialIntervalSeconds(0.25).reorderWindow(7)
                .idleTimeoutMs(2_000).maxBatch(4).standbyReplicas(1).build();
        assertEquals(new StreamsAppConfig("app", "k:1", Path.of("s"), 3, 0.25, 7, 2_000, 4, KafkaClientProperties.NONE,
                1), c);
        assertEquals(1, c.toProperties().get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals(c, c.toBuilder().build());
        assertEquals(5, c.withStreamThreads(5).streamThreads());
    }

    @Test
    void invalidValuesAreRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamsAppConfig.builder().idleTimeoutMs(10).build());
        assertTrue(e.getMessage().contains("idleTimeoutMs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamsAppConfig.builder().bootstrapServers(" ").build());
        assertTrue(e.getMessage().contains("bootstrapServers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StreamsAppConfig.builder().streamThreads(0).build());
        e = assertThrows(IllegalArgumentException.class, () -> StreamsAppConfig.builder().standbyReplicas(-1).build());
        assertTrue(e.getMessage().contains("standbyReplicas"), e.getMessage());
    }
}
