package org.codaasr.streams.recognition;

import org.codaasr.messages.AudioChunk;
import org.codaasr.model.recognizer.RoutingRequest;

/**
 * An {@code asr.audio} record the validation stage accepted, as it hands it to the ordering stage.
 *
 * @param chunk the decoded chunk, its values valid
 * @param routing the stream's routing request from the record's header; null when it has none
 * @param raw the record's bytes, as the chunk journal keeps them
 */
record AcceptedChunk(AudioChunk chunk, RoutingRequest routing, byte[] raw) {}
