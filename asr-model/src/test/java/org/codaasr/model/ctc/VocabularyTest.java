package org.codaasr.model.ctc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    @Test
    void loadsOneTokenPerLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, "<blk>\n<unk>\n\u2581THE\nRE\n\u2581\nA\n");
        Vocabulary v = Vocabulary.load(file);
        assertEquals(6, v.size());
        assertEquals(0, v.blankId());
        assertEquals("RE", v.token(3));
        assertTrue(v.isSeparator(4));
    }

    @Test
    void loadsTokenIdPairsInAnyOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, "\u2581THE 2\nA 3\n<blank> 1\n<unk> 0\n");
        Vocabulary v = Vocabulary.load(file);
        assertEquals(List.of("<unk>", "<blank>", "\u2581THE", "A"),
                List.of(v.token(0), v.token(1), v.token(2), v.token(3)));
        assertEquals(1, v.blankId());
    }

    @Test
    void rejectsRepeatedIdsNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, "A 0\nB 0\n");
        AsrException e = assertThrows(AsrException.class, () -> Vocabulary.load(file));
        assertTrue(e.getMessage().contains("tokens.txt"), e.getMessage());
    }

    @Test
    void sentencepieceTokensStartWords() {
        Vocabulary v = Vocabulary.of(List.of("<blk>", "\u2581HE", "LLO", "\u2581WOR", "LD", "<unk>"));
        assertEquals("HELLO WORLD", v.text(new int[] {1, 2, 5, 3, 4}));
        assertEquals(List.of(new Vocabulary.WordSpan("HELLO", 0, 1), new Vocabulary.WordSpan("WORLD", 3, 4)),
                v.wordSpans(new int[] {1, 2, 5, 3, 4}));
    }

    @Test
    void characterVocabulariesSplitOnSeparators() {
        Vocabulary bar = Vocabulary.of(List.of("<blank>", "|", "A", "B"));
        assertEquals(List.of("AB", "BA"), bar.words(new int[] {1, 2, 3, 1, 1, 3, 2, 1}));
        Vocabulary space = Vocabulary.of(List.of("_", " ", "A", "B"));
        assertEquals(0, space.blankId(), "no <blk> token: blank defaults to id 0");
        assertEquals("A B", space.text(new int[] {2, 1, 3}));
        Vocabulary marker = Vocabulary.of(List.of("<blk>", "\u2581", "A", "B"));
        assertEquals("AB A", marker.text(new int[] {2, 3, 1, 2}));
    }
}
