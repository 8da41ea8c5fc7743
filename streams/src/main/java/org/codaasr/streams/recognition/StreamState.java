package org.codaasr.streams.recognition;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the recognition processor keeps per stream in its state store (and so in the changelog): sequencing, the
 * recognizer's snapshot and the text already emitted as finals.
 *
 * @param utteranceId utterance id from the first chunk (may be null)
 * @param sampleRate the stream's sample rate, fixed by its first chunk
 * @param nextSequence the sequence number expected next
 * @param ended end-of-stream was processed (late chunks are rejected)
 * @param lastRecordTimeMs timestamp of the newest record accepted for the stream, or held in the journal for its
 *     turn (the producer's time, not the wall clock of the member that processed it): the {@link IdleRule} compares
 *     it with the partition's stream time and the wall clock
 * @param lastCaptureMs capture time of the newest accepted chunk
 * @param lastPartialAudioSeconds audio time of the last partial sent
 * @param lastPartialText text of the last partial sent
 * @param finalText every final emitted so far for the stream, joined
 * @param finalsEmitted number of final segments emitted (a replay after a restart never emits them again)
 * @param snapshotSequence chunks below this sequence are inside the stored recognizer snapshot; accepted chunks
 *     from here to {@code nextSequence} are in the chunk journal and are replayed on restore
 * @param closedIdle the stream was ended by the idle repair, not by an end-of-stream chunk: more audio reopens it
 * @param segmentBase first segment number of the recognizer stream now open (non-zero after a reopen, so the
 *     reopened stream continues the segment numbers instead of repeating them)
 * @param reopens how many times the stream was reopened after an idle close (its transcripts carry the count)
 * @param aborted its end-of-stream chunk was an abort marker ({@link org.codaasr.messages.AudioChunk#aborted()}):
 *     the stream-complete record says so
 */
public record StreamState(String utteranceId, int sampleRate, long nextSequence, boolean ended, long lastRecordTimeMs,
        long lastCaptureMs, double lastPartialAudioSeconds, String lastPartialText, String finalText,
        long finalsEmitted, long snapshotSequence, boolean closedIdle, long segmentBase, int reopens, boolean aborted) {

    private static final byte VERSION = 3;

    public StreamState {
        lastPartialText = lastPartialText == null ? "" : lastPartialText;
        finalText = finalText == null ? "" : finalText;
    }

    /** The state of a stream whose first chunk has just arrived. */
    public static StreamState start(String utteranceId, int sampleRate, long recordTimeMs) {
        return new StreamState(utteranceId, sampleRate, 0, false, recordTimeMs, 0, 0, "", "", 0, 0, false, 0, 0, false);
    }

    public StreamState withNextSequence(long next) {
        return new StreamState(utteranceId, sampleRate, next, ended, lastRecordTimeMs, lastCaptureMs,
                lastPartialAudioSeconds, lastPartialText, finalText, finalsEmitted, snapshotSequence, closedIdle, segmentBase, reopens, aborted);
    }

    public StreamState accepted(long next, long recordTimeMs, long captureMs) {
        return new StreamState(utteranceId, sampleRate, next, ended, Math.max(lastRecordTimeMs, recordTimeMs), Math.max(lastCaptureMs, captureMs),
                lastPartialAudioSeconds, lastPartialText, finalText, finalsEmitted, snapshotSequence, closedIdle, segmentBase, reopens, aborted);
    }

    /** A record of the stream arrived ahead of its turn (it waits in the journal): its producer is still sending. */
    public StreamState heardAt(long recordTimeMs) {
        return new StreamState(utteranceId, sampleRate, nextSequence, ended, Math.max(lastRecordTimeMs, recordTimeMs),
                lastCaptureMs, lastPartialAudioSeconds, lastPartialText, finalText, finalsEmitted, snapshotSequence,
                closedIdle, segmentBase, reopens, aborted);
    }

    public StreamState withPartial(double audioSeconds, String text) {
        return new StreamState(utteranceId, sampleRate, nextSequence, ended, lastRecordTimeMs, lastCaptureMs,
                audioSeconds, text, finalText, finalsEmitted, snapshotSequence, closedIdle, segmentBase, reopens, aborted);
    }

    public StreamState withFinal(String text) {
        String joined = text.isBlank() ? finalText : (finalText.isEmpty() ? text : finalText + " " + text);
        return new StreamState(utteranceId, sampleRate, nextSequence, ended, lastRecordTimeMs, lastCaptureMs,
                lastPartialAudioSeconds, "", joined, finalsEmitted + 1, snapshotSequence, closedIdle, segmentBase, reopens, aborted);
    }

    public StreamState withSnapshotAt(long sequence) {
        return new StreamState(utteranceId, sampleRate, nextSequence, ended, lastRecordTimeMs, lastCaptureMs,
                lastPartialAudioSeconds, lastPartialText, finalText, finalsEmitted, sequence, closedIdle, segmentBase, reopens, aborted);
    }

    /** Its end-of-stream chunk is an abort marker. */
    public StreamState withAborted() {
        return new StreamState(utteranceId, sampleRate, nextSequence, ended, lastRecordTimeMs, lastCaptureMs,
                lastPartialAudioSeconds, lastPartialText, finalText, finalsEmitted, snapshotSequence, closedIdle,
                segmentBase, reopens, true);
    }

    /**
     * The stream has ended; chunks below {@code nextSequence} are all decoded.
     *
     * @param idle true when the idle repair ended it (more audio then reopens it), false for an end-of-stream chunk
     */
    public StreamState asEnded(long streamTimeMs, boolean idle) {
        return new StreamState(utteranceId, sampleRate, nextSequence, true, Math.max(lastRecordTimeMs, streamTimeMs),
                lastCaptureMs, lastPartialAudioSeconds, lastPartialText, finalText, finalsEmitted, nextSequence, idle,
                segmentBase, reopens, aborted);
    }

    /** A stream closed as idle that has received more audio: open again, its segment numbers continued. */
    public StreamState reopened() {
        if (!ended || !closedIdle) {
            throw new IllegalStateException("only a stream closed as idle can be reopened");
        }
        return new StreamState(utteranceId, sampleRate, nextSequence, false, lastRecordTimeMs, lastCaptureMs, 0, "",
                finalText, finalsEmitted, nextSequence, false, finalsEmitted, reopens + 1, false);
    }

    public static Serde<StreamState> serde() {
        return Serdes.serdeFrom(new StateSerializer(), new StateDeserializer());
    }

    static final class StateSerializer implements Serializer<StreamState> {
        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {}

        @Override
        public byte[] serialize(String topic, StreamState s) {
            if (s == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(VERSION);
                writeNullable(out, s.utteranceId());
                out.writeInt(s.sampleRate());
                out.writeLong(s.nextSequence());
                out.writeBoolean(s.ended());
                out.writeLong(s.lastRecordTimeMs());
                out.writeLong(s.lastCaptureMs());
                out.writeDouble(s.lastPartialAudioSeconds());
                out.writeUTF(s.lastPartialText());
                writeLongString(out, s.finalText());
                out.writeLong(s.finalsEmitted());
                out.writeLong(s.snapshotSequence());
                out.writeBoolean(s.closedIdle());
                out.writeLong(s.segmentBase());
                out.writeInt(s.reopens());
                out.writeBoolean(s.aborted());
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot serialize stream state", e);
            }
        }
    }

    static final class StateDeserializer implements Deserializer<StreamState> {
        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {}

        @Override
        public StreamState deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte version = in.readByte();
                if (version < 1 || version > VERSION) {
                    throw new IOException("stream state version " + version + ", expected 1 to " + VERSION);
                }
                String utt = readNullable(in);
                int rate = in.readInt();
                long next = in.readLong();
                boolean ended = in.readBoolean();
                long activity = in.readLong();
                long capture = in.readLong();
                double partialAt = in.readDouble();
                String partial = in.readUTF();
                String finals = readLongString(in);
                long finalsEmitted = in.readLong();
                long snapshotSeq = in.readLong();
                boolean closedIdle = version >= 2 && in.readBoolean();
                long segmentBase = version >= 2 ? in.readLong() : 0;
                int reopens = version >= 3 ? in.readInt() : (segmentBase > 0 ? 1 : 0);
                boolean aborted = version >= 3 && in.readBoolean();
                return new StreamState(utt, rate, next, ended, activity, capture, partialAt, partial, finals,
                        finalsEmitted, snapshotSeq, closedIdle, segmentBase, reopens, aborted);
            } catch (IOException e) {
                throw new SerializationException("corrupt stream state (" + data.length + " bytes)", e);
            }
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeLongString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readLongString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
