package org.codaasr.app.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.codaasr.model.ctc.WordInfo;
import org.junit.jupiter.api.Test;

class TranscriptFormatTest {

    static final FileTranscript T = new FileTranscript("a/b/talk.flac", "talk", "HELLO WORLD AGAIN",
            List.of(new WordInfo("HELLO", 0.1, 0.5, 0.91), new WordInfo("WORLD", 0.6, 1.0, 0.4),
                    new WordInfo("AGAIN", 3661.25, 3661.7, 0.8)),
            "conformer-ctc-small/model.onnx", 0, "prefix beam 32", 3662.0, 36.62);

    @Test
    void textIsStemAndTranscript() {
        assertEquals("talk HELLO WORLD AGAIN\n", TranscriptFormat.TEXT.format(T));
    }

    @Test
    void srtAndVttFollowTheirTimestampSyntax() {
        assertEquals("1\n00:00:00,100 --> 00:00:01,000\nHELLO WORLD\n\n2\n01:01:01,250 --> 01:01:01,700\nAGAIN\n\n",
                TranscriptFormat.SRT.format(T));
        assertEquals("WEBVTT\n\n00:00:00.100 --> 00:00:01.000\nHELLO WORLD\n\n01:01:01.250 --> 01:01:01.700\nAGAIN\n\n",
                TranscriptFormat.VTT.format(T));
        assertEquals("start\tend\ttext\n100\t1000\tHELLO WORLD\n3661250\t3661700\tAGAIN\n",
                TranscriptFormat.TSV.format(T));
    }

    @Test
    void jsonHoldsWordsModelAndRealTimeFactor() throws Exception {
        JsonNode n = new ObjectMapper().readTree(TranscriptFormat.JSON.format(T));
        assertEquals("HELLO WORLD AGAIN", n.get("text").asText());
        assertEquals(3, n.get("words").size());
        assertEquals(0.4, n.get("words").get(1).get("confidence").asDouble(), 1e-9);
        assertEquals(0.6, n.get("words").get(1).get("start").asDouble(), 1e-9);
        assertEquals("conformer-ctc-small/model.onnx", n.get("model").asText());
        assertEquals(0, n.get("codaR").asInt());
        assertEquals(0.01, n.get("rtf").asDouble(), 1e-9);
        assertTrue(TranscriptFormat.JSON.format(T).endsWith("}\n"), "one object per line (JSON Lines for many files)");
    }
}
