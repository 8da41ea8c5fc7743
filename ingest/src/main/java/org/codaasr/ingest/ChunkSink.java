package org.codaasr.ingest;

import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;

/** Where the ingestor puts what it produces; {@link KafkaChunkSink} is the real one. */
public interface ChunkSink extends AutoCloseable {

    /** Sends a reference transcript, keyed by its stream id. */
    void send(Reference reference);

    /** Sends an audio chunk, keyed by its stream id. */
    void send(AudioChunk chunk);

    /** Blocks until everything sent so far is acknowledged; throws if any send failed. */
    void flush();

    @Override
    void close();
}
