package org.codaasr.model.subtitle;

import java.util.List;
import java.util.Locale;

/** Writes {@link SubtitleCues.Cue}s as SubRip, WebVTT or tab-separated text. Pure functions of the cues. */
public final class SubtitleText {

    private SubtitleText() {
    }

    /** SubRip: numbered cues, {@code HH:MM:SS,mmm --> HH:MM:SS,mmm}. */
    public static String srt(List<SubtitleCues.Cue> cues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cues.size(); i++) {
            SubtitleCues.Cue c = cues.get(i);
            sb.append(i + 1).append('\n').append(timestamp(c.startSeconds(), ',')).append(" --> ")
                    .append(timestamp(c.endSeconds(), ',')).append('\n').append(c.text()).append("\n\n");
        }
        return sb.toString();
    }

    /** WebVTT: the {@code WEBVTT} header, then cues with {@code HH:MM:SS.mmm} times. */
    public static String vtt(List<SubtitleCues.Cue> cues) {
        StringBuilder sb = new StringBuilder("WEBVTT\n\n");
        for (SubtitleCues.Cue c : cues) {
            sb.append(timestamp(c.startSeconds(), '.')).append(" --> ").append(timestamp(c.endSeconds(), '.'))
                    .append('\n').append(c.text()).append("\n\n");
        }
        return sb.toString();
    }

    /** A header line, then {@code start<TAB>end<TAB>text} per cue, times in milliseconds. */
    public static String tsv(List<SubtitleCues.Cue> cues) {
        StringBuilder sb = new StringBuilder("start\tend\ttext\n");
        for (SubtitleCues.Cue c : cues) {
            sb.append(Math.round(c.startSeconds() * 1000)).append('\t').append(Math.round(c.endSeconds() * 1000))
                    .append('\t').append(c.text()).append('\n');
        }
        return sb.toString();
    }

    /** {@code HH:MM:SS,mmm} (SubRip) or {@code HH:MM:SS.mmm} (WebVTT). */
    public static String timestamp(double seconds, char millisSeparator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                millisSeparator, ms % 1000);
    }
}
