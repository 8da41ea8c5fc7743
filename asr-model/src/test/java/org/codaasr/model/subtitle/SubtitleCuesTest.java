package org.codaasr.model.subtitle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.codaasr.model.ctc.WordInfo;
import org.junit.jupiter.api.Test;

class SubtitleCuesTest {

    private static WordInfo w(String word, double start, double end) {
        return new WordInfo(word, start, end, 0.9);
    }

    @Test
    void aPauseStartsANewCue() {
        List<SubtitleCues.Cue> cues = SubtitleCues.cut(List.of(w("HELLO", 0.10, 0.50), w("WORLD", 0.60, 1.00),
                w("AGAIN", 2.00, 2.40)));
        assertEquals(List.of(new SubtitleCues.Cue(0.10, 1.00, "HELLO WORLD"), new SubtitleCues.Cue(2.00, 2.40, "AGAIN")),
                cues);
    }

    @Test
    void cuesStayWithinTheLineLengthAndScreenTime() {
        List<WordInfo> words = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            words.add(w("WORD" + i, i * 0.3, i * 0.3 + 0.25)); // no pauses at all
        }
        List<SubtitleCues.Cue> cues = SubtitleCues.cut(words);
        assertTrue(cues.size() > 1);
        int total = 0;
        for (SubtitleCues.Cue c : cues) {
            assertTrue(c.text().length() <= SubtitleCues.DEFAULT_MAX_CHARS, c.text());
            assertTrue(c.endSeconds() - c.startSeconds() <= SubtitleCues.DEFAULT_MAX_SECONDS + 1e-9, c.toString());
            total += c.text().split(" ").length;
        }
        assertEquals(40, total, "every word is in exactly one cue");
        assertEquals(List.of(), SubtitleCues.cut(List.of()));
    }

    @Test
    void aWordLongerThanALineGetsACueOfItsOwn() {
        String longWord = "X".repeat(50);
        List<SubtitleCues.Cue> cues = SubtitleCues.cut(List.of(w("A", 0, 0.1), w(longWord, 0.2, 0.9), w("B", 1, 1.1)));
        assertEquals(List.of("A", longWord, "B"), cues.stream().map(SubtitleCues.Cue::text).toList());
        assertThrows(IllegalArgumentException.class, () -> SubtitleCues.cut(List.of(), 0, 0.5, 7));
    }
}
