package org.codaasr.messages;

import java.util.Objects;

/**
 * The reference transcript of one utterance, on {@link Topics#REFERENCES} keyed by {@code streamId}.
 *
 * @param utteranceId utterance id (e.g. LibriSpeech {@code 1688-142285-0000})
 * @param streamId    audio stream that carries the utterance
 * @param text        reference text as given by the corpus (upper-case for LibriSpeech)
 * @param speaker     speaker id; may be null when unknown
 */
public record Reference(String utteranceId, String streamId, String text, String speaker) {

    public Reference {
        Objects.requireNonNull(utteranceId, "utteranceId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(text, "text");
    }
}
