package org.codaasr.messages;

import java.util.Objects;

/**
 * The reference transcript of one utterance, on {@link Topics#REFERENCES} keyed by {@code streamId}.
 *
 * @param utteranceId utterance id (e.g. LibriSpeech {@code 1688-142285-0000})
 * @param streamId    audio stream that carries the utterance
 * @param text        reference text as given by the corpus (upper-case for LibriSpeech)
 * @param speaker     speaker id; may be null when unknown
 * @param runId       evaluation run the utterance was sent in (its WER is aggregated per run);
 *                    {@value #DEFAULT_RUN} when absent
 */
public record Reference(String utteranceId, String streamId, String text, String speaker, String runId) {

    /** Run of references that name none (records written before the field existed too). */
    public static final String DEFAULT_RUN = "default";

    public Reference {
        Objects.requireNonNull(utteranceId, "utteranceId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(text, "text");
        runId = runId == null || runId.isBlank() ? DEFAULT_RUN : runId;
    }
}
