package org.codaasr.app.lm;

import org.codaasr.model.lm.ArpaLanguageModel;
import org.codaasr.model.lm.LanguageModel;
import org.codaasr.model.lm.LmUnit;
import edu.berkeley.nlp.lm.ConfigOptions;
import edu.berkeley.nlp.lm.StringWordIndexer;
import edu.berkeley.nlp.lm.io.LmReaders;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a word n-gram ARPA model with modified Kneser-Ney smoothing from a text file with one
 * normalized sentence per line. The estimation itself is berkeleylm's
 * ({@link LmReaders#createKneserNeyLmFromTextFiles}); this class only restricts the vocabulary,
 * sets the pruning thresholds, repairs the n-grams berkeleylm drops ({@link BerkeleyArpaRepair}) and
 * writes the result atomically.
 *
 * <p>Only training text goes in here (for this project the data folder's {@code text/sentences.txt},
 * which was checked against the LibriSpeech evaluation transcripts); never evaluation transcripts.
 * The default character model ships pruned ({@code asr-model/models/lm/}); {@code asr lm} builds others.
 */
public final class LanguageModelBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(LanguageModelBuilder.class);

    private LanguageModelBuilder() {
    }

    /** {@code ~/.cache/coda-asr/lm/librivox-char6gram.arpa.gz}: the default model, characters. */
    public static Path defaultCachePath() {
        return defaultCachePath(LmBuildConfig.characterDefaults());
    }

    /** {@code ~/.cache/coda-asr/lm/librivox-char6gram.arpa.gz} or {@code librivox-3gram.arpa.gz} for a config. */
    public static Path defaultCachePath(LmBuildConfig config) {
        String name = config.unit() == LmUnit.CHARACTER ? "librivox-char" + config.order() + "gram.arpa.gz"
                : "librivox-" + config.order() + "gram.arpa.gz";
        return Path.of(System.getProperty("user.home"), ".cache", "coda-asr", "lm", name);
    }

    /** Builds with {@link LmBuildConfig#defaults()} at the given order unless {@code outputArpaGz} exists. */
    public static Path buildIfMissing(Path sentences, Path outputArpaGz, int order) {
        return buildIfMissing(sentences, outputArpaGz, LmBuildConfig.defaults().withOrder(order));
    }

    /** Builds the model unless {@code outputArpaGz} already exists; returns {@code outputArpaGz}. */
    public static Path buildIfMissing(Path sentences, Path outputArpaGz, LmBuildConfig config) {
        if (Files.isRegularFile(outputArpaGz)) {
            return outputArpaGz;
        }
        return build(sentences, outputArpaGz, config);
    }

    /**
     * Estimates the model and writes it to {@code outputArpa} (gzip-compressed when the name ends in
     * .gz), replacing any existing file only once the new one is complete.
     */
    public static Path build(Path sentences, Path outputArpa, LmBuildConfig config) {
        if (!Files.isRegularFile(sentences)) {
            throw new AsrException("training text " + sentences + " not found; expected one sentence per line");
        }
        long started = System.nanoTime();
        Path tempText = null;
        Path tempArpa = null;
        Path rawArpa = null;
        Path repairedArpa = null;
        try {
            Path dir = outputArpa.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path trainingText = sentences;
            if (config.unit() == LmUnit.CHARACTER) {
                tempText = Files.createTempFile(dir, "lm-text", ".txt");
                writeAsCharacters(sentences, tempText);
                trainingText = tempText;
            } else if (config.maxVocabulary() > 0) {
                tempText = Files.createTempFile(dir, "lm-text", ".txt");
                writeWithRestrictedVocabulary(sentences, tempText, config.maxVocabulary());
                trainingText = tempText;
            }
            String suffix = outputArpa.getFileName().toString().endsWith(".gz") ? ".arpa.gz" : ".arpa";
            tempArpa = Files.createTempFile(dir, "lm-build", suffix);
            rawArpa = Files.createTempFile(dir, "lm-berkeley", suffix);
            estimate(trainingText, rawArpa, config);
            repairedArpa = Files.createTempFile(dir, "lm-repaired", suffix);
            BerkeleyArpaRepair.addMissingSentenceEnds(rawArpa, repairedArpa, trainingText, config.order());
            BerkeleyArpaRepair.recomputeBackoffs(repairedArpa, tempArpa, config.order());
            Files.move(tempArpa, outputArpa, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tempArpa = null;
            LOG.info("built {}-gram ARPA {} ({} bytes) from {} in {} s", config.order(), outputArpa,
                    Files.size(outputArpa), sentences, (System.nanoTime() - started) / 1_000_000_000L);
            return outputArpa;
        } catch (IOException | UncheckedIOException e) {
            throw new AsrException("cannot build language model " + outputArpa + " from " + sentences, e);
        } finally {
            deleteQuietly(tempText);
            deleteQuietly(tempArpa);
            deleteQuietly(rawArpa);
            deleteQuietly(repairedArpa);
        }
    }

    private static void estimate(Path text, Path arpa, LmBuildConfig config) {
        StringWordIndexer indexer = new StringWordIndexer();
        indexer.setStartSymbol(ArpaLanguageModel.SENTENCE_START);
        indexer.setEndSymbol(ArpaLanguageModel.SENTENCE_END);
        indexer.setUnkSymbol(ArpaLanguageModel.UNKNOWN);
        ConfigOptions options = new ConfigOptions();
        double[] minCounts = new double[Math.max(options.kneserNeyMinCounts.length, config.order())];
        Arrays.fill(minCounts, 0, Math.min(2, minCounts.length), 1.0);
        Arrays.fill(minCounts, Math.min(2, minCounts.length), minCounts.length, config.minHigherOrderCount());
        options.kneserNeyMinCounts = minCounts;
        LmReaders.createKneserNeyLmFromTextFiles(List.of(text.toString()), indexer, config.order(), arpa.toFile(),
                options);
    }

    /** "HELLO WORLD" -> "H E L L O ▁ W O R L D": the token stream a character CTC model emits. */
    static String asCharacters(String sentence) {
        return Arrays.stream(sentence.trim().split("\\s+"))
                .filter(word -> !word.isEmpty())
                .map(word -> word.codePoints().mapToObj(Character::toString).collect(Collectors.joining(" ")))
                .collect(Collectors.joining(" " + LanguageModel.WORD_BOUNDARY + " "));
    }

    private static void writeAsCharacters(Path in, Path out) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8);
             BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String chars = asCharacters(line);
                if (!chars.isEmpty()) {
                    writer.write(chars);
                    writer.newLine();
                }
            }
        }
    }

    private static void writeWithRestrictedVocabulary(Path in, Path out, int maxVocabulary) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            reader.lines().forEach(line -> {
                for (String word : line.trim().split("\\s+")) {
                    if (!word.isEmpty()) {
                        counts.merge(word, 1, Integer::sum);
                    }
                }
            });
        }
        Set<String> kept = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(maxVocabulary)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        try (BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8);
             BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            StringBuilder sb = new StringBuilder();
            while ((line = reader.readLine()) != null) {
                sb.setLength(0);
                for (String word : line.trim().split("\\s+")) {
                    if (!word.isEmpty()) {
                        if (sb.length() > 0) {
                            sb.append(' ');
                        }
                        sb.append(kept.contains(word) ? word : ArpaLanguageModel.UNKNOWN);
                    }
                }
                if (sb.length() > 0) {
                    writer.write(sb.toString());
                    writer.newLine();
                }
            }
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("could not delete temporary file {}", path, e);
            }
        }
    }

    /** Command: {@code LanguageModelBuilder sentences.txt [out.arpa.gz [order]]}: the character model; builds
     * only when missing. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: LanguageModelBuilder sentences.txt [out.arpa.gz [order]]");
            System.exit(2);
        }
        Path sentences = Path.of(args[0]);
        LmBuildConfig config = LmBuildConfig.characterDefaults();
        if (args.length > 2) {
            config = config.withOrder(Integer.parseInt(args[2]));
        }
        Path out = args.length > 1 ? Path.of(args[1]) : defaultCachePath(config);
        long started = System.nanoTime();
        Path built = buildIfMissing(sentences, out, config);
        System.out.println(built + " ready after " + (System.nanoTime() - started) / 1_000_000L + " ms");
    }
}
