package org.codaasr.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AudioChunkSerdeTest {

    private final Serde<AudioChunk> serde = AsrSerdes.audioChunk();

    private AudioChunk roundTrip(AudioChunk chunk) {
        byte[] bytes = serde.serializer().serialize(Topics.AUDIO, chunk);
        return serde.deserializer().deserialize(Topics.AUDIO, bytes);
    }

    @Test
    void roundTripsS16ChunkWithUtterance() {
        byte[] payload = AudioChunk.encodeS16le(new float[] {0f, 0.5f, -0.5f, 0.999f}, 0, 4);
        AudioChunk chunk = new AudioChunk("stream-ü", 42, 16000, AudioEncoding.PCM_S16LE, payload, true,
                "1688-142285-0000", 1_700_000_000_123L);
        assertEquals(chunk, roundTrip(chunk));
    }

    @Test
    void abortMarkerRoundTripsAsFlagBit2AndOlderChunksReadAsNotAborted() {
        AudioChunk abort = new AudioChunk("vosk-1", 7, 16000, AudioEncoding.PCM_S16LE, new byte[4], true, null, 9,
                true);
        byte[] bytes = serde.serializer().serialize(Topics.AUDIO, abort);
        assertEquals(1 | 4, bytes[3], "flags: endOfStream + aborted");
        assertEquals(abort, roundTrip(abort));
        AudioChunk normalEnd = new AudioChunk("vosk-1", 7, 16000, AudioEncoding.PCM_S16LE, new byte[4], true, null, 9);
        assertEquals(1, serde.serializer().serialize(Topics.AUDIO, normalEnd)[3], "the flags byte of older writers");
        assertEquals(false, roundTrip(normalEnd).aborted());
        assertThrows(IllegalArgumentException.class, () -> new AudioChunk("s", 0, 16000, AudioEncoding.PCM_S16LE,
                new byte[0], false, null, 0, true));
        bytes[3] = 4; // aborted without endOfStream
        byte[] bad = bytes;
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize(Topics.AUDIO, bad));
        assertEquals(true, e.getMessage().contains("aborted without endOfStream"), e.getMessage());
    }

    @Test
    void roundTripsF32ChunkWithoutUtterance() {
        ByteBuffer payload = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        payload.putFloat(0.25f).putFloat(-1f).putFloat(0.125f);
        AudioChunk chunk = new AudioChunk("s", 0, 8000, AudioEncoding.PCM_F32LE, payload.array(), false, null, 7);
        AudioChunk back = roundTrip(chunk);
        assertEquals(chunk, back);
        assertNull(back.utteranceId());
        assertArrayEquals(new float[] {0.25f, -1f, 0.125f}, back.samples());
    }

    @Test
    void layoutStartsWithMagicVersionAndKeepsPayloadRaw() {
        byte[] payload = {1, 2, 3, 4};
        byte[] bytes = AudioChunkSerde.encode(
                new AudioChunk("ab", 3, 16000, AudioEncoding.PCM_S16LE, payload, false, null, 0));
        // 25 fixed + (2 + 2) streamId + (4 + 4) payload
        assertEquals(37, bytes.length);
        assertEquals((byte) 0xA5, bytes[0]);
        assertEquals((byte) 0xC0, bytes[1]);
        assertEquals(1, bytes[2]);
        assertArrayEquals(payload, Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length));
    }

    @Test
    void nullInNullOut() {
        assertNull(serde.serializer().serialize(Topics.AUDIO, null));
        assertNull(serde.deserializer().deserialize(Topics.AUDIO, null));
    }

    @Test
    void garbageAndTruncationFailAsSerializationException() {
        assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize(Topics.AUDIO, "{\"json\":true, \"padding\":1234}".getBytes()));
        byte[] good = AudioChunkSerde.encode(
                new AudioChunk("abc", 1, 16000, AudioEncoding.PCM_S16LE, new byte[64], false, "u", 0));
        SerializationException truncated = assertThrows(SerializationException.class,
                () -> AudioChunkSerde.decode(Arrays.copyOf(good, 30)));
        assertNotNull(truncated.getCause());
        byte[] badVersion = good.clone();
        badVersion[2] = 9;
        assertThrows(SerializationException.class, () -> AudioChunkSerde.decode(badVersion));
        byte[] badEncoding = good.clone();
        badEncoding[4] = 7;
        assertThrows(SerializationException.class, () -> AudioChunkSerde.decode(badEncoding));
    }

    @Test
    void samplesDecodeS16ScaledBy32768() {
        byte[] payload = {0x00, 0x40, 0x00, (byte) 0x80, (byte) 0xFF, 0x7F}; // 16384, -32768, 32767
        AudioChunk chunk = new AudioChunk("s", 0, 16000, AudioEncoding.PCM_S16LE, payload, false, null, 0);
        assertArrayEquals(new float[] {0.5f, -1f, 32767f / 32768f}, chunk.samples(), 1e-7f);
        assertEquals(3, chunk.sampleCount());
    }

    @Test
    void encodeS16ClipsOutOfRangeSamples() {
        AudioChunk chunk = new AudioChunk("s", 0, 16000, AudioEncoding.PCM_S16LE,
                AudioChunk.encodeS16le(new float[] {2f, -3f, 0.25f}, 0, 3), false, null, 0);
        assertArrayEquals(new float[] {32767f / 32768f, -1f, 0.25f}, chunk.samples(), 1e-7f);
    }

    @Test
    void payloadIsDefensivelyCopied() {
        byte[] payload = {1, 2};
        AudioChunk chunk = new AudioChunk("s", 0, 16000, AudioEncoding.PCM_S16LE, payload, false, null, 0);
        payload[0] = 99;
        chunk.payload()[1] = 99;
        assertArrayEquals(new byte[] {1, 2}, chunk.payload());
    }
}
