package org.codaasr.ingest;

import org.codaasr.model.corpus.AudioItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;

/**
 * Audio files given on the command line: each file, or every audio file below each directory, in
 * path order. The utterance id is the file name without extension; a sibling {@code <name>.txt}, when
 * present, is taken as the reference transcript.
 */
public final class FileSource {

    /** File extensions treated as audio (lower case, without the dot). */
    public static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "flac", "mp3", "ogg", "aiff", "aif");

    private FileSource() {
    }

    /** The items for the given files and directories; throws when a path does not exist. */
    public static List<AudioItem> items(List<Path> paths) {
        List<AudioItem> items = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(Files::isRegularFile).filter(FileSource::isAudio).sorted()
                            .forEach(file -> items.add(item(file)));
                } catch (IOException e) {
                    throw new AsrException("could not list audio files under " + path, e);
                }
            } else if (Files.isRegularFile(path)) {
                items.add(item(path));
            } else {
                throw new AsrException("expected an audio file or a directory, but " + path + " does not exist");
            }
        }
        return items;
    }

    static boolean isAudio(Path file) {
        return AUDIO_EXTENSIONS.contains(extension(file));
    }

    private static AudioItem item(Path file) {
        String name = file.getFileName().toString();
        String stem = name.substring(0, name.length() - extension(file).length() - 1);
        Path transcript = file.resolveSibling(stem + ".txt");
        String reference = null;
        if (Files.isRegularFile(transcript)) {
            try {
                reference = Files.readString(transcript, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new AsrException("could not read reference transcript " + transcript, e);
            }
        }
        return new AudioItem(stem, null, file, reference);
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
