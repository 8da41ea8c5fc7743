package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PocketSphinxOutputTest {

    /** Real stdout of pocketsphinx_continuous (Debian 0.8+5prealpha) on 3080-5032-0009: four VAD segments. */
    private static String capturedSample() throws IOException {
        try (InputStream in = PocketSphinxOutputTest.class.getResourceAsStream(
                "/baseline/pocketsphinx-3080-5032-0009.stdout")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void joinsSegmentLinesInOrderAndUpperCases() throws IOException {
        assertEquals("STUFF AND IT IS WHY OUR DAILY LIVES "
                + "S A ROARING MISTRESSES AND I ARE LIVING IN PRETENDING SHARING HIM IN THE WEEK THOUGH I HAVE THE "
                + "AUDIT TO BE HIS LITTLE OVER TO SPEAK FREELY "
                + "I CANNOT WRITE WELL ACTUALLY HE MEETS INEQUALITY MOVE "
                + "AND I'LL KNOW WELL YOUNG WOMAN IN A COUNTRY THAT HE DOES NOT GET SICK OFTEN",
                PocketSphinxOutput.hypothesis(capturedSample()));
    }

    @Test
    void silenceGivesEmptyHypothesis() {
        // what the binary prints for one second of digital silence: a single empty line
        assertEquals("", PocketSphinxOutput.hypothesis("\n"));
        assertEquals("", PocketSphinxOutput.hypothesis(""));
    }

    @Test
    void dropsFillersSentenceMarkersAndPronunciationVariants() {
        assertEquals("READ THE BOOK AGAIN",
                PocketSphinxOutput.hypothesis("<s> read(2) the [NOISE] book <sil>\r\n++BREATH++ again </s>\n"));
    }

    @Test
    void keepsWordInternalApostrophesAndSplitsHyphens() {
        assertEquals("YOU DIDN'T WANT TO GO WELL KNOWN", PocketSphinxOutput.hypothesis("you didn't want to go\nwell-known\n"));
    }
}
