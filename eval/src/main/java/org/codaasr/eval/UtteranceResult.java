package org.codaasr.eval;

import org.codaasr.model.wer.WerResult;

/** One evaluated utterance: what was said, what was recognized, and how long it took. */
public record UtteranceResult(String id, String speaker, String reference, String hypothesis, WerResult wer,
        double audioSeconds, double processingSeconds) {}
