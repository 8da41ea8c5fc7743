package org.codaasr.eval.baseline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Debian's pocketsphinx (packages {@code pocketsphinx pocketsphinx-en-us}) and its US-English model live, and
 * how it is run.
 *
 * @param binary      the {@code pocketsphinx_continuous} executable
 * @param acousticModel the {@code -hmm} folder (holds {@code mdef})
 * @param languageModel the {@code -lm} binary trigram file
 * @param dictionary  the {@code -dict} pronunciation dictionary
 * @param timeout     wall-clock limit for one file
 * @param parallelism how many pocketsphinx processes may run at once (1 or 2: the build machines are small)
 */
public record PocketSphinxConfig(Path binary, Path acousticModel, Path languageModel, Path dictionary,
        Duration timeout, int parallelism) {

    public static final String DEBIAN_PACKAGES = "pocketsphinx pocketsphinx-en-us";
    public static final Path DEBIAN_BINARY = Path.of("/usr/bin/pocketsphinx_continuous");
    public static final Path DEBIAN_MODEL_DIR = Path.of("/usr/share/pocketsphinx/model/en-us");

    public static final int MAX_PARALLELISM = 2;

    public PocketSphinxConfig {
        if (binary == null || acousticModel == null || languageModel == null || dictionary == null) {
            throw new IllegalArgumentException("binary, acousticModel, languageModel and dictionary must not be null");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be 1.." + MAX_PARALLELISM + ", got " + parallelism);
        }
    }

    /** The Debian install: {@code /usr/bin/pocketsphinx_continuous} and {@code /usr/share/pocketsphinx/model/en-us}. */
    public static PocketSphinxConfig defaults() {
        return new PocketSphinxConfig(DEBIAN_BINARY, DEBIAN_MODEL_DIR.resolve("en-us"),
                DEBIAN_MODEL_DIR.resolve("en-us.lm.bin"), DEBIAN_MODEL_DIR.resolve("cmudict-en-us.dict"),
                Duration.ofSeconds(120), MAX_PARALLELISM);
    }

    public PocketSphinxConfig withParallelism(int processes) {
        return new PocketSphinxConfig(binary, acousticModel, languageModel, dictionary, timeout, processes);
    }

    public PocketSphinxConfig withTimeout(Duration perFile) {
        return new PocketSphinxConfig(binary, acousticModel, languageModel, dictionary, perFile, parallelism);
    }

    /** What is missing from this installation, one line per missing part; empty when everything is there. */
    public List<String> missingParts() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(binary)) {
            missing.add("executable " + binary);
        }
        if (!Files.isRegularFile(acousticModel.resolve("mdef"))) {
            missing.add("acoustic model folder " + acousticModel + " (with mdef)");
        }
        if (!Files.isRegularFile(languageModel)) {
            missing.add("language model " + languageModel);
        }
        if (!Files.isRegularFile(dictionary)) {
            missing.add("dictionary " + dictionary);
        }
        return missing;
    }

    public boolean isInstalled() {
        return missingParts().isEmpty();
    }

    /** @throws PocketSphinxUnavailableException naming what is missing and the Debian packages that provide it */
    public void requireInstalled() {
        List<String> missing = missingParts();
        if (!missing.isEmpty()) {
            throw new PocketSphinxUnavailableException("pocketsphinx baseline unavailable, missing: "
                    + String.join(", ", missing) + ". Install the Debian packages: sudo apt-get install "
                    + DEBIAN_PACKAGES);
        }
    }
}
