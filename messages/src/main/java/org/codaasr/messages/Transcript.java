package org.codaasr.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * A partial or final hypothesis for one stream, or the record that closes the stream, on {@link Topics#TRANSCRIPTS}
 * keyed by {@code streamId}. Which of the three a record is, is {@link #kind()}: exactly one {@link Kind#FINAL} per
 * segment, exactly one {@link Kind#STREAM_COMPLETE} per stream. The topic is written in Kafka transactions, so
 * consumers read it with {@code isolation.level=read_committed}.
 *
 * @param streamId          audio stream the hypothesis is for
 * @param utteranceId       utterance id when known; may be null
 * @param segment           0-based index of the segment (utterance) within the stream
 * @param isFinal           true on the final of a segment: its audio has ended and the text will not change (false on
 *                          partials and on the stream-complete record)
 * @param text              hypothesis text
 * @param words             word-level timing and confidence; empty when not computed
 * @param model             name of the acoustic model that produced it
 * @param codaR             CoDA routing budget (frames kept per layer) used; 0 means dense
 * @param audioStartSeconds start of the covered audio, seconds from stream start
 * @param audioEndSeconds   end of the covered audio, seconds from stream start
 * @param latencyMs         time from the capture of the last chunk covered to emission
 * @param createdAtMs       emission time, epoch milliseconds
 * @param streamComplete    true on the one record that closes the stream: its text is every final of the stream
 *                          joined, and it is what the WER topology scores
 * @param reopened          how many times the stream had been reopened when this record was written: 0 normally;
 *                          n after its producer paused longer than the idle timeout n times (each pause closed the
 *                          stream with a stream-complete record) and then sent more, so a stream-complete record
 *                          with {@code reopened > 0} supersedes the stream's earlier one. Absent in records written
 *                          before the field existed (read as 0)
 * @param aborted           true on a stream-complete record whose stream ended with an abort marker
 *                          ({@link AudioChunk#aborted()}: its source went away before the end of its audio); the
 *                          text is the finals it had. Always false on partials and finals; absent (false) in records
 *                          written before the field existed
 */
public record Transcript(String streamId, String utteranceId, long segment, boolean isFinal, String text,
                         List<Word> words, String model, int codaR, double audioStartSeconds,
                         double audioEndSeconds, long latencyMs, long createdAtMs,
                         boolean streamComplete, int reopened, boolean aborted) {

    public Transcript {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(text, "text");
        words = words == null ? List.of() : List.copyOf(words);
        if (streamComplete) {
            isFinal = false; // records written before Kind existed set both
        } else {
            aborted = false;
        }
        if (reopened < 0) {
            throw new IllegalArgumentException("reopened must be >= 0, got " + reopened);
        }
    }

    /** A record of a stream that was never reopened nor aborted. */
    public Transcript(String streamId, String utteranceId, long segment, boolean isFinal, String text,
                      List<Word> words, String model, int codaR, double audioStartSeconds, double audioEndSeconds,
                      long latencyMs, long createdAtMs, boolean streamComplete) {
        this(streamId, utteranceId, segment, isFinal, text, words, model, codaR, audioStartSeconds, audioEndSeconds,
                latencyMs, createdAtMs, streamComplete, 0, false);
    }

    /** A record of a stream that was not aborted. */
    public Transcript(String streamId, String utteranceId, long segment, boolean isFinal, String text,
                      List<Word> words, String model, int codaR, double audioStartSeconds, double audioEndSeconds,
                      long latencyMs, long createdAtMs, boolean streamComplete, int reopened) {
        this(streamId, utteranceId, segment, isFinal, text, words, model, codaR, audioStartSeconds, audioEndSeconds,
                latencyMs, createdAtMs, streamComplete, reopened, false);
    }

    /** A record of a stream that was never reopened. */
    public Transcript(String streamId, String utteranceId, long segment, boolean isFinal, String text,
                      List<Word> words, String model, int codaR, double audioStartSeconds, double audioEndSeconds,
                      long latencyMs, long createdAtMs, boolean streamComplete, boolean aborted) {
        this(streamId, utteranceId, segment, isFinal, text, words, model, codaR, audioStartSeconds, audioEndSeconds,
                latencyMs, createdAtMs, streamComplete, 0, aborted);
    }

    /** The three kinds of transcript record. */
    public enum Kind {
        /** The current hypothesis of a segment still being spoken; later records replace it. */
        PARTIAL,
        /** The segment's final text, sent once. */
        FINAL,
        /** The stream has ended: the text is every final of the stream joined; the WER topology scores it. */
        STREAM_COMPLETE
    }

    /** What this record is; written to JSON as {@code kind} for consumers that do not want to combine two flags. */
    @JsonProperty("kind")
    public Kind kind() {
        return streamComplete ? Kind.STREAM_COMPLETE : isFinal ? Kind.FINAL : Kind.PARTIAL;
    }

    /**
     * One recognised word.
     *
     * @param word       the word
     * @param start      start time in seconds from stream start
     * @param end        end time in seconds from stream start
     * @param confidence posterior-based confidence in [0, 1]
     */
    public record Word(String word, double start, double end, double confidence) {

        public Word {
            Objects.requireNonNull(word, "word");
        }
    }
}
