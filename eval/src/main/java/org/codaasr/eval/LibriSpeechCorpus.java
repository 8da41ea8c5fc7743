package org.codaasr.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;

/**
 * A LibriSpeech-layout tree: {@code <speaker>/<chapter>/<speaker>-<chapter>-<utt>.flac} with one
 * {@code <speaker>-<chapter>.trans.txt} per chapter. Audio may also be {@code .wav} or {@code .opus}-free formats the
 * decoder reads ({@code .flac}, {@code .wav}, {@code .mp3}).
 */
public final class LibriSpeechCorpus {

    private static final List<String> AUDIO_EXTENSIONS = List.of(".flac", ".wav", ".mp3");

    /** One transcribed utterance. */
    public record Utterance(String id, String speaker, String chapter, Path audio, String reference) {}

    private LibriSpeechCorpus() {}

    /**
     * Reads every transcript under {@code root}, sorted by utterance id.
     *
     * @throws AsrException if the folder is missing, holds no transcripts, or a transcript line has no audio file
     */
    public static List<Utterance> read(Path root) {
        if (!Files.isDirectory(root)) {
            throw new AsrException("LibriSpeech folder not found: expected <speaker>/<chapter>/*.trans.txt under "
                    + root.toAbsolutePath());
        }
        List<Utterance> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> transcripts = files.filter(p -> p.getFileName().toString().endsWith(".trans.txt"))
                    .sorted()
                    .toList();
            for (Path trans : transcripts) {
                readChapter(trans, out);
            }
        } catch (IOException e) {
            throw new AsrException("cannot read LibriSpeech tree " + root + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new AsrException("no *.trans.txt transcripts under " + root.toAbsolutePath()
                    + ": expected the LibriSpeech layout <speaker>/<chapter>/<speaker>-<chapter>.trans.txt");
        }
        out.sort(Comparator.comparing(Utterance::id));
        return out;
    }

    private static void readChapter(Path trans, List<Utterance> out) throws IOException {
        Path dir = trans.getParent();
        int lineNo = 0;
        for (String line : Files.readAllLines(trans, StandardCharsets.UTF_8)) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String id = space < 0 ? trimmed : trimmed.substring(0, space);
            String text = space < 0 ? "" : trimmed.substring(space + 1).strip();
            String[] parts = id.split("-");
            if (parts.length != 3) {
                throw new AsrException(trans + ":" + lineNo + ": utterance id '" + id
                        + "' is not <speaker>-<chapter>-<utterance>");
            }
            Path audio = AUDIO_EXTENSIONS.stream()
                    .map(ext -> dir.resolve(id + ext))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(() -> new AsrException(trans + ":" + lineNo + ": no audio file for " + id
                            + " (expected " + id + ".flac or .wav in " + dir + ")"));
            out.add(new Utterance(id, parts[0], parts[1], audio, text));
        }
    }
}
