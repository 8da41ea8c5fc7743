package org.codaasr.model.recognizer;

import java.util.List;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.onnx.CodaVariant;

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
 * @param variant the CoDA variant whose encoder produced the segment (a stream changes variant only between
 *     segments); null where no stream decoded it (offline transcription, results made by callers)
 */
public record RecognitionResult(long segment, String text, List<WordInfo> words, boolean isFinal,
        double startSeconds, double endSeconds, CodaVariant variant) {

    public RecognitionResult {
        text = text == null ? "" : text;
        words = List.copyOf(words);
    }

    /** A result without a recorded variant. */
    public RecognitionResult(long segment, String text, List<WordInfo> words, boolean isFinal, double startSeconds,
            double endSeconds) {
        this(segment, text, words, isFinal, startSeconds, endSeconds, null);
    }

    public boolean isEmpty() {
        return text.isBlank();
    }
}
