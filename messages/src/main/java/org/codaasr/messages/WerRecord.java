package org.codaasr.messages;

import java.util.Objects;

/**
 * Word error rate of one final transcript against its reference, on {@link Topics#WER} keyed by {@code runId}.
 *
 * @param runId          evaluation run
 * @param utteranceId    utterance scored
 * @param speaker        speaker id; may be null
 * @param referenceWords number of words in the reference
 * @param substitutions  substituted words
 * @param deletions      deleted words
 * @param insertions     inserted words
 * @param wer            (S + D + I) / N
 * @param reference      normalised reference text
 * @param hypothesis     normalised hypothesis text
 */
public record WerRecord(String runId, String utteranceId, String speaker, int referenceWords, int substitutions,
                        int deletions, int insertions, double wer, String reference, String hypothesis) {

    public WerRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(utteranceId, "utteranceId");
    }

    /** S + D + I. */
    public int errors() {
        return substitutions + deletions + insertions;
    }
}
