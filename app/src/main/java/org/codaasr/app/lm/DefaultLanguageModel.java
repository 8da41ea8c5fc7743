package org.codaasr.app.lm;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The language model recognizing commands decode with when none is named: the character 6-gram over the book text,
 * cached under {@code ~/.cache/coda-asr/lm/}. Built on first use (about a minute) with a line saying so; when it
 * cannot be built (no book text here) the caller is told once, with the command that builds it.
 */
public final class DefaultLanguageModel {

    /** The book text the default model is estimated from, relative to the repository root. */
    public static final Path DEFAULT_TEXT = Path.of("..", "shared", "data", "text", "sentences.txt");

    private DefaultLanguageModel() {
    }

    /** Where the default book text is: under {@code asr.home} (set by the launcher) when given, else the working folder. */
    public static Path defaultText() {
        String home = System.getProperty("asr.home");
        return home == null ? DEFAULT_TEXT : Path.of(home).resolve(DEFAULT_TEXT).normalize();
    }

    /**
     * The cached default model, building it from {@code text} first if needed.
     *
     * @param log where the one-line progress or the one-line reason goes (stderr for the CLI)
     * @return the model, or empty (after saying why on {@code log}) when it is not cached and cannot be built
     */
    public static Optional<Path> resolve(Path text, PrintStream log) {
        LmBuildConfig config = LmBuildConfig.characterDefaults();
        Path cached = LanguageModelBuilder.defaultCachePath(config);
        if (Files.isRegularFile(cached)) {
            return Optional.of(cached);
        }
        if (!Files.isRegularFile(text)) {
            log.println("note: no language model: " + cached + " is not built and the book text " + text
                    + " is missing; decoding with beam search alone (WER about 3 points worse). Build it with: "
                    + "./asr lm --text FILE");
            return Optional.empty();
        }
        log.println("building the default language model (character 6-gram) from " + text + " into " + cached
                + " (once, about a minute) ...");
        long start = System.nanoTime();
        Path built = LanguageModelBuilder.buildIfMissing(text, cached, config);
        log.printf("language model ready in %.0f s%n", (System.nanoTime() - start) / 1e9);
        return Optional.of(built);
    }
}
