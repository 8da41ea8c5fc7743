package org.codaasr.model.recognizer;

import java.util.List;
import org.codaasr.model.ctc.WordInfo;

/**
 * A partial or final hypothesis for one utterance (segment) of a stream. Times are seconds from the start of the
 * stream.
 *
 * @param segment index of the utterance within the stream, counting from 0
 * @param text the words joined by single spaces
 * @param words per-word timing and confidence
 * @param isFinal true once the endpoint or the end of input closed the segment
 * @param startSeconds audio time where the segment starts
 * @param endSeconds audio time up to which the segment has been decoded
 */
public record RecognitionResult(long segment, String text, List<WordInfo> words, boolean isFinal,
        double startSeconds, double endSeconds) {

    public RecognitionResult {
        text = text == null ? "" : text;
        words = List.copyOf(words);
    }

    public boolean isEmpty() {
        return text.isBlank();
    }
}
