package org.codaasr.model.ctc;

import static org.codaasr.model.ctc.CtcTestData.log;
import static org.codaasr.model.ctc.CtcTestData.peak;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.codaasr.model.lm.ArpaLanguageModel;
import org.codaasr.model.lm.LmUnit;
import org.junit.jupiter.api.Test;

class PrefixBeamSearchDecoderTest {

    private static final Vocabulary ABC = Vocabulary.of(List.of("<blk>", "A", "B"));
    private static final BeamSearchConfig EXHAUSTIVE = new BeamSearchConfig(1000, 0, 0.0, 0.0);

    /** P(labeling) for every labeling, by summing exp(path score) over all V^T paths. */
    static Map<List<Integer>, Double> bruteForce(float[][] lp, int blank) {
        int t = lp.length;
        int v = lp[0].length;
        Map<List<Integer>, Double> probs = new HashMap<>();
        int[] path = new int[t];
        long paths = Math.round(Math.pow(v, t));
        for (long code = 0; code < paths; code++) {
            long rest = code;
            double logP = 0;
            for (int i = 0; i < t; i++) {
                path[i] = (int) (rest % v);
                rest /= v;
                logP += lp[i][path[i]];
            }
            List<Integer> labels = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                if (path[i] != blank && (i == 0 || path[i] != path[i - 1])) {
                    labels.add(path[i]);
                }
            }
            probs.merge(labels, Math.exp(logP), Double::sum);
        }
        return probs;
    }

    static Map.Entry<List<Integer>, Double> best(Map<List<Integer>, Double> probs) {
        return probs.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void findsTheMostProbableLabelingWhereGreedyDoesNot() {
        // every frame: blank 0.5, A 0.4, B 0.1. Best path is all blank (P("") = 0.125) but
        // P("A") = 3 * 0.4 * 0.25 + 2 * 0.16 * 0.5 + 0.064 = 0.524.
        double[] row = {0.5, 0.4, 0.1};
        float[][] lp = log(new double[][] {row, row, row});
        assertEquals("", new GreedyCtcDecoder(ABC).decode(lp, 0.04).text());

        Map.Entry<List<Integer>, Double> truth = best(bruteForce(lp, 0));
        assertEquals(List.of(1), truth.getKey());
        assertEquals(0.524, truth.getValue(), 1e-6);
        for (BeamSearchConfig config : List.of(EXHAUSTIVE, new BeamSearchConfig(2, 1, 0, 0))) {
            CtcHypothesis h = new PrefixBeamSearchDecoder(ABC, config, null).decode(lp, 0.04);
            assertArrayEquals(new int[] {1}, h.tokenIds(), config.toString());
            assertEquals(Math.log(truth.getValue()), h.logScore(), 1e-6, config.toString());
        }
    }

    @Test
    void exhaustiveBeamMatchesBruteForceOnRandomPosteriors() {
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            double[][] probs = new double[4][3];
            for (double[] row : probs) {
                double sum = 0;
                for (int v = 0; v < row.length; v++) {
                    row[v] = 0.05 + random.nextDouble();
                    sum += row[v];
                }
                for (int v = 0; v < row.length; v++) {
                    row[v] /= sum;
                }
            }
            float[][] lp = log(probs);
            Map.Entry<List<Integer>, Double> truth = best(bruteForce(lp, 0));
            CtcHypothesis h = new PrefixBeamSearchDecoder(ABC, EXHAUSTIVE, null).decode(lp, 0.04);
            assertArrayEquals(ints(truth.getKey()), h.tokenIds(), "trial " + trial);
            assertEquals(Math.log(truth.getValue()), h.logScore(), 1e-6, "trial " + trial);
        }
    }

    @Test
    void repeatsNeedABlankBetweenThem() {
        float[][] separated = log(new double[][] {peak(3, 1, 0.9), peak(3, 0, 0.9), peak(3, 1, 0.9)});
        float[][] joined = log(new double[][] {peak(3, 1, 0.9), peak(3, 1, 0.9), peak(3, 0, 0.9)});
        PrefixBeamSearchDecoder decoder = new PrefixBeamSearchDecoder(ABC);
        assertArrayEquals(new int[] {1, 1}, decoder.decode(separated, 0.04).tokenIds());
        assertArrayEquals(new int[] {1}, decoder.decode(joined, 0.04).tokenIds());
    }

    @Test
    void wordTimesAndConfidencesFromEmissionFrames() {
        CtcHypothesis h = new PrefixBeamSearchDecoder(GreedyCtcDecoderTest.PIECES)
                .decode(GreedyCtcDecoderTest.helloWorld(), 0.04);
        assertEquals("HELLO WORLD", h.text());
        assertArrayEquals(new int[] {0, 3, 6}, h.tokenFrames());
        List<WordInfo> w = h.words();
        assertEquals(new WordInfo("HELLO", 0.0, 0.16, (0.9 + 0.6) / 2), round(w.get(0)));
        assertEquals(new WordInfo("WORLD", 0.24, 0.28, 0.7), round(w.get(1)));
    }

    private static WordInfo round(WordInfo w) {
        return new WordInfo(w.word(), Math.round(w.startSeconds() * 1e6) / 1e6, Math.round(w.endSeconds() * 1e6) / 1e6,
                Math.round(w.confidence() * 1e6) / 1e6);
    }

    @Test
    void languageModelFusionPicksTheWordTheLmPrefers() {
        Vocabulary words = Vocabulary.of(List.of("<blk>", "\u2581I", "\u2581RED", "\u2581READ", "\u2581BOOKS"));
        float[][] lp = log(new double[][] {
            peak(5, 1, 0.9),
            {0.06, 0.02, 0.5, 0.4, 0.02},
            peak(5, 4, 0.9)});
        ArpaLanguageModel lm = ArpaLanguageModel.load(Path.of("asr-model/src/test/resources/ctc/fusion.arpa"));

        CtcHypothesis acoustic = new PrefixBeamSearchDecoder(words, EXHAUSTIVE, null).decode(lp, 0.04);
        assertEquals("I RED BOOKS", acoustic.text());
        CtcHypothesis weightZero = new PrefixBeamSearchDecoder(words, EXHAUSTIVE.withLm(0.0, 0.0), lm).decode(lp, 0.04);
        assertEquals("I RED BOOKS", weightZero.text());

        double bonus = 0.5;
        CtcHypothesis fused = new PrefixBeamSearchDecoder(words, EXHAUSTIVE.withLm(1.0, bonus), lm).decode(lp, 0.04);
        assertEquals("I READ BOOKS", fused.text());
        assertNotEquals(acoustic.text(), fused.text());
        // fused score = ln P_ctc(I READ BOOKS) + log10 (-0.1 - 0.2 - 0.3 - 0.2) in ln + 3 word bonuses
        double acousticLogP = Math.log(bruteForce(lp, 0).get(List.of(1, 3, 4)));
        assertEquals(acousticLogP - 0.8 * Math.log(10) + 3 * bonus, fused.logScore(), 1e-6);
    }

    @Test
    void characterLanguageModelScoresEveryTokenAndFixesASpelling() {
        Vocabulary chars = Vocabulary.of(List.of("<blk>", "\u2581", "A", "C", "G", "T"));
        float[][] lp = log(new double[][] {
            peak(6, 3, 0.9),
            peak(6, 2, 0.9),
            {0.06, 0.02, 0.01, 0.01, 0.5, 0.4}});
        ArpaLanguageModel lm = ArpaLanguageModel.load(Path.of("asr-model/src/test/resources/ctc/char-fusion.arpa"));
        assertEquals(LmUnit.CHARACTER, lm.unit());

        CtcHypothesis acoustic = new PrefixBeamSearchDecoder(chars, EXHAUSTIVE, null).decode(lp, 0.04);
        assertEquals("CAG", acoustic.text());
        double bonus = 0.25;
        CtcHypothesis fused = new PrefixBeamSearchDecoder(chars, EXHAUSTIVE.withLm(1.0, bonus), lm).decode(lp, 0.04);
        assertEquals("CAT", fused.text());
        // fused score = ln P_ctc(C A T) + (C|<s> -0.1, A|C -0.1, T|A -0.1, </s>|T -0.2) log10 in ln + 3 bonuses
        double acousticLogP = Math.log(bruteForce(lp, 0).get(List.of(3, 2, 5)));
        assertEquals(acousticLogP - 0.5 * Math.log(10) + 3 * bonus, fused.logScore(), 1e-6);
    }

    @Test
    void characterLanguageModelSeesTheWordBoundaryToken() {
        Vocabulary chars = Vocabulary.of(List.of("<blk>", "\u2581", "A", "C", "G", "T"));
        ArpaLanguageModel lm = ArpaLanguageModel.load(Path.of("asr-model/src/test/resources/ctc/char-fusion.arpa"));
        // "C A ▁ A": the boundary is scored as the symbol ▁ (unigram -0.8 after A's backoff -0.2)
        float[][] lp = log(new double[][] {peak(6, 3, 0.99), peak(6, 2, 0.99), peak(6, 1, 0.99), peak(6, 2, 0.99)});
        CtcHypothesis fused = new PrefixBeamSearchDecoder(chars, EXHAUSTIVE.withLm(1.0, 0.0), lm).decode(lp, 0.04);
        assertEquals("CA A", fused.text());
        double acousticLogP = Math.log(bruteForce(lp, 0).get(List.of(3, 2, 1, 2)));
        // C|<s> -0.1, A|C -0.1, ▁|A (-0.2 - 0.8), A|▁ (-0.2 - 0.7), </s>|A (-0.2 - 0.8)
        double lm10 = -0.1 - 0.1 - 1.0 - 0.9 - 1.0;
        assertEquals(acousticLogP + lm10 * Math.log(10), fused.logScore(), 1e-6);
    }

    @Test
    void characterLanguageModelReadsWordPiecesCharacterByCharacter() {
        Vocabulary pieces = Vocabulary.of(List.of("<blk>", "<unk>", "\u2581CA", "G", "T", "\u2581A"));
        float[][] lp = log(new double[][] {
            peak(6, 2, 0.9),
            peak(6, 1, 0.9),
            {0.06, 0.01, 0.01, 0.5, 0.4, 0.02}});
        ArpaLanguageModel lm = ArpaLanguageModel.load(Path.of("asr-model/src/test/resources/ctc/char-fusion.arpa"));
        CtcHypothesis acoustic = new PrefixBeamSearchDecoder(pieces, EXHAUSTIVE, null).decode(lp, 0.04);
        assertEquals("CAG", acoustic.text());
        double bonus = 0.25;
        CtcHypothesis fused = new PrefixBeamSearchDecoder(pieces, EXHAUSTIVE.withLm(1.0, bonus), lm).decode(lp, 0.04);
        assertEquals("CAT", fused.text());
        // the same LM terms as the characters C A T (the first piece's word start is not scored), and <unk>
        // adds no text and no LM term
        double acousticLogP = Math.log(bruteForce(lp, 0).get(List.of(2, 1, 4)));
        assertEquals(acousticLogP - 0.5 * Math.log(10) + 3 * bonus, fused.logScore(), 1e-6);
    }

    /** A search fed frame blocks of any size as they arrive ends exactly where decoding all frames at once does. */
    @Test
    void incrementalSearchEqualsDecodingTheWholeUtterance() {
        Vocabulary chars = Vocabulary.of(List.of("<blk>", "\u2581", "A", "C", "G", "T"));
        ArpaLanguageModel lm = ArpaLanguageModel.load(Path.of("asr-model/src/test/resources/ctc/char-fusion.arpa"));
        PrefixBeamSearchDecoder decoder = new PrefixBeamSearchDecoder(chars, new BeamSearchConfig(4, 3, 1.0, 0.25),
                lm);
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            double[][] probs = new double[5 + random.nextInt(60)][6];
            for (double[] row : probs) {
                double sum = 0;
                for (int v = 0; v < row.length; v++) {
                    row[v] = Math.pow(random.nextDouble(), 3) + (v == 0 ? random.nextDouble() : 0);
                    sum += row[v];
                }
                for (int v = 0; v < row.length; v++) {
                    row[v] /= sum;
                }
            }
            float[][] lp = log(probs);
            CtcHypothesis whole = decoder.decode(lp, 0.04);
            CtcDecoder.Session search = decoder.start();
            for (int t = 0; t < lp.length; ) {
                int n = Math.min(lp.length - t, 1 + random.nextInt(7));
                search.accept(java.util.Arrays.copyOfRange(lp, t, t + n));
                t += n;
            }
            assertEquals(lp.length, search.frames());
            CtcHypothesis streamed = search.finish(lp, 0.04);
            assertEquals(whole.text(), streamed.text());
            assertEquals(whole.logScore(), streamed.logScore(), 0.0);
            assertArrayEquals(whole.tokenFrames(), streamed.tokenFrames());
            assertEquals(whole.words(), streamed.words());
        }
    }
}
