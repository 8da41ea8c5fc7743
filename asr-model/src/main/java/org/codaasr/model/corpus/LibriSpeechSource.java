package org.codaasr.model.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;

/**
 * A LibriSpeech tree ({@code <root>/<speaker>/<chapter>/<speaker>-<chapter>-<n>.flac} plus one
 * {@code <speaker>-<chapter>.trans.txt} per chapter whose lines are {@code <utteranceId> <TEXT>}).
 * Only utterances whose audio ({@code .flac} or {@code .wav}) exists are returned, sorted by id.
 */
public final class LibriSpeechSource {

    private LibriSpeechSource() {
    }

    /** The items below {@code root} (a split directory such as {@code test-other}). */
    public static List<AudioItem> items(Path root) {
        if (!Files.isDirectory(root)) {
            throw new AsrException("expected a LibriSpeech split directory, but " + root + " is not a directory");
        }
        List<AudioItem> items = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path transcript : files.filter(f -> f.getFileName().toString().endsWith(".trans.txt")).sorted().toList()) {
                items.addAll(chapter(transcript));
            }
        } catch (IOException e) {
            throw new AsrException("could not walk LibriSpeech tree " + root, e);
        }
        if (items.isEmpty()) {
            throw new AsrException("expected <speaker>/<chapter>/*.trans.txt with audio files under " + root
                    + ", found none");
        }
        return items;
    }

    private static List<AudioItem> chapter(Path transcript) throws IOException {
        List<AudioItem> items = new ArrayList<>();
        for (String line : Files.readAllLines(transcript, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String utteranceId = space < 0 ? trimmed : trimmed.substring(0, space);
            String text = space < 0 ? "" : trimmed.substring(space + 1).strip();
            Path audio = audioFor(transcript.getParent(), utteranceId);
            if (audio != null) {
                items.add(new AudioItem(utteranceId, speakerOf(utteranceId), audio, text));
            }
        }
        return items;
    }

    private static Path audioFor(Path chapterDir, String utteranceId) {
        for (String extension : List.of(".flac", ".wav")) {
            Path candidate = chapterDir.resolve(utteranceId + extension);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** {@code 1688-142285-0000} is spoken by speaker {@code 1688}. */
    static String speakerOf(String utteranceId) {
        int dash = utteranceId.indexOf('-');
        return dash < 0 ? null : utteranceId.substring(0, dash);
    }
}
