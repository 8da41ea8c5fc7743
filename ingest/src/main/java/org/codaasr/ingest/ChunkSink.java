package org.codaasr.ingest;

import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.codaasr.model.recognizer.RoutingRequest;

/** Where the ingestor puts what it produces; {@link KafkaChunkSink} is the real one. */
public interface ChunkSink extends AutoCloseable {

    /** Sends a reference transcript, keyed by its stream id. */
    void send(Reference reference);

    /** Sends an audio chunk, keyed by its stream id, with no routing request. */
    default void send(AudioChunk chunk) {
        send(chunk, null);
    }

    /**
     * Sends an audio chunk, keyed by its stream id, with the CoDA routing its stream asks for ({@code null}: none,
     * the recognizer decides).
     */
    void send(AudioChunk chunk, RoutingRequest routing);

    /** Blocks until everything sent so far is acknowledged; throws if any send failed. */
    void flush();

    @Override
    void close();
}
