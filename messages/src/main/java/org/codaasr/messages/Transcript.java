package org.codaasr.messages;

import java.util.List;
import java.util.Objects;

/**
 * A partial or final hypothesis for one stream, on {@link Topics#TRANSCRIPTS} keyed by {@code streamId}.
 *
 * @param streamId          audio stream the hypothesis is for
 * @param utteranceId       utterance id when known; may be null
 * @param segment           0-based index of the segment (utterance) within the stream
 * @param isFinal           true once the segment's audio has ended and the text will not change
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
 */
public record Transcript(String streamId, String utteranceId, long segment, boolean isFinal, String text,
                         List<Word> words, String model, int codaR, double audioStartSeconds,
                         double audioEndSeconds, long latencyMs, long createdAtMs,
                         boolean streamComplete) {

    public Transcript {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(text, "text");
        words = words == null ? List.of() : List.copyOf(words);
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
