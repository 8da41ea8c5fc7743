package org.codaasr.app.lm;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.codaasr.model.corpus.DataSets;

/**
 * The language model recognizing commands decode with when none is named: the character 6-gram over the book text
 * that ships with the installation ({@code asr-model/models/lm/}, see its README for how it was built). Where it is
 * missing the caller is told once and decodes with beam search alone.
 */
public final class DefaultLanguageModel {

    /** The shipped model, relative to the installation folder ({@code asr.home}). */
    public static final Path SHIPPED = Path.of("asr-model", "models", "lm", "books-char6.arpa.gz");

    private DefaultLanguageModel() {
    }

    /** Where the shipped model is: under {@code asr.home} (set by the launcher), else the working folder. */
    public static Path shippedPath() {
        return DataSets.home().resolve(SHIPPED);
    }

    /** The shipped model, or empty (after saying why on {@code log}) when it is missing. */
    public static Optional<Path> resolve(PrintStream log) {
        return resolve(shippedPath(), log);
    }

    /**
     * {@code shipped} when it is a file, else empty after one line on {@code log} naming it and how to get one.
     *
     * @param log where the one-line reason goes (stderr for the CLI)
     */
    public static Optional<Path> resolve(Path shipped, PrintStream log) {
        if (Files.isRegularFile(shipped)) {
            return Optional.of(shipped);
        }
        log.println("note: no language model: the shipped " + shipped + " is missing; decoding with beam search alone."
                + " Name one with --lm ARPA, or build it from book text: ./asr lm --text FILE --out " + shipped);
        return Optional.empty();
    }

    /** Whether {@code lm} is the shipped model. */
    public static boolean isShipped(Path lm) {
        return lm != null && lm.toAbsolutePath().normalize().equals(shippedPath().toAbsolutePath().normalize());
    }
}
