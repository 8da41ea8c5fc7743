package org.codaasr.app.lm;

import org.codaasr.model.lm.ArpaLanguageModel;
import org.codaasr.model.lm.ArpaReader;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Puts back the n-grams that berkeleylm 1.1.2's Kneser-Ney ARPA writer drops.
 *
 * <p>For a model of order N, berkeleylm omits every (N-1)-gram that ends in {@code </s>} (for N = 3:
 * all bigrams {@code w </s>}), although their probability mass is accounted for in the back-off
 * weights, so P(. | h) no longer sums to 1 for those contexts h. Because the remaining entries are
 * correct, the missing probability is exactly what is left over:
 * P(</s> | h) = 1 - sum over explicit w of P(w | h) - alpha(h) * (1 - sum over explicit w and </s> of
 * P_lower(w | h')). The contexts h that need an entry are the N-2 words before the end of each
 * training sentence. For N = 2 the dropped n-gram is the unigram {@code </s>} itself, which this
 * repair does not handle, so the builder requires N >= 3.
 *
 * <p>berkeleylm's count pruning ({@code kneserNeyMinCounts}) also drops n-grams without moving their
 * mass into the back-off weights. {@link #recomputeBackoffs} therefore recomputes every back-off
 * weight, lowest order first, as SRILM does after pruning:
 * alpha(h) = (1 - sum over explicit w of P(w | h)) / (1 - sum over explicit w of P_lower(w | h')).
 */
final class BerkeleyArpaRepair {

    private static final double SMALLEST_PROBABILITY = 1e-12;

    private BerkeleyArpaRepair() {
    }

    static void addMissingSentenceEnds(Path arpaIn, Path arpaOut, Path trainingText, int order) throws IOException {
        int n = order - 1;
        Set<List<String>> contexts = sentenceEndContexts(trainingText, n - 1);
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpaIn);
        Map<List<String>, double[]> sums = new HashMap<>();
        forEachNgram(arpaIn, n, (words, log10Prob) -> {
            List<String> context = List.of(Arrays.copyOfRange(words, 0, n - 1));
            String word = words[n - 1];
            if (!contexts.contains(context)) {
                return;
            }
            if (word.equals(ArpaLanguageModel.SENTENCE_END)) {
                contexts.remove(context);
                return;
            }
            double[] s = sums.computeIfAbsent(context, c -> new double[2]);
            s[0] += Math.pow(10.0, log10Prob);
            s[1] += Math.pow(10.0, lm.log10Prob(context.subList(1, context.size()), word));
        });
        List<String> added = new ArrayList<>(contexts.size());
        for (List<String> context : contexts) {
            double[] s = sums.getOrDefault(context, new double[2]);
            double lowerEnd = Math.pow(10.0, lm.log10Prob(context.subList(1, context.size()),
                    ArpaLanguageModel.SENTENCE_END));
            double alpha = Math.pow(10.0, lm.log10Backoff(context));
            double p = 1.0 - s[0] - alpha * (1.0 - s[1] - lowerEnd);
            added.add(String.format(Locale.ROOT, "%.6f\t%s %s", Math.log10(Math.max(p, SMALLEST_PROBABILITY)),
                    String.join(" ", context), ArpaLanguageModel.SENTENCE_END));
        }
        rewrite(arpaIn, arpaOut, n, added);
    }

    /** Recomputes all back-off weights of {@code arpaIn} so every distribution sums to 1; writes arpaOut. */
    static void recomputeBackoffs(Path arpaIn, Path arpaOut, int order) throws IOException {
        ArpaLanguageModel lm = ArpaLanguageModel.load(arpaIn);
        for (int n = 2; n <= order; n++) {
            int order1 = n;
            Map<List<String>, double[]> sums = new HashMap<>();
            ArpaLanguageModel current = lm;
            forEachNgram(arpaIn, n, (words, log10Prob) -> {
                List<String> context = List.of(Arrays.copyOfRange(words, 0, order1 - 1));
                double[] s = sums.computeIfAbsent(context, c -> new double[2]);
                s[0] += Math.pow(10.0, log10Prob);
                s[1] += Math.pow(10.0, current.log10Prob(context.subList(1, context.size()), words[order1 - 1]));
            });
            Map<List<String>, Double> backoffs = new HashMap<>();
            for (Map.Entry<List<String>, double[]> e : sums.entrySet()) {
                double left = Math.max(1.0 - e.getValue()[0], SMALLEST_PROBABILITY);
                double lowerLeft = Math.max(1.0 - e.getValue()[1], SMALLEST_PROBABILITY);
                backoffs.put(e.getKey(), Math.log10(left / lowerLeft));
            }
            // contexts without explicit continuations back off with weight 1
            forEachNgram(arpaIn, n - 1, (words, log10Prob) -> {
                List<String> ngram = List.of(words);
                if (!sums.containsKey(ngram) && !words[words.length - 1].equals(ArpaLanguageModel.SENTENCE_END)) {
                    backoffs.put(ngram, 0.0);
                }
            });
            lm = lm.withLog10Backoffs(backoffs);
        }
        ArpaLanguageModel repaired = lm;
        try (BufferedReader reader = ArpaReader.open(arpaIn); BufferedWriter writer = create(arpaOut)) {
            int section = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                String t = line.trim();
                if (t.startsWith("\\") && t.endsWith("-grams:")) {
                    section = Integer.parseInt(t.substring(1, t.indexOf('-')));
                } else if (t.startsWith("\\")) {
                    section = 0;
                } else if (section > 0 && section < order && !t.isEmpty()) {
                    String[] f = t.split("\\s+");
                    List<String> ngram = List.of(Arrays.copyOfRange(f, 1, section + 1));
                    line = f[0] + "\t" + String.join(" ", ngram);
                    if (!ngram.get(ngram.size() - 1).equals(ArpaLanguageModel.SENTENCE_END)) {
                        line += String.format(Locale.ROOT, "\t%.6f", repaired.log10Backoff(ngram));
                    }
                }
                writer.write(line);
                writer.newLine();
            }
        }
    }

    /** Calls {@code consumer} for every n-gram of order {@code n} in the file. */
    private static void forEachNgram(Path arpa, int n, NgramConsumer consumer) {
        ArpaReader.read(arpa, new ArpaReader.Visitor() {
            @Override
            public void counts(List<Integer> counts) {
            }

            @Override
            public void ngram(String[] words, float log10Prob, float log10Backoff) {
                if (words.length == n) {
                    consumer.accept(words, log10Prob);
                }
            }
        });
    }

    @FunctionalInterface
    private interface NgramConsumer {
        void accept(String[] words, double log10Prob);
    }

    private static BufferedWriter create(Path out) throws IOException {
        OutputStream raw = Files.newOutputStream(out);
        return new BufferedWriter(new OutputStreamWriter(
                out.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw,
                StandardCharsets.UTF_8), 1 << 16);
    }

    private static Set<List<String>> sentenceEndContexts(Path text, int length) throws IOException {
        Set<List<String>> contexts = new HashSet<>();
        try (BufferedReader reader = Files.newBufferedReader(text, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String trimmed = line.trim();
                String[] words = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
                String[] context = new String[length];
                for (int k = 0; k < length; k++) {
                    int i = words.length - length + k;
                    context[k] = i >= 0 ? words[i] : ArpaLanguageModel.SENTENCE_START;
                }
                contexts.add(List.of(context));
            }
        }
        return contexts;
    }

    private static void rewrite(Path in, Path out, int n, List<String> added) throws IOException {
        String countPrefix = "ngram " + n + "=";
        String header = "\\" + n + "-grams:";
        try (BufferedReader reader = ArpaReader.open(in); BufferedWriter writer = create(out)) {
            boolean inSection = false;
            String line;
            while ((line = reader.readLine()) != null) {
                String t = line.trim();
                if (t.startsWith(countPrefix)) {
                    long count = Long.parseLong(t.substring(countPrefix.length()).trim());
                    line = countPrefix + (count + added.size());
                } else if (t.startsWith("\\")) {
                    if (inSection) {
                        for (String entry : added) {
                            writer.write(entry);
                            writer.newLine();
                        }
                        writer.newLine();
                    }
                    inSection = t.equals(header);
                } else if (inSection && t.isEmpty()) {
                    continue;
                }
                writer.write(line);
                writer.newLine();
            }
        }
    }
}
