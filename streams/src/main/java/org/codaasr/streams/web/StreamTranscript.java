package org.codaasr.streams.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.codaasr.messages.Transcript;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.subtitle.SubtitleCues;
import org.codaasr.model.subtitle.SubtitleText;

/** A stream's finals as the page downloads them: text, or subtitles cut as {@code asr transcribe} cuts them. */
final class StreamTranscript {

    enum Format {
        TEXT("txt", "text/plain; charset=utf-8"),
        SRT("srt", "application/x-subrip; charset=utf-8"),
        VTT("vtt", "text/vtt; charset=utf-8");

        private final String extension;
        private final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }

        String extension() {
            return extension;
        }

        String contentType() {
            return contentType;
        }

        /** {@code transcript.srt} and the like; null for any other name. */
        static Format ofFileName(String name) {
            for (Format f : values()) {
                if (name.toLowerCase(Locale.ROOT).equals("transcript." + f.extension)) {
                    return f;
                }
            }
            return null;
        }
    }

    private StreamTranscript() {
    }

    static String format(StreamView view, Format format) {
        return switch (format) {
            case TEXT -> text(view);
            case SRT -> SubtitleText.srt(SubtitleCues.cut(words(view)));
            case VTT -> SubtitleText.vtt(SubtitleCues.cut(words(view)));
        };
    }

    /** One line per final segment that has text. */
    private static String text(StreamView view) {
        StringBuilder sb = new StringBuilder();
        for (StreamView.Segment s : view.finals()) {
            if (!s.text().isBlank()) {
                sb.append(s.text()).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<WordInfo> words(StreamView view) {
        List<WordInfo> words = new ArrayList<>();
        for (StreamView.Segment s : view.finals()) {
            for (Transcript.Word w : s.words()) {
                words.add(new WordInfo(w.word(), w.start(), w.end(), w.confidence()));
            }
        }
        return words;
    }
}
