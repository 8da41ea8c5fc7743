package org.codaasr.app;

import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import picocli.CommandLine.Option;

/** The audio a pipeline benchmark replays and the pipeline it runs on: shared by {@code bench pipeline} and
 * {@code bench soak}. */
public final class BenchLoadOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "LibriSpeech-layout folder (default: the dev set, else the shipped demo set)")
    Path data;

    @Option(names = "--partitions", defaultValue = "4", description = "partitions per topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "2",
            description = "stream threads of the recognition application (default: ${DEFAULT-VALUE})")
    int streamThreads;

    /** The utterances of {@code --data}. */
    List<AudioItem> items() {
        return LibriSpeechSource.items(data != null ? data : DataSets.devSetOrDemo(System.err));
    }
}
