package org.codaasr.model.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArpaLanguageModelTest {

    private static final Path TINY = Path.of("asr-model/src/test/resources/lm/tiny.arpa");
    private static final double LN10 = Math.log(10.0);
    private static final double TOL = 1e-6;

    private static LmState after(LanguageModel lm, String... words) {
        LmState state = lm.start();
        for (String w : words) {
            state = lm.next(state, w);
        }
        return state;
    }

    @Test
    void explicitNgramsAreReturnedInNaturalLog() {
        ArpaLanguageModel lm = ArpaLanguageModel.load(TINY);
        assertEquals(3, lm.order());
        assertEquals(-0.2 * LN10, lm.score(after(lm), "A"), TOL);
        assertEquals(-0.1 * LN10, lm.score(after(lm, "A"), "B"), TOL);
        assertEquals(-0.15 * LN10, lm.finish(after(lm, "A", "B")), TOL);
    }

    @Test
    void backsOffThroughEachMissingOrder() {
        ArpaLanguageModel lm = ArpaLanguageModel.load(TINY);
        // <s> A C: no trigram; bo(<s> A) = -0.1 + P(C | A) = -0.5
        assertEquals(-0.6 * LN10, lm.score(after(lm, "A"), "C"), TOL);
        // A B A: bo(A B) = -0.25, no bigram B A: bo(B) = -0.2, unigram A = -0.7
        assertEquals(-1.15 * LN10, lm.score(after(lm, "A", "B"), "A"), TOL);
        // A C B: context A C has no back-off weight (0), no bigram C B, C has none either: unigram B
        assertEquals(-0.6 * LN10, lm.score(after(lm, "A", "C"), "B"), TOL);
        // B B C: context B B is not in the model (no weight); bo(B) = -0.2 + unigram C = -0.8
        assertEquals(-1.0 * LN10, lm.score(after(lm, "B", "B"), "C"), TOL);
    }

    @Test
    void unknownWordsScoreAsUnk() {
        ArpaLanguageModel lm = ArpaLanguageModel.load(TINY);
        // bo(<s>) = -0.5 + P(<unk>) = -1.0
        assertEquals(-1.5 * LN10, lm.score(lm.start(), "ZEBRA"), TOL);
        assertEquals(lm.score(after(lm, "A"), "ZEBRA"), lm.score(after(lm, "A"), "<unk>"), TOL);
    }

    @Test
    void readsGzipCompressedFiles(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("tiny.arpa.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(TINY, out);
        }
        ArpaLanguageModel lm = ArpaLanguageModel.load(gz);
        assertEquals(-1.15 * LN10, lm.score(after(lm, "A", "B"), "A"), TOL);
        assertEquals(6, lm.vocabularySize());
    }

    @Test
    void rejectsFilesThatAreNotArpaNamingTheFile(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.arpa");
        Files.writeString(bad, "not a model\n");
        AsrException e = assertThrows(AsrException.class, () -> ArpaLanguageModel.load(bad));
        assertTrue(e.getMessage().contains("bad.arpa"), e.getMessage());
    }
}
