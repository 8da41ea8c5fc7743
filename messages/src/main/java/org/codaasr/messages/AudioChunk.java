package org.codaasr.messages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One slice of a mono audio stream as it travels on {@link Topics#AUDIO}, keyed by {@code streamId}.
 *
 * <p>The record only checks that fields are present; whether the values make sense (sequence, rate,
 * payload size) is judged by {@link AudioChunkValidator}, so that a malformed record on the topic
 * can be routed to the dead-letter topic instead of failing deserialization.
 *
 * <p>Wire format written by {@link AudioChunkSerde} (all integers big-endian, as {@link ByteBuffer}
 * writes them; the payload itself is little-endian PCM as named by {@code encoding}):
 * <pre>
 * offset size  field
 * 0      2     magic 0xA5 0xC0
 * 2      1     version (1)
 * 3      1     flags: bit0 endOfStream, bit1 utteranceId present, bit2 aborted
 * 4      1     encoding ordinal (0 = PCM_S16LE, 1 = PCM_F32LE)
 * 5      8     sequence (int64)
 * 13     4     sampleRate (int32)
 * 17     8     captureTimeMs (int64)
 * 25     2+n   streamId: uint16 byte length, then UTF-8 bytes
 * ..     2+m   utteranceId: only when flag bit1 is set; uint16 length + UTF-8
 * ..     4+p   payload: int32 byte length, then the raw PCM bytes
 * </pre>
 *
 * @param streamId      stream the chunk belongs to; also the Kafka key
 * @param sequence      position of the chunk in its stream, 0-based, contiguous
 * @param sampleRate    samples per second
 * @param encoding      sample format of {@code payload}
 * @param payload       raw little-endian PCM bytes, mono
 * @param endOfStream   true on the last chunk of the stream
 * @param utteranceId   utterance this audio belongs to when known (e.g. a LibriSpeech id); may be null
 * @param captureTimeMs wall-clock time the chunk was captured or sent, epoch milliseconds
 * @param aborted       true on an end-of-stream chunk that ends the stream because its source went away (a client
 *                      that vanished without its protocol's end message), not because the audio is complete; only
 *                      allowed with {@code endOfStream}
 */
public record AudioChunk(String streamId, long sequence, int sampleRate, AudioEncoding encoding,
                         byte[] payload, boolean endOfStream, String utteranceId, long captureTimeMs,
                         boolean aborted) {

    public AudioChunk {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(encoding, "encoding");
        payload = Objects.requireNonNull(payload, "payload").clone();
        if (aborted && !endOfStream) {
            throw new IllegalArgumentException("an aborted chunk must end its stream (endOfStream)");
        }
    }

    /** A chunk that is not an abort marker. */
    public AudioChunk(String streamId, long sequence, int sampleRate, AudioEncoding encoding, byte[] payload,
            boolean endOfStream, String utteranceId, long captureTimeMs) {
        this(streamId, sequence, sampleRate, encoding, payload, endOfStream, utteranceId, captureTimeMs, false);
    }

    /** A copy of the raw PCM bytes (the record stays immutable). */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload size in bytes, without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    /** The same chunk stamped with another capture time (e.g. the moment it is actually sent). */
    public AudioChunk withCaptureTimeMs(long newCaptureTimeMs) {
        return new AudioChunk(streamId, sequence, sampleRate, encoding, payload, endOfStream, utteranceId,
                newCaptureTimeMs, aborted);
    }

    /** Number of whole samples in the payload. */
    public int sampleCount() {
        return payload.length / encoding.bytesPerSample();
    }

    /** Duration of the payload in milliseconds (0 when the rate is not positive). */
    public double durationMs() {
        return sampleRate > 0 ? 1000.0 * sampleCount() / sampleRate : 0.0;
    }

    /** Decodes the payload into samples scaled to [-1, 1) (16-bit values are divided by 32768). */
    public float[] samples() {
        ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = new float[sampleCount()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = switch (encoding) {
                case PCM_S16LE -> buffer.getShort() / 32768f;
                case PCM_F32LE -> buffer.getFloat();
            };
        }
        return samples;
    }

    /** Encodes samples in [-1, 1] as 16-bit little-endian PCM, clipping values outside the range. */
    public static byte[] encodeS16le(float[] samples, int from, int to) {
        ByteBuffer buffer = ByteBuffer.allocate((to - from) * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            float clipped = Math.max(-1f, Math.min(1f, samples[i]));
            buffer.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(clipped * 32768f))));
        }
        return buffer.array();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AudioChunk that
                && sequence == that.sequence && sampleRate == that.sampleRate
                && endOfStream == that.endOfStream && captureTimeMs == that.captureTimeMs && aborted == that.aborted
                && streamId.equals(that.streamId) && encoding == that.encoding
                && Arrays.equals(payload, that.payload) && Objects.equals(utteranceId, that.utteranceId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, sequence, sampleRate, encoding, Arrays.hashCode(payload),
                endOfStream, utteranceId, captureTimeMs, aborted);
    }

    @Override
    public String toString() {
        return "AudioChunk[streamId=" + streamId + ", sequence=" + sequence + ", sampleRate=" + sampleRate
                + ", encoding=" + encoding + ", payloadBytes=" + payload.length + ", endOfStream=" + endOfStream
                + ", utteranceId=" + utteranceId + ", captureTimeMs=" + captureTimeMs
                + (aborted ? ", aborted" : "") + "]";
    }
}
