package org.codaasr.model.ctc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.codaasr.model.AsrException;

/**
 * The output tokens of a CTC model, indexed by id, and the rules that turn token sequences into words.
 *
 * <p>Word boundaries: a token starting with {@value #WORD_START} (U+2581, sentencepiece style) begins a
 * new word; a token that is only a separator ({@code "▁"}, {@code "|"} or {@code " "}, as used by
 * character vocabularies) ends the current word; any other token continues the current word.
 * Tokens written as {@code <...>} ({@code <unk>}, {@code <s>}, {@code <blk>}) are special and never
 * appear in word text. The blank is the token {@code <blk>} or {@code <blank>}, else id 0.
 */
public final class Vocabulary {

    /** Sentencepiece's word-start marker, U+2581. */
    public static final String WORD_START = "\u2581";
    private static final Pattern SPECIAL = Pattern.compile("<[^<>\\s]+>");
    private static final Pattern ID = Pattern.compile("\\d+");

    private final List<String> tokens;
    private final int blankId;
    private final boolean[] special;
    private final boolean[] separator;
    private final boolean[] startsWord;
    private final String[] pieceText;

    private Vocabulary(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("a vocabulary needs at least one token");
        }
        this.tokens = List.copyOf(tokens);
        int blank = 0;
        int n = tokens.size();
        special = new boolean[n];
        separator = new boolean[n];
        startsWord = new boolean[n];
        pieceText = new String[n];
        for (int id = 0; id < n; id++) {
            String token = tokens.get(id);
            if (token.equals("<blk>") || token.equals("<blank>")) {
                blank = id;
            }
            special[id] = SPECIAL.matcher(token).matches();
            separator[id] = token.equals(WORD_START) || token.equals("|") || token.equals(" ");
            startsWord[id] = !separator[id] && token.startsWith(WORD_START);
            pieceText[id] = special[id] || separator[id] ? "" : startsWord[id] ? token.substring(1) : token;
        }
        this.blankId = blank;
    }

    /** A vocabulary whose token with id i is {@code tokens.get(i)}. */
    public static Vocabulary of(List<String> tokens) {
        return new Vocabulary(tokens);
    }

    /**
     * Reads a {@code tokens.txt}: either one token per line (line i holds id i) or {@code token id} per
     * line in any order, the format used by icefall and sherpa. The second format is assumed when every
     * line ends in a space or tab and a number with a token before it.
     */
    public static Vocabulary load(Path tokensFile) {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(tokensFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AsrException("cannot read token list " + tokensFile, e);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new AsrException("token list " + tokensFile + " is empty; expected one token per line");
        }
        return new Vocabulary(withIds(lines) ? byId(lines, tokensFile) : lines);
    }

    private static boolean withIds(List<String> lines) {
        for (String line : lines) {
            int split = lastSeparator(line);
            if (split <= 0 || !ID.matcher(line.substring(split + 1)).matches()) {
                return false;
            }
        }
        return true;
    }

    private static int lastSeparator(String line) {
        return Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
    }

    private static List<String> byId(List<String> lines, Path file) {
        String[] tokens = new String[lines.size()];
        for (String line : lines) {
            int split = lastSeparator(line);
            int id = Integer.parseInt(line.substring(split + 1));
            if (id >= tokens.length || tokens[id] != null) {
                throw new AsrException("token list " + file + ": id " + id + " in line '" + line
                        + "' is out of range or repeated; expected ids 0.." + (tokens.length - 1));
            }
            tokens[id] = line.substring(0, split);
        }
        return Arrays.asList(tokens);
    }

    public int size() {
        return tokens.size();
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public int blankId() {
        return blankId;
    }

    /** True for {@code <...>} tokens, including the blank; they never produce text. */
    public boolean isSpecial(int id) {
        return special[id];
    }

    /** True for a token that only separates words ({@code ▁}, {@code |} or a space). */
    public boolean isSeparator(int id) {
        return separator[id];
    }

    /** True for a token that begins a new word ({@code ▁xyz}). */
    public boolean startsWord(int id) {
        return startsWord[id];
    }

    /** The text a token adds to its word: without the word-start marker; empty for separators and specials. */
    public String pieceText(int id) {
        return pieceText[id];
    }

    /** A word and the positions of its first and last token in the token sequence it came from. */
    public record WordSpan(String word, int firstToken, int lastToken) {
    }

    /** Splits a sequence of emitted token ids (blanks already removed or not) into words. */
    public List<WordSpan> wordSpans(int[] tokenIds) {
        List<WordSpan> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int first = -1;
        int last = -1;
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            if (id == blankId || special[id]) {
                continue;
            }
            if (separator[id] || startsWord[id]) {
                if (word.length() > 0) {
                    words.add(new WordSpan(word.toString(), first, last));
                }
                word.setLength(0);
                first = -1;
            }
            if (!separator[id]) {
                if (first < 0) {
                    first = i;
                }
                word.append(pieceText[id]);
                last = i;
            }
        }
        if (word.length() > 0) {
            words.add(new WordSpan(word.toString(), first, last));
        }
        return words;
    }

    /** The words of a token-id sequence. */
    public List<String> words(int[] tokenIds) {
        return wordSpans(tokenIds).stream().map(WordSpan::word).toList();
    }

    /** The words of a token-id sequence joined by single spaces. */
    public String text(int[] tokenIds) {
        return String.join(" ", words(tokenIds));
    }
}
