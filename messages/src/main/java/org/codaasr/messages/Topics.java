package org.codaasr.messages;

import java.util.List;

/** Names of the Kafka topics the pipeline uses; the one place they are spelled out. */
public final class Topics {

    /** {@link AudioChunk}s, key = stream id. */
    public static final String AUDIO = "asr.audio";
    /** {@link Reference} transcripts, key = stream id. */
    public static final String REFERENCES = "asr.references";
    /** {@link Transcript}s, key = stream id. */
    public static final String TRANSCRIPTS = "asr.transcripts";
    /** Per-utterance {@link WerRecord}s, key = stream id. */
    public static final String WER = "asr.wer";
    /** Running {@link WerAggregate}s per run and per speaker, key = {@code run:<run>} or {@code speaker:<run>:<id>}. */
    public static final String WER_AGGREGATES = "asr.wer.aggregates";
    /** {@link DeadLetter}s. */
    public static final String DLQ = "asr.dlq";

    /**
     * Optional header of {@link #AUDIO} records: the CoDA routing the sender asks for its stream, {@code adaptive} or
     * a reduction factor such as {@code 0} (dense), {@code 2}, {@code 4}. Sent on every chunk of such a stream.
     */
    public static final String CODA_HEADER = "asr.coda";

    /** Every topic above, for creating them all at once. */
    public static final List<String> ALL = List.of(AUDIO, REFERENCES, TRANSCRIPTS, WER, WER_AGGREGATES, DLQ);

    private Topics() {
    }
}
