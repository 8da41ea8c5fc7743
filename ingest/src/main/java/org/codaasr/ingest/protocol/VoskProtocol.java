package org.codaasr.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.codaasr.ingest.AudioConnection;
import org.codaasr.ingest.AudioProtocol;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.Transcript;

/**
 * The Vosk server's WebSocket protocol (alphacep/vosk-server, {@code websocket/}), so that its clients work
 * unchanged. The client may first send {@code {"config": {"sample_rate": N}}} (16000 when it does not; any rate the
 * pipeline resamples), then binary 16-bit little-endian mono PCM, then {@code {"eof" : 1}}. Every audio message gets
 * one JSON reply: the next segment final not yet sent, as {@code {"text": "...", "result": [{"conf", "start", "end",
 * "word"}, ...]}}, or else the current partial as {@code {"partial": "..."}}. After {@code eof} the reply is the final
 * result, every final not yet sent joined, once the stream is complete; then the server closes (1000).
 *
 * <p>Bad input ends the stream with the abort marker and the client gets {@code {"error": "..."}} and close 1003:
 * text that is not JSON or not one of those messages, a rate outside 8-48 kHz, a config after the audio, an odd
 * number of bytes, audio after eof. A client that closes or goes silent before eof leaves its stream aborted.
 */
public final class VoskProtocol implements AudioProtocol {

    private final TranscriptFeed feed;

    public VoskProtocol(TranscriptFeed feed) {
        this.feed = feed;
    }

    @Override
    public String name() {
        return "vosk";
    }

    @Override
    public Session open(AudioConnection connection) {
        return new VoskSession(connection, feed);
    }

    private static final class VoskSession extends ResultSession {
        private final Deque<Transcript> finals = new ArrayDeque<>();
        private String partial = "";
        private boolean audioStarted;
        private boolean complete;

        VoskSession(AudioConnection connection, TranscriptFeed feed) {
            super(connection, feed);
        }

        @Override
        public synchronized void onText(String message) {
            JsonNode json = parse(message);
            if (json == null || !json.isObject()) {
                fail("expected a JSON object such as {\"config\": {\"sample_rate\": 16000}} or {\"eof\" : 1}");
            } else if (json.has("eof")) {
                endOfAudio();
                finishIfComplete();
            } else if (json.has("config")) {
                configure(json.get("config"));
            } else {
                fail("expected {\"config\": {...}} or {\"eof\" : 1}, got a JSON object with neither");
            }
        }

        private void configure(JsonNode config) {
            if (audioStarted || endReceived) {
                fail("the config must come before the audio");
                return;
            }
            JsonNode rate = config.get("sample_rate");
            if (rate == null) {
                return; // other settings (words, phrase lists ...) are Vosk's own; 16 kHz stays
            }
            if (!rate.isNumber() || rate.asDouble() != Math.rint(rate.asDouble())) {
                fail("expected sample_rate to be a whole number of Hz, got " + rate);
                return;
            }
            try {
                connection.format(rate.asInt(), AudioEncoding.PCM_S16LE);
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
            }
        }

        @Override
        void afterAudio() {
            audioStarted = true;
            Transcript next = finals.poll();
            connection.send(next == null ? JSON.createObjectNode().put("partial", partial).toString()
                    : result(List.of(next)).toString());
        }

        @Override
        void result(Transcript transcript) {
            switch (transcript.kind()) {
                case PARTIAL -> partial = transcript.text();
                case FINAL -> {
                    finals.add(transcript);
                    partial = "";
                }
                case STREAM_COMPLETE -> {
                    complete = true;
                    finishIfComplete();
                }
            }
        }

        private void finishIfComplete() {
            if (endReceived && complete) {
                connection.send(result(new ArrayList<>(finals)).toString());
                finals.clear();
                finish("end of stream");
            }
        }

        /** Vosk's result: the segments' words and their text joined. */
        private static ObjectNode result(List<Transcript> segments) {
            ObjectNode result = JSON.createObjectNode();
            ArrayNode words = JSON.createArrayNode();
            List<String> texts = new ArrayList<>();
            for (Transcript t : segments) {
                for (Transcript.Word w : t.words()) {
                    words.addObject().put("conf", w.confidence()).put("end", w.end()).put("start", w.start())
                            .put("word", w.word());
                }
                if (!t.text().isBlank()) {
                    texts.add(t.text());
                }
            }
            if (!words.isEmpty()) {
                result.set("result", words);
            }
            return result.put("text", String.join(" ", texts));
        }
    }
}
