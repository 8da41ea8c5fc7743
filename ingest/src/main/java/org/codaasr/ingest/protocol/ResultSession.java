package org.codaasr.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.codaasr.ingest.AudioConnection;
import org.codaasr.ingest.AudioProtocol;
import org.codaasr.messages.Transcript;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Vosk and sherpa-onnx sessions share: a stream whose results come back from the {@link TranscriptFeed},
 * audio that must be whole samples, an end message, and the way bad input and vanished clients end. A session is
 * called on the connection's thread (messages) and the feed's thread (results), one at a time under its lock.
 */
abstract class ResultSession implements AudioProtocol.Session, Consumer<Transcript> {

    private static final Logger LOG = LoggerFactory.getLogger(ResultSession.class);
    static final ObjectMapper JSON = JsonMapper.builder().build();

    final AudioConnection connection;
    private final AutoCloseable subscription;
    /** The client sent its end message: the stream ended normally and the final results are due. */
    boolean endReceived;
    private boolean closed;

    ResultSession(AudioConnection connection, TranscriptFeed feed) {
        this.connection = connection;
        this.subscription = feed.subscribe(connection.streamId(), this);
    }

    /** The stream's audio, checked to be whole samples of its format. */
    @Override
    public final synchronized void onBinary(ByteBuffer message) {
        if (closed) {
            return;
        }
        int size = message.remaining();
        int sample = connection.bytesPerSample();
        if (endReceived) {
            fail("audio after the end of the stream");
        } else if (size % sample != 0) {
            fail("a binary message of " + size + " bytes is not a whole number of " + sample + "-byte samples");
        } else {
            byte[] bytes = new byte[size];
            message.get(bytes);
            connection.audio(bytes);
            afterAudio();
        }
    }

    /** What the protocol answers to an audio message (nothing by default). */
    void afterAudio() {
    }

    /** The client has sent its end message: the stream ends normally; the results follow. */
    final void endOfAudio() {
        endReceived = true;
        connection.end();
    }

    @Override
    public final synchronized void accept(Transcript transcript) {
        if (!closed) {
            result(transcript);
        }
    }

    /** One record of the stream from {@code asr.transcripts}. */
    abstract void result(Transcript transcript);

    /** The protocol's last message is sent: the session stops listening and closes the socket normally. */
    final void finish(String reason) {
        stopListening();
        connection.close(CloseFrame.NORMAL, reason);
    }

    /**
     * Bad input: the stream ends with the abort marker, the client gets {@code {"error": reason}} and the socket
     * closes with 1003 and the reason.
     */
    final void fail(String reason) {
        LOG.info("stream {}: {}", connection.streamId(), reason);
        connection.abort(reason);
        ObjectNode error = JSON.createObjectNode().put("error", reason);
        connection.send(error.toString());
        stopListening();
        connection.close(CloseFrame.REFUSE, reason);
    }

    /** A client that goes away before its end message leaves its stream aborted, never completed. */
    @Override
    public final synchronized void onClose(int code, String reason) {
        stopListening();
        if (!endReceived) {
            connection.abort("the client went away without its end message (close " + code
                    + (reason == null || reason.isEmpty() ? "" : ": " + reason) + ")");
        }
    }

    private void stopListening() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("unsubscribing stream {}", connection.streamId(), e);
        }
    }

    /** {@code text} as JSON, or null when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
