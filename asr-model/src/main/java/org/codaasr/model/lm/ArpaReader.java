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
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.codaasr.model.AsrException;

/**
 * The one ARPA parser of the project: reads the {@code \data\} counts, then hands every n-gram of every section to a
 * {@link Visitor} in file order. Plain or gzip files (detected by their magic bytes). Structural errors (no
 * {@code \data\}, a section beyond the declared order, a line with the wrong number of words, a count that does not
 * match its section) are reported as {@link AsrException}s naming the file.
 */
public final class ArpaReader {

    /** Receives the parsed file. */
    public interface Visitor {

        /** The declared n-gram counts, index 0 = unigrams; called once, before any n-gram. */
        void counts(List<Integer> counts);

        /**
         * One n-gram of order {@code words.length}.
         *
         * @param log10Backoff the back-off weight, or {@link Float#NaN} when the line has none
         */
        void ngram(String[] words, float log10Prob, float log10Backoff);
    }

    private ArpaReader() {
    }

    /** A reader over the decompressed text of an ARPA file. */
    public static BufferedReader open(Path arpa) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(arpa), 1 << 16);
        try {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** Parses {@code arpa}, calling {@code visitor} for the counts and each n-gram. */
    public static void read(Path arpa, Visitor visitor) {
        try (BufferedReader reader = open(arpa)) {
            parse(reader, arpa, visitor);
        } catch (IOException e) {
            throw new AsrException("cannot read ARPA language model " + arpa, e);
        }
    }

    private static void parse(BufferedReader reader, Path file, Visitor visitor) throws IOException {
        String line;
        while ((line = reader.readLine()) != null && !line.trim().equals("\\data\\")) {
            // text before \data\ is a comment
        }
        if (line == null) {
            throw new AsrException("ARPA file " + file + " has no \\data\\ section; expected an ARPA language model");
        }
        List<Integer> counts = new ArrayList<>();
        while ((line = reader.readLine()) != null) {
            String t = line.trim();
            if (t.startsWith("ngram ")) {
                int eq = t.indexOf('=');
                int n = Integer.parseInt(t.substring(6, eq).trim());
                if (n != counts.size() + 1) {
                    throw new AsrException("ARPA file " + file + ": expected 'ngram " + (counts.size() + 1) + "=', got "
                            + t);
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
        visitor.counts(List.copyOf(counts));
        int n = 0;
        int filled = 0;
        while (line != null) {
            String t = line.trim();
            if (t.equals("\\end\\")) {
                break;
            }
            if (t.startsWith("\\") && t.endsWith("-grams:")) {
                checkFilled(file, n, filled, counts);
                n = Integer.parseInt(t.substring(1, t.indexOf('-')));
                if (n < 1 || n > order) {
                    throw new AsrException("ARPA file " + file + ": section " + t + " beyond declared order " + order);
                }
                filled = 0;
            } else if (!t.isEmpty() && n > 0) {
                String[] fields = t.split("\\s+");
                if (fields.length != n + 1 && fields.length != n + 2) {
                    throw new AsrException("ARPA file " + file + ": expected " + n + " words in line '" + t + "'");
                }
                if (filled++ >= counts.get(n - 1)) {
                    throw new AsrException("ARPA file " + file + ": more " + n + "-grams than the declared "
                            + counts.get(n - 1));
                }
                String[] words = new String[n];
                System.arraycopy(fields, 1, words, 0, n);
                float backoff = fields.length == n + 2 ? parseLog(fields[n + 1]) : Float.NaN;
                visitor.ngram(words, parseLog(fields[0]), backoff);
            }
            line = reader.readLine();
        }
        checkFilled(file, n, filled, counts);
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
}
