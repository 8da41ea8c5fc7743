package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;

/** Utterances of the shipped demo set (10 of the dev set's), and the pocketsphinx install with an assumption that skips
 * where it is absent. */
public final class DevSet {

    public static final Path TEST_OTHER = DataSets.demoSet();

    /** About two seconds: "YOU DIDN'T WANT TO COME". */
    public static final String SHORT_UTTERANCE = "3005-163389-0007";

    private DevSet() {
    }

    public static List<AudioItem> all() {
        return LibriSpeechSource.items(TEST_OTHER);
    }

    public static AudioItem item(String id) {
        return all().stream().filter(i -> i.utteranceId().equals(id)).findFirst().orElseThrow();
    }

    /**
     * A one-utterance LibriSpeech tree under {@code dir}: a symbolic link to the dev audio (never a copy) and its
     * transcript line, so command tests can run on a short file.
     */
    public static Path treeOf(Path dir, AudioItem item) throws IOException {
        String[] parts = item.utteranceId().split("-");
        Path chapter = Files.createDirectories(dir.resolve(parts[0]).resolve(parts[1]));
        Files.createSymbolicLink(chapter.resolve(item.audio().getFileName()), item.audio().toAbsolutePath());
        Files.writeString(chapter.resolve(parts[0] + "-" + parts[1] + ".trans.txt"),
                item.utteranceId() + " " + item.reference().orElseThrow() + "\n");
        return dir;
    }

    public static void assumePocketSphinx() {
        assumeTrue(PocketSphinxConfig.defaults().isInstalled(),
                "pocketsphinx not installed (apt-get install " + PocketSphinxConfig.DEBIAN_PACKAGES + ")");
    }
}
