package org.codaasr.messages;

import org.apache.kafka.common.serialization.Serde;

/** The one serde of each message type. Serdes are stateless and may be shared between threads. */
public final class AsrSerdes {

    private static final Serde<AudioChunk> AUDIO_CHUNK = new AudioChunkSerde();
    private static final Serde<Reference> REFERENCE = new JsonSerde<>(Reference.class);
    private static final Serde<Transcript> TRANSCRIPT = new JsonSerde<>(Transcript.class);
    private static final Serde<WerRecord> WER_RECORD = new JsonSerde<>(WerRecord.class);
    private static final Serde<WerAggregate> WER_AGGREGATE = new JsonSerde<>(WerAggregate.class);
    private static final Serde<DeadLetter> DEAD_LETTER = new JsonSerde<>(DeadLetter.class);

    private AsrSerdes() {
    }

    /** Binary serde, layout documented on {@link AudioChunk}. */
    public static Serde<AudioChunk> audioChunk() {
        return AUDIO_CHUNK;
    }

    public static Serde<Reference> reference() {
        return REFERENCE;
    }

    public static Serde<Transcript> transcript() {
        return TRANSCRIPT;
    }

    public static Serde<WerRecord> werRecord() {
        return WER_RECORD;
    }

    public static Serde<WerAggregate> werAggregate() {
        return WER_AGGREGATE;
    }

    public static Serde<DeadLetter> deadLetter() {
        return DEAD_LETTER;
    }
}
