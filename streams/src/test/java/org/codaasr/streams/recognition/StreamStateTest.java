package org.codaasr.streams.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StreamStateTest {

    private final Serde<StreamState> serde = StreamState.serde();

    private StreamState roundTrip(StreamState s) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
    }

    @Test
    void aReopenedStreamRoundTripsWithItsCount() {
        StreamState s = StreamState.start("u", 16000, 1_000L).accepted(5, 1_500L, 1_400L).withFinal("HELLO")
                .asEnded(12_000L, true).reopened().accepted(6, 20_000L, 19_900L).withFinal("AGAIN")
                .asEnded(40_000L, true).reopened();
        assertEquals(2, s.reopens());
        assertEquals(2, s.segmentBase());
        assertEquals(s, roundTrip(s));
        assertNull(serde.serializer().serialize("t", null));
        assertNull(serde.deserializer().deserialize("t", null));
    }

    @Test
    void aChunkWaitingForItsTurnCountsAsTheProducerSending() {
        StreamState s = StreamState.start("u", 16000, 1_000L).heardAt(3_000L).heardAt(2_000L);
        assertEquals(3_000L, s.lastRecordTimeMs());
        assertEquals(0, s.nextSequence());
    }

    @Test
    void onlyAStreamClosedAsIdleCanBeReopened() {
        StreamState eos = StreamState.start("u", 16000, 1_000L).asEnded(1_000L, false);
        assertThrows(IllegalStateException.class, eos::reopened);
    }

    @Test
    void aVersion2StateReadsWithItsReopenInferredFromTheSegmentBase() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(2);
        out.writeBoolean(true);
        out.writeUTF("u");
        out.writeInt(16000);
        out.writeLong(7);
        out.writeBoolean(false);
        out.writeLong(5_000L);
        out.writeLong(4_900L);
        out.writeDouble(0);
        out.writeUTF("");
        byte[] finals = "HELLO".getBytes(StandardCharsets.UTF_8);
        out.writeInt(finals.length);
        out.write(finals);
        out.writeLong(1);
        out.writeLong(7);
        out.writeBoolean(false);
        out.writeLong(1);
        StreamState s = serde.deserializer().deserialize("t", bytes.toByteArray());
        assertEquals(1, s.reopens());
        assertEquals("HELLO", s.finalText());
        assertEquals(5_000L, s.lastRecordTimeMs());
    }

    @Test
    void anUnknownVersionIsASerializationExceptionWithTheVersion() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", new byte[] {9, 0, 0}));
        assertTrue(e.getCause().getMessage().contains("version 9"), e.getCause().getMessage());
    }
}
