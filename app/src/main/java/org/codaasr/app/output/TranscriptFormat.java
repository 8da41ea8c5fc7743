package org.codaasr.app.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.subtitle.SubtitleCues;
import org.codaasr.model.subtitle.SubtitleText;

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
            case SRT -> SubtitleText.srt(SubtitleCues.cut(t.words()));
            case VTT -> SubtitleText.vtt(SubtitleCues.cut(t.words()));
            case TSV -> SubtitleText.tsv(SubtitleCues.cut(t.words()));
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

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
