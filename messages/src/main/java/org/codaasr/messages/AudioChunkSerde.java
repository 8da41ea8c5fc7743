package org.codaasr.messages;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary serde for {@link AudioChunk}; the byte layout is documented on {@link AudioChunk}.
 * Hand-written rather than JSON/Avro because the payload is raw PCM (JSON would base64 or
 * number-array it) and the header is a fixed handful of fields.
 */
public final class AudioChunkSerde implements Serde<AudioChunk> {

    static final byte MAGIC_0 = (byte) 0xA5;
    static final byte MAGIC_1 = (byte) 0xC0;
    static final byte VERSION = 1;
    private static final int FLAG_END_OF_STREAM = 1;
    private static final int FLAG_HAS_UTTERANCE = 2;
    private static final int FLAG_ABORTED = 4;
    private static final int FIXED_HEADER_BYTES = 25;
    private static final int MAX_STRING_BYTES = 0xFFFF;

    @Override
    public Serializer<AudioChunk> serializer() {
        return (topic, chunk) -> chunk == null ? null : encode(chunk);
    }

    @Override
    public Deserializer<AudioChunk> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    /** Encodes a chunk into the layout documented on {@link AudioChunk}. */
    public static byte[] encode(AudioChunk chunk) {
        byte[] streamId = utf8(chunk.streamId(), "streamId");
        byte[] utteranceId = chunk.utteranceId() == null ? null : utf8(chunk.utteranceId(), "utteranceId");
        byte[] payload = chunk.payload();
        int size = FIXED_HEADER_BYTES + 2 + streamId.length + (utteranceId == null ? 0 : 2 + utteranceId.length)
                + 4 + payload.length;
        int flags = (chunk.endOfStream() ? FLAG_END_OF_STREAM : 0) | (utteranceId != null ? FLAG_HAS_UTTERANCE : 0)
                | (chunk.aborted() ? FLAG_ABORTED : 0);
        ByteBuffer out = ByteBuffer.allocate(size)
                .put(MAGIC_0).put(MAGIC_1).put(VERSION)
                .put((byte) flags)
                .put((byte) chunk.encoding().ordinal())
                .putLong(chunk.sequence())
                .putInt(chunk.sampleRate())
                .putLong(chunk.captureTimeMs());
        putString(out, streamId);
        if (utteranceId != null) {
            putString(out, utteranceId);
        }
        out.putInt(payload.length).put(payload);
        return out.array();
    }

    /** Decodes bytes written by {@link #encode}; throws {@link SerializationException} on anything else. */
    public static AudioChunk decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (bytes.length < FIXED_HEADER_BYTES || in.get() != MAGIC_0 || in.get() != MAGIC_1) {
                throw new SerializationException("not an AudioChunk: expected magic 0xA5C0 and at least "
                        + FIXED_HEADER_BYTES + " bytes, got " + bytes.length + " bytes");
            }
            byte version = in.get();
            if (version != VERSION) {
                throw new SerializationException("unsupported AudioChunk version " + version + ", expected " + VERSION);
            }
            int flags = in.get();
            int encodingOrdinal = in.get();
            AudioEncoding[] encodings = AudioEncoding.values();
            if (encodingOrdinal < 0 || encodingOrdinal >= encodings.length) {
                throw new SerializationException("unknown AudioChunk encoding ordinal " + encodingOrdinal);
            }
            long sequence = in.getLong();
            int sampleRate = in.getInt();
            long captureTimeMs = in.getLong();
            String streamId = getString(in);
            String utteranceId = (flags & FLAG_HAS_UTTERANCE) != 0 ? getString(in) : null;
            int payloadLength = in.getInt();
            if (payloadLength < 0 || payloadLength != in.remaining()) {
                throw new SerializationException("AudioChunk payload length " + payloadLength
                        + " does not match the " + in.remaining() + " bytes left");
            }
            byte[] payload = new byte[payloadLength];
            in.get(payload);
            boolean endOfStream = (flags & FLAG_END_OF_STREAM) != 0;
            boolean aborted = (flags & FLAG_ABORTED) != 0;
            if (aborted && !endOfStream) {
                throw new SerializationException("AudioChunk flags " + flags + ": aborted without endOfStream");
            }
            return new AudioChunk(streamId, sequence, sampleRate, encodings[encodingOrdinal], payload,
                    endOfStream, utteranceId, captureTimeMs, aborted);
        } catch (BufferUnderflowException e) {
            throw new SerializationException("truncated AudioChunk of " + bytes.length + " bytes", e);
        }
    }

    private static byte[] utf8(String value, String field) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new SerializationException(field + " is " + bytes.length + " UTF-8 bytes, at most "
                    + MAX_STRING_BYTES + " fit");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putShort((short) utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
