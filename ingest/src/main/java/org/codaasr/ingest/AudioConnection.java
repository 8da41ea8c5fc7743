package org.codaasr.ingest;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunkValidator;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.model.recognizer.RoutingRequest;
import org.java_websocket.WebSocket;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection's audio stream, as an {@link AudioProtocol} drives it: the sample format (16 kHz 16-bit
 * PCM until the protocol says otherwise), the bytes not yet cut into a chunk, the next sequence number, and whether
 * the stream has ended. Audio is re-cut into chunks of the source's length and sent to the sink as they fill; the
 * last chunk ends the stream, normally ({@link #end}) or with the abort marker ({@link #abort}).
 *
 * <p>What goes to the client ({@link #send}, {@link #close}) is written by the server's one writer thread, in order:
 * Java-WebSocket calls {@code onClose} holding the socket's lock, so a thread that holds a session's lock must never
 * wait for the socket's.
 */
public final class AudioConnection {

    private static final Logger LOG = LoggerFactory.getLogger(AudioConnection.class);
    private static final AudioChunkValidator RATES = AudioChunkValidator.defaults();

    private final WebSocket socket;
    private final String streamId;
    private final InetAddress client;
    private final RoutingRequest routing;
    private final ChunkSink sink;
    private final AudioChunker chunker;
    private final double maxStreamSeconds;
    private final Executor writer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int sampleRate = AudioLoader.SAMPLE_RATE;
    private AudioEncoding encoding = AudioEncoding.PCM_S16LE;
    private long sequence;
    private long bytesReceived;
    private boolean ended;
    volatile long lastMessageNanos = System.nanoTime();

    AudioConnection(WebSocket socket, String streamId, InetAddress client, RoutingRequest routing, ChunkSink sink,
            AudioChunker chunker, double maxStreamSeconds, Executor writer) {
        this.socket = socket;
        this.streamId = streamId;
        this.client = client;
        this.routing = routing;
        this.sink = sink;
        this.chunker = chunker;
        this.maxStreamSeconds = maxStreamSeconds;
        this.writer = writer;
    }

    /** The stream's id on {@code asr.audio}. */
    public String streamId() {
        return streamId;
    }

    InetAddress client() {
        return client;
    }

    RoutingRequest routing() {
        return routing;
    }

    /** Bytes per sample of the stream's format. */
    public synchronized int bytesPerSample() {
        return encoding.bytesPerSample();
    }

    /**
     * Sets the format of the audio to come; only before the first audio.
     *
     * @throws IllegalArgumentException a rate the pipeline cannot resample (outside {@code minSampleRate}..{@code
     *                                  maxSampleRate} of {@link AudioChunkValidator#defaults()})
     * @throws IllegalStateException    audio has already come
     */
    public synchronized void format(int rate, AudioEncoding sampleEncoding) {
        if (rate < RATES.minSampleRate() || rate > RATES.maxSampleRate()) {
            throw new IllegalArgumentException("sample rate " + rate + " Hz cannot be resampled; expected "
                    + RATES.minSampleRate() + " to " + RATES.maxSampleRate() + " Hz");
        }
        if (bytesReceived > 0) {
            throw new IllegalStateException("the sample format can only be set before the audio");
        }
        sampleRate = rate;
        encoding = sampleEncoding;
    }

    /**
     * Takes audio bytes in the stream's format and sends every chunk they fill. A stream past the longest allowed is
     * ended and the connection closed (1008). Returns false (and takes nothing) once the stream has ended.
     */
    public synchronized boolean audio(byte[] bytes) {
        if (ended) {
            return false;
        }
        bytesReceived += bytes.length;
        pending.writeBytes(bytes);
        int chunkBytes = chunker.samplesPerChunk(sampleRate) * encoding.bytesPerSample();
        byte[] all = pending.toByteArray();
        int offset = 0;
        try {
            for (; all.length - offset >= chunkBytes; offset += chunkBytes) {
                sink.send(chunk(Arrays.copyOfRange(all, offset, offset + chunkBytes), false, false), routing);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not send chunk of stream {}", streamId, e);
            close(CloseFrame.TRY_AGAIN_LATER, "could not forward audio: " + e.getMessage());
        }
        pending.reset();
        pending.write(all, offset, all.length - offset);
        if (bytesReceived / ((double) encoding.bytesPerSample() * sampleRate) > maxStreamSeconds) {
            end();
            close(CloseFrame.POLICY_VALIDATION, "stream " + streamId + " is longer than " + maxStreamSeconds
                    + " s; ended");
        }
        return true;
    }

    /** Ends the stream normally: the rest goes out as the end-of-stream chunk. False if it had already ended. */
    public synchronized boolean end() {
        return finish(false, "ended");
    }

    /**
     * Ends the stream with the abort marker ({@link AudioChunk#aborted()}): its source went away before the end of
     * its audio. What was received is kept. False if it had already ended.
     */
    public synchronized boolean abort(String why) {
        return finish(true, "aborted (" + why + ")");
    }

    public synchronized boolean ended() {
        return ended;
    }

    /** Sends a text message if the socket is still open (by the writer thread, after what was sent before). */
    public void send(String text) {
        write(() -> {
            try {
                if (socket.isOpen()) {
                    socket.send(text);
                }
            } catch (WebsocketNotConnectedException e) {
                LOG.debug("stream {}: the client went away before a reply", streamId);
            }
        });
    }

    /**
     * Closes the socket with {@code code} and {@code reason} (at most 120 characters go into the close frame), after
     * what was sent before.
     */
    public void close(int code, String reason) {
        String shortReason = reason.length() > 120 ? reason.substring(0, 120) : reason;
        write(() -> socket.close(code, shortReason));
    }

    private void write(Runnable action) {
        try {
            writer.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("stream {}: the server is stopping; nothing more is written", streamId);
        }
    }

    private boolean finish(boolean aborted, String how) {
        if (ended) {
            return false;
        }
        ended = true;
        byte[] rest = pending.toByteArray();
        pending.reset();
        // a trailing part of a sample is no audio; it is dropped
        byte[] whole = Arrays.copyOf(rest, rest.length - rest.length % encoding.bytesPerSample());
        try {
            sink.send(chunk(whole, true, aborted), routing);
            sink.flush();
            LOG.info("WebSocket stream {} {} after {} chunks", streamId, how, sequence);
        } catch (RuntimeException e) {
            LOG.warn("could not send the end of stream {}", streamId, e);
        }
        return true;
    }

    private AudioChunk chunk(byte[] payload, boolean endOfStream, boolean aborted) {
        return new AudioChunk(streamId, sequence++, sampleRate, encoding, payload, endOfStream, null,
                System.currentTimeMillis(), aborted);
    }
}
