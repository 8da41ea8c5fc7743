package org.codaasr.messages;

import java.util.Objects;

/**
 * Running corpus-level WER over a scope, on {@link Topics#WER} keyed by {@code runId + "/" + scope}.
 *
 * @param runId          evaluation run
 * @param scope          {@code "run"} for the whole run or {@code "speaker:<id>"} for one speaker
 * @param utterances     utterances scored so far
 * @param referenceWords total reference words so far
 * @param errors         total S + D + I so far
 * @param wer            errors / referenceWords
 */
public record WerAggregate(String runId, String scope, long utterances, long referenceWords, long errors,
                           double wer) {

    /** Scope name for the whole run. */
    public static final String RUN_SCOPE = "run";

    public WerAggregate {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(scope, "scope");
    }

    /** Scope name for one speaker. */
    public static String speakerScope(String speaker) {
        return "speaker:" + speaker;
    }
}
