package org.codaasr.model.corpus;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One recording to ingest: where its audio is and, when known, who spoke it and what was said.
 *
 * @param utteranceId   utterance id; also the default stream id
 * @param speaker       speaker id, or null
 * @param audio         audio file
 * @param referenceText reference transcript, or null when there is none
 */
public record AudioItem(String utteranceId, String speaker, Path audio, String referenceText) {

    public AudioItem {
        Objects.requireNonNull(utteranceId, "utteranceId");
        Objects.requireNonNull(audio, "audio");
    }

    /** The reference transcript if there is one. */
    public Optional<String> reference() {
        return Optional.ofNullable(referenceText);
    }
}
