package org.codaasr.model.subtitle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubtitleTextTest {

    private final List<SubtitleCues.Cue> cues = List.of(new SubtitleCues.Cue(0.1, 1.2345, "HELLO WORLD"),
            new SubtitleCues.Cue(3661.5, 3662.0, "AGAIN"));

    @Test
    void subRipNumbersCuesAndUsesACommaBeforeTheMilliseconds() {
        assertEquals("1\n00:00:00,100 --> 00:00:01,235\nHELLO WORLD\n\n2\n01:01:01,500 --> 01:01:02,000\nAGAIN\n\n",
                SubtitleText.srt(cues));
    }

    @Test
    void webVttHasItsHeaderAndAFullStopBeforeTheMilliseconds() {
        assertEquals("WEBVTT\n\n00:00:00.100 --> 00:00:01.235\nHELLO WORLD\n\n01:01:01.500 --> 01:01:02.000\nAGAIN\n\n",
                SubtitleText.vtt(cues));
    }

    @Test
    void tsvGivesMillisecondsAndNegativeTimesClampToZero() {
        assertEquals("start\tend\ttext\n100\t1235\tHELLO WORLD\n3661500\t3662000\tAGAIN\n", SubtitleText.tsv(cues));
        assertEquals("00:00:00,000", SubtitleText.timestamp(-2, ','));
    }
}
