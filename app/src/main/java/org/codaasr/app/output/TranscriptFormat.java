package org.codaasr.app.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.codaasr.model.ctc.WordInfo;

/**
 * How {@code asr transcribe} writes one file's transcript: plain text, JSON, SubRip, WebVTT or tab-separated cues.
 * Each formatter is a pure function of the {@link FileTranscript}.
 */
public enum TranscriptFormat {
    /** {@code <file-stem> <TRANSCRIPT>} on one line. */
    TEXT("txt"),
    /** One JSON object: text, words with start/end/confidence, model, CoDA variant, decoding, real-time factor. */
    JSON("json"),
    /** SubRip subtitles, cues cut at pauses and at 42 characters. */
    SRT("srt"),
    /** WebVTT subtitles, the same cues. */
    VTT("vtt"),
    /** {@code start<TAB>end<TAB>text} per cue, times in milliseconds, with a header line. */
    TSV("tsv");

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    private final String extension;

    TranscriptFormat(String extension) {
        this.extension = extension;
    }

    /** File name extension of this format, without the dot. */
    public String extension() {
        return extension;
    }

    /** True for the formats that hold exactly one file's transcript per output (subtitles). */
    public boolean isOneFilePerOutput() {
        return this == SRT || this == VTT || this == TSV;
    }

    public String format(FileTranscript t) {
        return switch (this) {
            case TEXT -> t.stem() + " " + t.text() + "\n";
            case JSON -> json(t) + "\n";
            case SRT -> srt(SubtitleCues.cut(t.words()));
            case VTT -> vtt(SubtitleCues.cut(t.words()));
            case TSV -> tsv(SubtitleCues.cut(t.words()));
        };
    }

    private static String json(FileTranscript t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", t.file());
        m.put("text", t.text());
        List<Map<String, Object>> words = new ArrayList<>();
        for (WordInfo w : t.words()) {
            Map<String, Object> word = new LinkedHashMap<>();
            word.put("word", w.word());
            word.put("start", round(w.startSeconds()));
            word.put("end", round(w.endSeconds()));
            word.put("confidence", round(w.confidence()));
            words.add(word);
        }
        m.put("words", words);
        m.put("model", t.model());
        m.put("codaR", t.codaR());
        m.put("decoding", t.decoding());
        m.put("audioSeconds", round(t.audioSeconds()));
        m.put("processingSeconds", round(t.processingSeconds()));
        m.put("rtf", t.audioSeconds() > 0 ? round(t.processingSeconds() / t.audioSeconds()) : 0.0);
        try {
            return JSON_MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a transcript of plain values always serializes", e);
        }
    }

    private static String srt(List<SubtitleCues.Cue> cues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cues.size(); i++) {
            SubtitleCues.Cue c = cues.get(i);
            sb.append(i + 1).append('\n').append(timestamp(c.startSeconds(), ',')).append(" --> ")
                    .append(timestamp(c.endSeconds(), ',')).append('\n').append(c.text()).append("\n\n");
        }
        return sb.toString();
    }

    private static String vtt(List<SubtitleCues.Cue> cues) {
        StringBuilder sb = new StringBuilder("WEBVTT\n\n");
        for (SubtitleCues.Cue c : cues) {
            sb.append(timestamp(c.startSeconds(), '.')).append(" --> ").append(timestamp(c.endSeconds(), '.'))
                    .append('\n').append(c.text()).append("\n\n");
        }
        return sb.toString();
    }

    private static String tsv(List<SubtitleCues.Cue> cues) {
        StringBuilder sb = new StringBuilder("start\tend\ttext\n");
        for (SubtitleCues.Cue c : cues) {
            sb.append(Math.round(c.startSeconds() * 1000)).append('\t').append(Math.round(c.endSeconds() * 1000))
                    .append('\t').append(c.text()).append('\n');
        }
        return sb.toString();
    }

    /** {@code HH:MM:SS,mmm} (SubRip) or {@code HH:MM:SS.mmm} (WebVTT). */
    static String timestamp(double seconds, char millisSeparator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                millisSeparator, ms % 1000);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
