package org.codaasr.model.subtitle;

import java.util.ArrayList;
import java.util.List;
import org.codaasr.model.ctc.WordInfo;

/**
 * Cuts word timings into subtitle cues: a new cue at every pause longer than {@code maxPauseSeconds}, and before a
 * word that would make the cue longer than {@code maxChars} characters or {@code maxSeconds} on screen. A pure
 * function of the words.
 */
public final class SubtitleCues {

    /** One subtitle: its time span and text. */
    public record Cue(double startSeconds, double endSeconds, String text) {}

    /** 42 characters (the common broadcast line length), 0.5 s pause, 7 s on screen. */
    public static final int DEFAULT_MAX_CHARS = 42;
    public static final double DEFAULT_MAX_PAUSE_SECONDS = 0.5;
    public static final double DEFAULT_MAX_SECONDS = 7.0;

    private SubtitleCues() {
    }

    public static List<Cue> cut(List<WordInfo> words) {
        return cut(words, DEFAULT_MAX_CHARS, DEFAULT_MAX_PAUSE_SECONDS, DEFAULT_MAX_SECONDS);
    }

    public static List<Cue> cut(List<WordInfo> words, int maxChars, double maxPauseSeconds, double maxSeconds) {
        if (maxChars < 1 || maxPauseSeconds < 0 || maxSeconds <= 0) {
            throw new IllegalArgumentException("need maxChars >= 1, maxPauseSeconds >= 0 and maxSeconds > 0, got "
                    + maxChars + ", " + maxPauseSeconds + ", " + maxSeconds);
        }
        List<Cue> cues = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        double start = 0;
        double end = 0;
        for (WordInfo w : words) {
            boolean open = text.length() > 0;
            boolean breakHere = open && (w.startSeconds() - end > maxPauseSeconds
                    || text.length() + 1 + w.word().length() > maxChars
                    || w.endSeconds() - start > maxSeconds);
            if (breakHere) {
                cues.add(new Cue(start, end, text.toString()));
                text.setLength(0);
                open = false;
            }
            if (!open) {
                start = w.startSeconds();
            } else {
                text.append(' ');
            }
            text.append(w.word());
            end = Math.max(end, w.endSeconds());
        }
        if (text.length() > 0) {
            cues.add(new Cue(start, end, text.toString()));
        }
        return cues;
    }
}
