package org.codaasr.model.ctc;

/**
 * One recognized word with its time span in seconds from the start of the decoded audio and a
 * confidence in [0, 1] (see the decoder for how it is computed).
 */
public record WordInfo(String word, double startSeconds, double endSeconds, double confidence) {

    public WordInfo {
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException("word must not be empty");
        }
        if (endSeconds < startSeconds) {
            throw new IllegalArgumentException("word " + word + " ends (" + endSeconds + ") before it starts ("
                    + startSeconds + ")");
        }
    }
}
