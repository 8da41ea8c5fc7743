package org.codaasr.model.lm;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.codaasr.model.AsrException;

/**
 * A back-off n-gram model read from an ARPA file (plain or gzip, detected by its magic bytes).
 *
 * <p>Queries follow the standard ARPA back-off rule: P(w | h) is the stored n-gram probability of the
 * longest suffix of h followed by w that is in the file, plus the back-off weights of the longer
 * contexts that were skipped. Scores are returned as natural logs; the file's log10 values are
 * multiplied by ln 10. Words missing from the model score as {@code <unk>}; a model without
 * {@code <unk>} gives them log10 -100, as berkeleylm and KenLM do.
 *
 * <p>The reader is hand-written (about a hundred lines) rather than taken from berkeleylm because
 * berkeleylm's readers have no per-hypothesis state API that fits {@link LanguageModel} and log
 * through their own global logger. N-grams are stored in context-encoded tables: the key of an
 * n-gram is (index of its first n-1 words in the (n-1)-gram table, id of its last word), so every
 * prefix of an n-gram must itself be in the file, which the ARPA format requires.
 */
public final class ArpaLanguageModel implements LanguageModel {

    public static final String SENTENCE_START = "<s>";
    public static final String SENTENCE_END = "</s>";
    public static final String UNKNOWN = "<unk>";
    private static final double LN_10 = Math.log(10.0);
    private static final double MISSING_WORD_LOG10 = -100.0;

    private final int order;
    private final Map<String, Integer> wordIds;
    /** tables[n - 1] maps (context index, word id) to the index of an n-gram of order n (unused for n = 1). */
    private final LongIntHashMap[] tables;
    private final float[][] log10Probs;
    private final float[][] log10Backoffs;
    private final int unknownId;
    private final int startId;
    private final int endId;
    private final LmUnit unit;

    private ArpaLanguageModel(int order, Map<String, Integer> wordIds, LongIntHashMap[] tables,
                              float[][] log10Probs, float[][] log10Backoffs) {
        this.order = order;
        this.wordIds = wordIds;
        this.tables = tables;
        this.log10Probs = log10Probs;
        this.log10Backoffs = log10Backoffs;
        this.unknownId = wordIds.getOrDefault(UNKNOWN, -1);
        this.startId = requireWord(SENTENCE_START);
        this.endId = requireWord(SENTENCE_END);
        this.unit = detectUnit(wordIds.keySet());
    }

    /** CHARACTER when every symbol but the sentence markers and {@code <unk>} is one code point. */
    private static LmUnit detectUnit(Set<String> words) {
        boolean anySymbol = false;
        for (String w : words) {
            if (w.equals(SENTENCE_START) || w.equals(SENTENCE_END) || w.equals(UNKNOWN)) {
                continue;
            }
            if (w.codePointCount(0, w.length()) != 1) {
                return LmUnit.WORD;
            }
            anySymbol = true;
        }
        return anySymbol ? LmUnit.CHARACTER : LmUnit.WORD;
    }

    @Override
    public LmUnit unit() {
        return unit;
    }

    private int requireWord(String word) {
        Integer id = wordIds.get(word);
        if (id == null) {
            throw new AsrException("ARPA model has no unigram " + word + "; expected one");
        }
        return id;
    }

