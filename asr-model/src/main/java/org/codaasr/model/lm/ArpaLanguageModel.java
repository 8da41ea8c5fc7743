package org.codaasr.model.lm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>The file is parsed by {@link ArpaReader}, hand-written rather than taken from berkeleylm because
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
        Tables t = new Tables(arpa);
        ArpaReader.read(arpa, t);
        return new ArpaLanguageModel(t.order, t.wordIds, t.tables, t.probs, t.backoffs);
    }

    /** Fills the context-encoded tables from the reader's n-grams, in file order. */
    private static final class Tables implements ArpaReader.Visitor {
        private final Path file;
        private int order;
        private Map<String, Integer> wordIds;
        private LongIntHashMap[] tables;
        private float[][] probs;
        private float[][] backoffs;
        private int[] filled;

        Tables(Path file) {
            this.file = file;
        }

        @Override
        public void counts(List<Integer> counts) {
            order = counts.size();
            wordIds = new HashMap<>(counts.get(0) * 2);
            tables = new LongIntHashMap[order];
            probs = new float[order][];
            backoffs = new float[order][];
            filled = new int[order];
            for (int n = 1; n <= order; n++) {
                int count = counts.get(n - 1);
                tables[n - 1] = n == 1 ? null : new LongIntHashMap(count);
                probs[n - 1] = new float[count];
                backoffs[n - 1] = new float[count];
            }
        }

        @Override
        public void ngram(String[] words, float log10Prob, float log10Backoff) {
            int n = words.length;
            int index = filled[n - 1]++;
            if (n == 1) {
                if (wordIds.putIfAbsent(words[0], index) != null) {
                    throw new AsrException("ARPA file " + file + ": duplicate unigram " + words[0]);
                }
            } else {
                int[] ids = new int[n];
                for (int k = 0; k < n; k++) {
                    Integer id = wordIds.get(words[k]);
                    if (id == null) {
                        throw new AsrException("ARPA file " + file + ": word " + words[k] + " in '"
                                + String.join(" ", words) + "' is not a unigram");
                    }
                    ids[k] = id;
                }
                int context = ngramIndex(tables, ids, 0, n - 1);
                if (context < 0) {
                    throw new AsrException("ARPA file " + file + ": the prefix of '" + String.join(" ", words)
                            + "' is not in the model");
                }
                tables[n - 1].put(key(context, ids[n - 1]), index);
            }
            probs[n - 1][index] = log10Prob;
            backoffs[n - 1][index] = Float.isNaN(log10Backoff) ? 0f : log10Backoff;
        }
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

    /** log10 P(word | context) by the back-off rule, for words of the model. */
    public double log10Prob(List<String> context, String word) {
        int[] ids = context.stream().mapToInt(this::wordId).toArray();
        return scoreId(ids, wordId(word)) / LN_10;
    }

    /** The log10 back-off weight stored with {@code ngram}, 0 when it is not in the model. */
    public double log10Backoff(List<String> ngram) {
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
     * A copy of this model with the given back-off weights replaced (n-gram -> log10 weight); the n-gram tables are
     * shared, this model is unchanged. For tools that re-normalize a model, such as the LM builder's repair pass.
     */
    public ArpaLanguageModel withLog10Backoffs(Map<List<String>, Double> replaced) {
        float[][] copy = new float[order][];
        for (int n = 0; n < order; n++) {
            copy[n] = log10Backoffs[n].clone();
        }
        for (Map.Entry<List<String>, Double> e : replaced.entrySet()) {
            List<String> ngram = e.getKey();
            int[] ids = ngram.stream().mapToInt(this::wordId).toArray();
            int index = ids.length == 0 || ids.length > order || Arrays.stream(ids).anyMatch(id -> id < 0)
                    ? -1 : ngramIndex(tables, ids, 0, ids.length);
            if (index < 0) {
                throw new IllegalArgumentException("n-gram not in the model: " + ngram);
            }
            copy[ids.length - 1][index] = e.getValue().floatValue();
        }
        return new ArpaLanguageModel(order, wordIds, tables, log10Probs, copy);
    }

    /** The last (at most order - 1) word ids of the history, most recent last. */
    private record ArpaState(int[] context) implements LmState {
    }
}
