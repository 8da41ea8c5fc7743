package org.codaasr.model.corpus;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.codaasr.model.AsrException;

/**
 * Where the data sets are, found from the installation like the model folder, never from the working folder.
 *
 * <ul>
 *   <li>the shipped demo set: {@code <asr.home>/demo-data/LibriSpeech/test-other} (10 dev-set utterances);</li>
 *   <li>the data folder: system property {@code asr.data}, else environment variable {@code ASR_DATA} (either must
 *       be a folder); none otherwise (a source checkout's {@code ./asr} and {@code ./test.sh} set {@code ASR_DATA}
 *       to the data folder beside the repository where there is one). It holds the dev set
 *       ({@code librispeech/LibriSpeech/test-other}, 50 LibriSpeech test-other utterances of 5 speakers) and the
 *       book text ({@code text/sentences.txt}).</li>
 * </ul>
 * {@code asr.home} is set by the {@code asr} launcher (and by the build for tests); without it the working folder
 * stands in, as for the model folder.
 */
public final class DataSets {

    public static final String DATA_PROPERTY = "asr.data";
    public static final String DATA_ENV = "ASR_DATA";
    /** The dev set inside a data folder. */
    public static final Path DEV_SET = Path.of("librispeech", "LibriSpeech", "test-other");
    /** The book text the default language model was estimated from, inside a data folder. */
    public static final Path BOOK_TEXT = Path.of("text", "sentences.txt");
    /** The demo set inside the installation. */
    public static final Path DEMO_SET = Path.of("demo-data", "LibriSpeech", "test-other");

    /** Says where the dev set is looked for, for notes and skipped tests. */
    public static final String WHERE_DEV_SET = "the dev set " + DEV_SET + " of the data folder (" + DATA_ENV
            + " or -D" + DATA_PROPERTY + ")";

    private DataSets() {
    }

    /** The installation folder: {@code asr.home}, else the working folder. */
    public static Path home() {
        String home = System.getProperty("asr.home");
        return home == null || home.isBlank() ? Path.of("") : Path.of(home);
    }

    /**
     * The data folder, where there is one.
     *
     * @throws AsrException when {@code asr.data} or {@code ASR_DATA} names something that is not a folder
     */
    public static Optional<Path> dataDir() {
        String given = System.getProperty(DATA_PROPERTY);
        String source = "-D" + DATA_PROPERTY;
        if (given == null || given.isBlank()) {
            given = System.getenv(DATA_ENV);
            source = DATA_ENV;
        }
        if (given == null || given.isBlank()) {
            return Optional.empty();
        }
        Path dir = Path.of(given);
        if (!Files.isDirectory(dir)) {
            throw new AsrException(source + "=" + given + " is not a directory; expected the data folder that"
                    + " holds " + DEV_SET + " (the dev set) and " + BOOK_TEXT + " (the book text)");
        }
        return Optional.of(dir);
    }

    /** The dev set (50 LibriSpeech test-other utterances of 5 speakers), where the data folder has it. */
    public static Optional<Path> devSet() {
        return dataDir().map(d -> d.resolve(DEV_SET)).filter(Files::isDirectory);
    }

    /** The book text, where the data folder has it. */
    public static Optional<Path> bookText() {
        return dataDir().map(d -> d.resolve(BOOK_TEXT)).filter(Files::isRegularFile);
    }

    /** The demo set shipped with the installation (10 utterances of the dev set, 2 per speaker). */
    public static Path demoSet() {
        return home().resolve(DEMO_SET);
    }

    /** One utterance of the demo set, e.g. {@code 1688-142285-0000}: its FLAC file. */
    public static Path demoUtterance(String utteranceId) {
        String[] parts = utteranceId.split("-");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected <speaker>-<chapter>-<n>, got " + utteranceId);
        }
        return demoSet().resolve(parts[0]).resolve(parts[1]).resolve(utteranceId + ".flac");
    }

    /**
     * The dev set where it is here, else the shipped demo set, saying so once on {@code log}.
     */
    public static Path devSetOrDemo(PrintStream log) {
        Optional<Path> dev = devSet();
        if (dev.isPresent()) {
            return dev.get();
        }
        Path demo = demoSet();
        log.println("note: no dev set here (" + WHERE_DEV_SET + "); using the shipped demo set "
                + demo.toAbsolutePath().normalize() + " (10 of its utterances)");
        return demo;
    }
}
