package org.codaasr.model.wer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void upperCasesAndDropsPunctuation() {
        assertEquals("HELLO WORLD", TextNormalizer.librispeech("Hello, world!"));
    }

    @Test
    void hyphensSplitWords() {
        assertEquals("A WELL KNOWN MAN", TextNormalizer.librispeech("a well-known man"));
    }

    @Test
    void keepsApostrophesInsideWordsAndLeadingElisions() {
        assertEquals("DON'T 'TIS QUOTED JAMES O'BRIEN",
                TextNormalizer.librispeech("Don't 'tis 'quoted' James' O\u2019Brien"));
    }

    @Test
    void foldsAccentsToAscii() {
        assertEquals("CAFE NAIVE AEON", TextNormalizer.librispeech("caf\u00e9 na\u00efve \u00e6on"));
    }

    @Test
    void collapsesSpacesAndDigitsBecomeSpaces() {
        assertEquals("MULTIPLE SPACES", TextNormalizer.librispeech("  multiple \t  spaces 42 "));
        assertEquals("", TextNormalizer.librispeech(" ... "));
    }
}
