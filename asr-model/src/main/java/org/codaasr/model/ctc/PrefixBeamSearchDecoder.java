package org.codaasr.model.ctc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.codaasr.model.lm.LanguageModel;
import org.codaasr.model.lm.LmState;
import org.codaasr.model.lm.LmUnit;

/**
 * CTC prefix beam search with optional word-level LM fusion.
 *
 * <p>Each prefix (a collapsed token sequence) carries the log-probability of all paths that produce it
 * and end in a blank ({@code pb}) or in its last token ({@code pnb}); extensions are merged with
 * log-sum-exp, so with an unbounded beam the prefix scores are exact sequence probabilities.
 * Prefixes are nodes of a trie, so a prefix reached twice in a frame is the same object and its
 * token history (ids, emission frames, LM state) is shared with its parent rather than copied.
 *
 * <p>With a language model, a word is scored when it is complete: when a word-start or separator
 * token follows it, and at the end of the utterance for the last word (followed by the LM's
 * {@code </s>} score). The fused score is acoustic + lmWeight * sum ln P(word | history) + wordBonus
 * per word. The vocabulary's words must be spelled as the LM's (e.g. both upper case). With a
 * {@link LmUnit#CHARACTER} model every emitted token is scored as it is added (its characters, a
 * separator as {@code ▁}), wordBonus then being a bonus per character, so the LM ranks spellings
 * while a word is still being written.
 *
 * <p>Timing (as in WeNet's prefix beam search): besides the summed scores, each prefix keeps its
 * best single path, and a token's frame is where that path emits it, moved to a later frame of the
 * same run where the token is more probable, i.e. its peak. A word spans from its first token's frame
 * to one frame after its last token's frame; its confidence is the mean over its tokens of the
 * posterior at their frames.
 */
public final class PrefixBeamSearchDecoder implements CtcDecoder {

    private final Vocabulary vocabulary;
    private final BeamSearchConfig config;
    private final LanguageModel lm;

    /** Without a language model, with {@link BeamSearchConfig#defaults()}. */
    public PrefixBeamSearchDecoder(Vocabulary vocabulary) {
        this(vocabulary, BeamSearchConfig.defaults(), null);
    }

