package org.codaasr.ingest.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codaasr.ingest.AudioConnection;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.AudioProtocol;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.Transcript;

/**
 * sherpa-onnx's online WebSocket protocol ({@code sherpa-onnx-online-websocket-server}), so that its clients work
 * unchanged: binary messages of float32 little-endian mono samples at the server's rate (16 kHz), then the text
 * {@code Done}. Results are sent as they come: JSON with {@code text}, {@code segment}, {@code is_final},
 * {@code is_eof}, {@code tokens} (here the words), {@code timestamps} (each word's start, seconds from
 * {@code start_time}) and {@code start_time} (the segment's start, seconds from the stream's). A segment's final is
 * held until the next result, so that once the stream is complete the last one goes out with {@code is_eof: true}
 * (an empty one where the stream had no final); then the text {@code Done!} and close 1000.
 *
 * <p>Bad input ends the stream with the abort marker and the client gets {@code {"error": "..."}} and close 1003:
 * text other than {@code Done}, a message that is not a whole number of 4-byte samples, audio after {@code Done}. A
 * client that closes or goes silent before {@code Done} leaves its stream aborted.
 */
public final class SherpaOnnxProtocol implements AudioProtocol {

    private final TranscriptFeed feed;

    public SherpaOnnxProtocol(TranscriptFeed feed) {
        this.feed = feed;
    }

    @Override
    public String name() {
        return "sherpa";
    }

    @Override
    public Session open(AudioConnection connection) {
        connection.format(AudioLoader.SAMPLE_RATE, AudioEncoding.PCM_F32LE);
        return new SherpaSession(connection, feed);
    }

    private static final class SherpaSession extends ResultSession {
        /** The newest segment final, sent when the next result shows whether it is the last. */
        private Transcript heldFinal;

        SherpaSession(AudioConnection connection, TranscriptFeed feed) {
            super(connection, feed);
        }

        @Override
        public synchronized void onText(String message) {
            if ("Done".equals(message)) {
                if (!endReceived) {
                    endOfAudio();
                }
            } else {
                fail("expected binary float32 samples or the text Done");
            }
        }

        @Override
        void result(Transcript transcript) {
            switch (transcript.kind()) {
                case PARTIAL -> {
                    sendHeld(false);
                    connection.send(message(transcript, false, false).toString());
                }
                case FINAL -> {
                    sendHeld(false);
                    heldFinal = transcript;
                }
                case STREAM_COMPLETE -> {
                    if (heldFinal == null) {
                        connection.send(message(new Transcript(transcript.streamId(), null, transcript.segment(),
                                true, "", null, transcript.model(), transcript.codaR(), transcript.audioEndSeconds(),
                                transcript.audioEndSeconds(), 0, 0, false), true, true).toString());
                    }
                    sendHeld(true);
                    connection.send("Done!");
                    finish("Done!");
                }
            }
        }

        private void sendHeld(boolean eof) {
            if (heldFinal != null) {
                connection.send(message(heldFinal, true, eof).toString());
                heldFinal = null;
            }
        }

        private static ObjectNode message(Transcript t, boolean isFinal, boolean isEof) {
            ObjectNode json = JSON.createObjectNode().put("text", t.text());
            ArrayNode tokens = json.putArray("tokens");
            ArrayNode timestamps = json.putArray("timestamps");
            for (Transcript.Word w : t.words()) {
                tokens.add(w.word());
                timestamps.add(Math.max(0, w.start() - t.audioStartSeconds()));
            }
            return json.put("start_time", t.audioStartSeconds()).put("segment", t.segment())
                    .put("is_final", isFinal).put("is_eof", isEof);
        }
    }
}