    /** Reads an ARPA file, gzip-compressed or not. */
    public static ArpaLanguageModel load(Path arpa) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(arpa));
             BufferedReader reader = new BufferedReader(new InputStreamReader(maybeGunzip(raw), StandardCharsets.UTF_8),
                     1 << 16)) {
            return parse(reader, arpa);
        } catch (IOException e) {
            throw new AsrException("cannot read ARPA language model " + arpa, e);
        }
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static ArpaLanguageModel parse(BufferedReader reader, Path file) throws IOException {
        List<Integer> counts = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null && !line.trim().equals("\\data\\")) {
            // text before \data\ is a comment
        }
        if (line == null) {
            throw new AsrException("ARPA file " + file + " has no \\data\\ section; expected an ARPA language model");
        }
        while ((line = reader.readLine()) != null) {
            String t = line.trim();
            if (t.startsWith("ngram ")) {
                int eq = t.indexOf('=');
                int n = Integer.parseInt(t.substring(6, eq).trim());
                if (n != counts.size() + 1) {
                    throw new AsrException("ARPA file " + file + ": expected 'ngram " + (counts.size() + 1) + "=', got " + t);
                }
                counts.add(Integer.parseInt(t.substring(eq + 1).trim()));
            } else if (t.startsWith("\\")) {
                break;
            }
        }
        int order = counts.size();
        if (order == 0) {
            throw new AsrException("ARPA file " + file + " declares no n-gram counts in \\data\\");
        }
        Map<String, Integer> wordIds = new HashMap<>(counts.get(0) * 2);
        LongIntHashMap[] tables = new LongIntHashMap[order];
        float[][] probs = new float[order][];
        float[][] backoffs = new float[order][];
        for (int n = 1; n <= order; n++) {
            int count = counts.get(n - 1);
            tables[n - 1] = n == 1 ? null : new LongIntHashMap(count);
            probs[n - 1] = new float[count];
            backoffs[n - 1] = new float[count];
        }
        int n = 0;
        int filled = 0;
        int[] ids = new int[order];
        while (line != null) {
            String t = line.trim();
            if (t.equals("\\end\\")) {
                break;
            }
            if (t.startsWith("\\") && t.endsWith("-grams:")) {
                checkFilled(file, n, filled, counts);
                n = Integer.parseInt(t.substring(1, t.indexOf('-')));
                if (n != 0 && (n < 1 || n > order)) {
                    throw new AsrException("ARPA file " + file + ": section " + t + " beyond declared order " + order);
                }
                filled = 0;
            } else if (!t.isEmpty() && n > 0) {
                String[] fields = t.split("\\s+");
                if (fields.length != n + 1 && fields.length != n + 2) {
                    throw new AsrException("ARPA file " + file + ": expected " + n + " words in line '" + t + "'");
                }
                if (filled >= counts.get(n - 1)) {
                    throw new AsrException("ARPA file " + file + ": more " + n + "-grams than the declared " + counts.get(n - 1));
                }
                float prob = parseLog(fields[0]);
                float backoff = fields.length == n + 2 ? parseLog(fields[n + 1]) : 0f;
                int index = filled++;
                if (n == 1) {
                    if (wordIds.putIfAbsent(fields[1], index) != null) {
                        throw new AsrException("ARPA file " + file + ": duplicate unigram " + fields[1]);
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        Integer id = wordIds.get(fields[k + 1]);
                        if (id == null) {
                            throw new AsrException("ARPA file " + file + ": word " + fields[k + 1] + " in '" + t
                                    + "' is not a unigram");
                        }
                        ids[k] = id;
                    }
                    int context = ngramIndex(tables, ids, 0, n - 1);
                    if (context < 0) {
                        throw new AsrException("ARPA file " + file + ": the prefix of '" + t + "' is not in the model");
                    }
                    tables[n - 1].put(key(context, ids[n - 1]), index);
                }
                probs[n - 1][index] = prob;
                backoffs[n - 1][index] = backoff;
            }
            line = reader.readLine();
        }
        checkFilled(file, n, filled, counts);
        return new ArpaLanguageModel(order, wordIds, tables, probs, backoffs);
    }

    private static void checkFilled(Path file, int n, int filled, List<Integer> counts) {
        if (n > 0 && filled != counts.get(n - 1)) {
            throw new AsrException("ARPA file " + file + ": " + n + "-gram section has " + filled
                    + " entries, \\data\\ declares " + counts.get(n - 1));
        }
    }

    private static float parseLog(String field) {
        return Float.parseFloat(field.replace(',', '.'));
    }

    private static long key(int contextIndex, int wordId) {
        return ((long) contextIndex << 32) | (wordId & 0xffffffffL);
    }

    /** Index of the n-gram ids[from..from+length) in its order's table, or -1. */
    private static int ngramIndex(LongIntHashMap[] tables, int[] ids, int from, int length) {
        int index = ids[from];
        for (int k = 1; k < length && index >= 0; k++) {
            index = tables[k].get(key(index, ids[from + k]));
        }
        return index;
    }

    @Override
    public int order() {
        return order;
    }

    /** Number of distinct words (unigrams), including {@code <s>}, {@code </s>} and {@code <unk>}. */
    public int vocabularySize() {
        return wordIds.size();
    }

    /** The words of the model, in no particular order. */
    public List<String> words() {
        return List.copyOf(wordIds.keySet());
    }

    @Override
    public LmState start() {
        return new ArpaState(new int[] {startId});
    }

    @Override
    public double score(LmState state, String word) {
        return scoreId(context(state), wordId(word));
    }

    @Override
    public LmState next(LmState state, String word) {
        int[] context = context(state);
        int keep = Math.max(0, Math.min(context.length, order - 2));
        int[] next = new int[keep + 1];
        System.arraycopy(context, context.length - keep, next, 0, keep);
        next[keep] = wordId(word);
        return new ArpaState(next);
    }

    @Override
    public double finish(LmState state) {
        return scoreId(context(state), endId);
    }

    private int wordId(String word) {
        Integer id = wordIds.get(word);
        return id != null ? id : unknownId;
    }

    private static int[] context(LmState state) {
        if (state instanceof ArpaState arpa) {
            return arpa.context;
        }
        throw new IllegalArgumentException("state was not created by an ArpaLanguageModel: " + state);
    }

    private double scoreId(int[] context, int wordId) {
        if (wordId < 0) {
            return MISSING_WORD_LOG10 * LN_10;
        }
        int usable = Math.min(context.length, order - 1);
        int[] ids = Arrays.copyOfRange(context, context.length - usable, context.length + 1);
        ids[usable] = wordId;
        double backoff = 0.0;
        for (int m = usable; m >= 0; m--) {
            int from = usable - m;
            if (m == 0) {
                return (backoff + log10Probs[0][wordId]) * LN_10;
            }
            int contextIndex = ngramIndex(tables, ids, from, m);
            if (contextIndex < 0) {
                continue;
            }
            int index = tables[m].get(key(contextIndex, wordId));
            if (index >= 0) {
                return (backoff + log10Probs[m][index]) * LN_10;
            }
            backoff += log10Backoffs[m - 1][contextIndex];
        }
        throw new IllegalStateException("unreachable");
    }

    /** log10 P(word | context) for words of the model; for {@link BerkeleyArpaRepair}. */
    double log10Prob(List<String> context, String word) {
        int[] ids = context.stream().mapToInt(this::wordId).toArray();
        return scoreId(ids, wordId(word)) / LN_10;
    }

    /** The log10 back-off weight stored with {@code ngram}, 0 when it is not in the model. */
    double log10Backoff(List<String> ngram) {
        if (ngram.isEmpty() || ngram.size() >= order) {
            return 0.0;
        }
        int[] ids = ngram.stream().mapToInt(this::wordId).toArray();
        for (int id : ids) {
            if (id < 0) {
                return 0.0;
            }
        }
        int index = ngramIndex(tables, ids, 0, ids.length);
        return index < 0 ? 0.0 : log10Backoffs[ids.length - 1][index];
    }

    /**
     * Replaces the back-off weight of an n-gram of the model. Only {@link BerkeleyArpaRepair} calls this,
     * on a private instance, while it recomputes weights; models handed out are never changed.
     */
    void setLog10Backoff(List<String> ngram, double log10Backoff) {
        int[] ids = ngram.stream().mapToInt(this::wordId).toArray();
        int index = ngramIndex(tables, ids, 0, ids.length);
        if (index < 0) {
            throw new IllegalArgumentException("n-gram not in the model: " + ngram);
        }
        log10Backoffs[ids.length - 1][index] = (float) log10Backoff;
    }

    /** The last (at most order - 1) word ids of the history, most recent last. */
    private record ArpaState(int[] context) implements LmState {
    }
}