    /** @param lm the word LM to fuse, or null for none (then lmWeight and wordBonus are unused) */
    public PrefixBeamSearchDecoder(Vocabulary vocabulary, BeamSearchConfig config, LanguageModel lm) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        this.config = Objects.requireNonNull(config, "config");
        this.lm = lm;
    }

    @Override
    public CtcHypothesis decode(float[][] logProbs, double frameSeconds) {
        WordTimings.checkShape(logProbs, vocabulary, frameSeconds);
        Search search = start();
        search.accept(logProbs);
        return search.finish(logProbs, frameSeconds);
    }

    /** A search that advances its beam with every frame fed: a streaming segment's final is then only its end. */
    @Override
    public Search start() {
        return new Search();
    }

    /** The beam of one utterance between frames. Not thread-safe. */
    public final class Search implements CtcDecoder.Session {
        private List<Prefix> beam;
        private int t;

        private Search() {
            Prefix root = new Prefix(null, -1, lm == null ? null : lm.start(), 0.0, "");
            root.pb = 0.0;
            root.vb = 0.0;
            beam = List.of(root);
        }

        @Override
        public int frames() {
            return t;
        }

        @Override
        public void accept(float[][] frames) {
            for (float[] frame : frames) {
                if (frame.length != vocabulary.size()) {
                    throw new IllegalArgumentException("frame " + t + " has " + frame.length
                            + " log-probabilities, expected the vocabulary size " + vocabulary.size());
                }
                beam = step(beam, frame, t++);
            }
        }

        @Override
        public CtcHypothesis finish(float[][] logProbs, double frameSeconds) {
            if (logProbs.length != t) {
                throw new IllegalArgumentException(logProbs.length + " frames given to finish a search fed " + t);
            }
            Prefix best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (Prefix p : beam) {
                double score = logAdd(p.pb, p.pnb) + p.lmScore + endOfSentence(p);
                if (best == null || score > bestScore) {
                    best = p;
                    bestScore = score;
                }
            }
            return hypothesis(best, bestScore, logProbs, frameSeconds);
        }
    }

    private List<Prefix> step(List<Prefix> beam, float[] frame, int t) {
        int blank = vocabulary.blankId();
        int[] candidates = candidates(frame, blank);
        List<Prefix> touched = new ArrayList<>();
        for (Prefix prefix : beam) {
            double total = logAdd(prefix.pb, prefix.pnb);
            double viterbi = Math.max(prefix.vb, prefix.vnb);
            Times times = prefix.vb > prefix.vnb ? prefix.timesB : prefix.timesNb;
            // *a + blank -> *a
            Prefix same = touch(prefix, t, touched);
            same.nextPb = logAdd(same.nextPb, total + frame[blank]);
            same.nextVb = viterbi + frame[blank];
            same.nextTimesB = times;
            // *a + a -> *a: the token goes on; move its frame to this one if it is more probable here
            if (prefix.token >= 0) {
                double p = frame[prefix.token];
                same.nextPnb = logAdd(same.nextPnb, prefix.pnb + p);
                if (prefix.vnb + p > same.nextVnb) {
                    same.nextVnb = prefix.vnb + p;
                    boolean peak = p > prefix.tokenLogProb;
                    same.nextTokenLogProb = peak ? p : prefix.tokenLogProb;
                    same.nextTimesNb = peak ? new Times(t, prefix.timesNb.previous()) : prefix.timesNb;
                }
            }
            for (int c : candidates) {
                if (c == blank) {
                    continue;
                }
                // *a + b -> *ab, and *a blank + a -> *aa
                Prefix child = touch(child(prefix, c), t, touched);
                boolean repeat = c == prefix.token;
                double p = frame[c];
                child.nextPnb = logAdd(child.nextPnb, (repeat ? prefix.pb : total) + p);
                double fromViterbi = repeat ? prefix.vb : viterbi;
                if (fromViterbi + p > child.nextVnb) {
                    child.nextVnb = fromViterbi + p;
                    child.nextTokenLogProb = p;
                    child.nextTimesNb = new Times(t, repeat ? prefix.timesB : times);
                }
            }
        }
        touched.sort(Comparator.comparingDouble(Prefix::nextScore).reversed());
        List<Prefix> next = new ArrayList<>(touched.subList(0, Math.min(config.beamSize(), touched.size())));
        for (Prefix p : next) {
            p.advance();
        }
        // Forget extensions not tried in the last frames: a long utterance (or many open streaming segments) would
        // otherwise keep every node ever tried. One reached again is made anew with the same LM score and the same
        // next-frame scores, so the result does not change; recent ones are kept because the beam's edge revisits them.
        // The trie is pruned along every path to the new beam, not only at the old beam: a node that left the beam
        // would otherwise keep what hung below it. Nodes on those paths stay, so that every prefix in the beam is
        // still the one object its string has when one of its ancestors extends to it again.
        for (Prefix p : next) {
            for (Prefix a = p; a != null && a.keptAt != t; a = a.parent) {
                a.keptAt = t;
            }
        }
        for (Prefix p : next) {
            for (Prefix a = p; a != null && a.prunedAt != t; a = a.parent) {
                a.prunedAt = t;
                a.children.values().removeIf(c -> c.keptAt != t && c.touchedAt < t - 1);
            }
        }
        return next;
    }

    private int[] candidates(float[] frame, int blank) {
        int k = config.tokenTopK();
        if (k == 0 || k >= frame.length) {
            int[] all = new int[frame.length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        // partial selection: k best by repeated insertion, cheap for the small k used here
        int[] top = new int[k];
        int size = 0;
        for (int v = 0; v < frame.length; v++) {
            if (v == blank) {
                continue;
            }
            if (size < k) {
                top[size++] = v;
            } else if (frame[v] > frame[top[k - 1]]) {
                top[k - 1] = v;
            } else {
                continue;
            }
            for (int i = size - 1; i > 0 && frame[top[i]] > frame[top[i - 1]]; i--) {
                int swap = top[i];
                top[i] = top[i - 1];
                top[i - 1] = swap;
            }
        }
        return Arrays.copyOf(top, size);
    }

    /** Marks {@code p} as reached at frame t, resetting its next-frame scores on first touch. */
    private static Prefix touch(Prefix p, int t, List<Prefix> touched) {
        if (p.touchedAt != t) {
            p.touchedAt = t;
            p.nextPb = Double.NEGATIVE_INFINITY;
            p.nextPnb = Double.NEGATIVE_INFINITY;
            p.nextVb = Double.NEGATIVE_INFINITY;
            p.nextVnb = Double.NEGATIVE_INFINITY;
            p.nextTimesB = null;
            p.nextTimesNb = null;
            p.nextTokenLogProb = Double.NEGATIVE_INFINITY;
            touched.add(p);
        }
        return p;
    }

    private Prefix child(Prefix parent, int token) {
        Prefix existing = parent.children.get(token);
        if (existing != null) {
            return existing;
        }
        LmState state = parent.lmState;
        double lmScore = parent.lmScore;
        String partial = parent.partialWord;
        if (lm != null && lm.unit() == LmUnit.CHARACTER) {
            for (String symbol : characterSymbols(token, parent.token < 0)) {
                lmScore += config.lmWeight() * lm.score(state, symbol) + config.wordBonus();
                state = lm.next(state, symbol);
            }
            Prefix child = new Prefix(parent, token, state, lmScore, "");
            parent.children.put(token, child);
            return child;
        }
        if (vocabulary.startsWord(token) || vocabulary.isSeparator(token)) {
            if (lm != null && !partial.isEmpty()) {
                lmScore += wordScore(state, partial);
                state = lm.next(state, partial);
            }
            partial = vocabulary.pieceText(token);
        } else {
            partial = partial + vocabulary.pieceText(token);
        }
        Prefix child = new Prefix(parent, token, state, lmScore, partial);
        parent.children.put(token, child);
        return child;
    }

    /** A token as characters of a character LM: a separator is the LM's word boundary, {@code ▁xyz} is
     * the boundary then x, y, z (no boundary before the first word); a special token ({@code <unk>}) is none. */
    private List<String> characterSymbols(int token, boolean first) {
        if (vocabulary.isSpecial(token)) {
            return List.of();
        }
        String text = vocabulary.isSeparator(token) ? LanguageModel.WORD_BOUNDARY : vocabulary.token(token);
        List<String> symbols = text.codePoints().mapToObj(Character::toString).toList();
        boolean leadingBoundary = !symbols.isEmpty() && symbols.get(0).equals(LanguageModel.WORD_BOUNDARY);
        return first && leadingBoundary ? symbols.subList(1, symbols.size()) : symbols;
    }

    private double wordScore(LmState state, String word) {
        return config.lmWeight() * lm.score(state, word) + config.wordBonus();
    }

    private double endOfSentence(Prefix p) {
        if (lm == null) {
            return 0.0;
        }
        LmState state = p.lmState;
        double score = 0.0;
        if (lm.unit() == LmUnit.CHARACTER) {
            return config.lmWeight() * lm.finish(state);
        }
        if (!p.partialWord.isEmpty()) {
            score += wordScore(state, p.partialWord);
            state = lm.next(state, p.partialWord);
        }
        return score + config.lmWeight() * lm.finish(state);
    }

    private CtcHypothesis hypothesis(Prefix best, double score, float[][] logProbs, double frameSeconds) {
        int length = 0;
        for (Prefix p = best; p.token >= 0; p = p.parent) {
            length++;
        }
        int[] ids = new int[length];
        int[] frames = new int[length];
        int i = length;
        for (Prefix p = best; p.token >= 0; p = p.parent) {
            ids[--i] = p.token;
        }
        i = length;
        for (Times times = best.vb > best.vnb ? best.timesB : best.timesNb; times != null; times = times.previous()) {
            frames[--i] = times.frame();
        }
        List<WordInfo> words = WordTimings.words(vocabulary, ids, frames, frames, frames, logProbs, frameSeconds);
        String text = String.join(" ", words.stream().map(WordInfo::word).toList());
        return new CtcHypothesis(text, words, score, ids, frames);
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }

    /** Emission frames of a prefix's tokens, last token first; shared between prefixes. */
    private record Times(int frame, Times previous) {
    }

    /**
     * A trie node: one collapsed token sequence, its total (pb, pnb) and best-path (vb, vnb) log scores
     * ending in blank or in its last token, and the token frames of those best paths.
     */
    private static final class Prefix {
        final Prefix parent;
        final int token;
        final LmState lmState;
        final double lmScore;
        final String partialWord;
        final Map<Integer, Prefix> children = new HashMap<>(4);
        /** The last frame at which this node was on a path from the root to the beam, and was pruned there. */
        int keptAt = -1;
        int prunedAt = -1;
        double pb = Double.NEGATIVE_INFINITY;
        double pnb = Double.NEGATIVE_INFINITY;
        double vb = Double.NEGATIVE_INFINITY;
        double vnb = Double.NEGATIVE_INFINITY;
        Times timesB;
        Times timesNb;
        double tokenLogProb = Double.NEGATIVE_INFINITY;
        double nextPb;
        double nextPnb;
        double nextVb;
        double nextVnb;
        Times nextTimesB;
        Times nextTimesNb;
        double nextTokenLogProb;
        int touchedAt = -1;

        Prefix(Prefix parent, int token, LmState lmState, double lmScore, String partialWord) {
            this.parent = parent;
            this.token = token;
            this.lmState = lmState;
            this.lmScore = lmScore;
            this.partialWord = partialWord;
        }

        double nextScore() {
            return logAdd(nextPb, nextPnb) + lmScore;
        }

        void advance() {
            pb = nextPb;
            pnb = nextPnb;
            vb = nextVb;
            vnb = nextVnb;
            timesB = nextTimesB;
            timesNb = nextTimesNb;
            tokenLogProb = nextTokenLogProb;
        }
    }
}
