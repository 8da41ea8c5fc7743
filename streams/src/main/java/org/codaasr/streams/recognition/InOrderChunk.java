package org.codaasr.streams.recognition;

import org.codaasr.messages.AudioChunk;
import org.codaasr.model.recognizer.RoutingRequest;

/**
 * A stream's next chunk in sequence order, as the ordering stage hands it to the recognize stage.
 *
 * @param chunk the chunk
 * @param routing the stream's routing request from the record's header; null when it has none (or the chunk waited
 *     in the journal)
 * @param raw the chunk's bytes, as the chunk journal keeps them
 * @param journaled the chunk is in the journal already (it came early and waited there)
 */
record InOrderChunk(AudioChunk chunk, RoutingRequest routing, byte[] raw, boolean journaled) {}
