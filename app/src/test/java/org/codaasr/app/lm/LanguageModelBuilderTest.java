package org.codaasr.app.lm;

import org.codaasr.model.lm.ArpaLanguageModel;
import org.codaasr.model.lm.LmState;
import org.codaasr.model.lm.LmUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelBuilderTest {

    private static final List<String> TEXT = List.of(
            "THE CAT SAT ON THE MAT",
            "THE DOG SAT ON THE LOG",
            "A CAT RAN AWAY FROM THE DOG",
            "THE DOG RAN AFTER THE CAT",
            "THE CAT SAT",
            "A DOG SAT ON A MAT",
            "THE MAT WAS RED",
            "THE LOG WAS OLD AND THE MAT WAS NEW",
            "A CAT AND A DOG",
            "THE OLD DOG SAT ON THE NEW MAT",
            "THE CAT RAN",
            "AWAY RAN THE CAT");

    /** Sum of P(w | history) over every word that can follow (all but {@code <s>}), plus {@code </s>}. */
    static double totalProbability(ArpaLanguageModel lm, String... history) {
        LmState state = lm.start();
        for (String w : history) {
            state = lm.next(state, w);
        }
        double sum = Math.exp(lm.finish(state));
        for (String w : lm.words()) {
            if (!w.equals(ArpaLanguageModel.SENTENCE_START) && !w.equals(ArpaLanguageModel.SENTENCE_END)) {
                sum += Math.exp(lm.score(state, w));
            }
        }
        return sum;
    }

    private static Path text(Path dir) throws IOException {
        Path sentences = dir.resolve("sentences.txt");
        Files.write(sentences, TEXT);
        return sentences;
    }

    @Test
    void builtModelIsNormalizedForEveryKindOfHistory(@TempDir Path dir) throws IOException {
        Path arpa = LanguageModelBuilder.build(text(dir), dir.resolve("lm.arpa.gz"), new LmBuildConfig(3, 0, 1));
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpa);
        assertEquals(3, lm.order());
        // histories: sentence start, seen bigram context, context often ending a sentence, unseen context
        for (String[] history : new String[][] {{}, {"THE"}, {"THE", "CAT"}, {"CAT", "SAT"}, {"ON", "THE"},
                {"MAT"}, {"RED", "CAT"}}) {
            assertEquals(1.0, totalProbability(lm, history), 1e-3, String.join(" ", history));
        }
        // the sentence-final bigram berkeleylm drops is back and matches the data: SAT ends 2 of its 5 uses
        assertTrue(lm.finish(lm.next(lm.next(lm.start(), "THE"), "SAT")) > Math.log(0.05));
    }

    @Test
    void restrictedVocabularyAndPruningStayNormalized(@TempDir Path dir) throws IOException {
        Path arpa = LanguageModelBuilder.build(text(dir), dir.resolve("lm.arpa"), new LmBuildConfig(3, 8, 2));
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpa);
        assertEquals(8 + 3, lm.vocabularySize(), "8 words + <s> </s> <unk>");
        for (String[] history : new String[][] {{}, {"THE"}, {"THE", "CAT"}, {"CAT", "SAT"}, {"WAS", "RED"}}) {
            assertEquals(1.0, totalProbability(lm, history), 1e-3, String.join(" ", history));
        }
        assertEquals(lm.score(lm.start(), "<unk>"), lm.score(lm.start(), "ZEBRA"), 1e-9);
    }

    @Test
    void characterTextPutsTheWordBoundaryBetweenWords() {
        assertEquals("C A T \u2581 S A T", LanguageModelBuilder.asCharacters("  CAT   SAT "));
        assertEquals("I \u2581 D O N ' T", LanguageModelBuilder.asCharacters("I DON'T"));
        assertEquals("", LanguageModelBuilder.asCharacters("   "));
    }

    @Test
    void characterModelIsDetectedNormalizedAndPrefersSeenSpellings(@TempDir Path dir) throws IOException {
        Path arpa = LanguageModelBuilder.build(text(dir), dir.resolve("chars.arpa.gz"),
                LmBuildConfig.characterDefaults().withOrder(4));
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpa);
        assertEquals(LmUnit.CHARACTER, lm.unit());
        assertEquals(4, lm.order());
        assertTrue(lm.words().contains("\u2581"), "word boundary symbol");
        for (String[] history : new String[][] {{}, {"C"}, {"C", "A"}, {"T", "\u2581", "C"}, {"Q"}}) {
            assertEquals(1.0, totalProbability(lm, history), 1e-3, String.join(" ", history));
        }
        // after "C A", T (CAT) is far more likely than G (never seen)
        LmState ca = lm.next(lm.next(lm.start(), "C"), "A");
        assertTrue(lm.score(ca, "T") > lm.score(ca, "G") + 2.0);
        // a word model of the same text is a WORD model
        Path words = LanguageModelBuilder.build(text(dir), dir.resolve("words.arpa"), new LmBuildConfig(3, 0, 1));
        assertEquals(LmUnit.WORD, ArpaLanguageModel.load(words).unit());
    }

    @Test
    void buildIfMissingKeepsAnExistingModel(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cache").resolve("lm.arpa.gz");
        LanguageModelBuilder.buildIfMissing(text(dir), out, 3);
        FileTime first = Files.getLastModifiedTime(out);
        Files.setLastModifiedTime(out, FileTime.fromMillis(first.toMillis() - 10_000));
        FileTime backdated = Files.getLastModifiedTime(out);
        assertEquals(out, LanguageModelBuilder.buildIfMissing(text(dir), out, 3));
        assertEquals(backdated, Files.getLastModifiedTime(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }
}
