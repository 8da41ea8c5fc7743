package org.codaasr.app.output;

import java.util.List;
import org.codaasr.model.ctc.WordInfo;

/**
 * One transcribed file, everything the output formats write.
 *
 * @param file the input as the user named it ({@code -} for standard input)
 * @param stem the file name without its extension
 * @param text the transcript
 * @param words per-word times (seconds from the file's start) and confidences
 * @param model the model file that ran
 * @param codaR the CoDA variant's reduction factor (0 dense, 1 parallel adapter)
 * @param decoding the decoding, in words
 * @param audioSeconds length of the audio
 * @param processingSeconds wall time spent recognizing it
 */
public record FileTranscript(String file, String stem, String text, List<WordInfo> words, String model, int codaR,
        String decoding, double audioSeconds, double processingSeconds) {

    public FileTranscript {
        words = List.copyOf(words);
    }
}
