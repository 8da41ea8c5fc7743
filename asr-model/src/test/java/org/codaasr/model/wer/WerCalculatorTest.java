package org.codaasr.model.wer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WerCalculatorTest {

    private static String[] w(String s) {
        return s.isEmpty() ? new String[0] : s.split(" ");
    }

    private static void assertCounts(WerResult r, int ref, int c, int s, int d, int i) {
        assertEquals(ref, r.referenceWords(), "reference words");
        assertEquals(c, r.correct(), "correct");
        assertEquals(s, r.substitutions(), "substitutions");
        assertEquals(d, r.deletions(), "deletions");
        assertEquals(i, r.insertions(), "insertions");
    }

    @Test
    void bothEmptyIsZero() {
        WerResult r = WerCalculator.align(w(""), w(""));
        assertCounts(r, 0, 0, 0, 0, 0);
        assertEquals(0.0, r.wer());
    }

    @Test
    void emptyReferenceWithWordsIsAllInsertionsAndCappedAtOne() {
        WerResult r = WerCalculator.align(w(""), w("A B"));
        assertCounts(r, 0, 0, 0, 0, 2);
        assertEquals(1.0, r.wer());
    }

    @Test
    void emptyHypothesisIsAllDeletions() {
        WerResult r = WerCalculator.align(w("A B C"), w(""));
        assertCounts(r, 3, 0, 0, 3, 0);
        assertEquals(1.0, r.wer());
    }

    @Test
    void insertionsOnly() {
        WerResult r = WerCalculator.align(w("A B C D"), w("A X B C D E"));
        assertCounts(r, 4, 4, 0, 0, 2);
        assertEquals(0.5, r.wer(), 1e-12);
        assertEquals(new AlignedPair(null, "X", EditOp.INSERTION), r.alignment().get(1));
        assertEquals(new AlignedPair(null, "E", EditOp.INSERTION), r.alignment().get(5));
    }

    @Test
    void substitutionAndDeletion() {
        WerResult r = WerCalculator.align(w("THE CAT SAT ON THE MAT"), w("THE CAT SIT ON MAT"));
        assertCounts(r, 6, 4, 1, 1, 0);
        assertEquals(2.0 / 6.0, r.wer(), 1e-12);
        assertEquals(List.of(
                new AlignedPair("THE", "THE", EditOp.CORRECT),
                new AlignedPair("CAT", "CAT", EditOp.CORRECT),
                new AlignedPair("SAT", "SIT", EditOp.SUBSTITUTION),
                new AlignedPair("ON", "ON", EditOp.CORRECT),
                new AlignedPair("THE", null, EditOp.DELETION),
                new AlignedPair("MAT", "MAT", EditOp.CORRECT)), r.alignment());
    }

    @Test
    void tieBreakPrefersSubstitutionAtTheEndThenDeletion() {
        // "A B" vs "C": S+D either way; the backtrace from the end takes the diagonal first.
        WerResult r = WerCalculator.align(w("A B"), w("C"));
        assertEquals(List.of(
                new AlignedPair("A", null, EditOp.DELETION),
                new AlignedPair("B", "C", EditOp.SUBSTITUTION)), r.alignment());
    }

    @Test
    void compareNormalizesBeforeAligning() {
        WerResult r = WerCalculator.compare("Well-known, isn't it?", "WELL KNOWN ISNT IT");
        assertCounts(r, 4, 3, 1, 0, 0);
    }

    @Test
    void corpusWerIsTotalErrorsOverTotalReferenceWords() {
        WerResult a = WerCalculator.align(w("A B"), w("A C"));
        WerResult b = WerCalculator.align(w("A B C D E F G H"), w("A B C D E F G H"));
        assertEquals(0.5, a.wer(), 1e-12);
        assertEquals(0.0, b.wer(), 1e-12);
        WerResult corpus = WerResult.empty().plus(a).plus(b);
        assertCounts(corpus, 10, 9, 1, 0, 0);
        assertEquals(0.1, corpus.wer(), 1e-12);
        assertEquals(10, corpus.alignment().size());
    }

    @Test
    void alignmentTextIsScliteStyle() {
        WerResult r = WerCalculator.align(w("THE CAT SAT"), w("THE BAT SAT ON"));
        assertEquals("REF: the CAT sat **\n"
                + "HYP: the BAT sat ON\n"
                + "EVAL:    S       I\n", r.alignmentText());
    }
}
