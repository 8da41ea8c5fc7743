package org.codaasr.app;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code asr transcribe FILE...}: one line per file, {@code <file-stem> <TRANSCRIPT>}. */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe audio files (WAV, FLAC, MP3; any rate, any channels) and print <stem> <TRANSCRIPT>.")
public final class TranscribeCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "audio files")
    List<Path> files;

    @Override
    public Integer call() {
        int failures = 0;
        try (Recognizer recognizer = Recognizer.load(model.toConfig())) {
            for (Path file : files) {
                String stem = stem(file);
                try {
                    RecognitionResult r = recognizer.transcribe(AudioDecoder.load(file, 16000));
                    System.out.println(stem + " " + r.text());
                } catch (AsrException e) {
                    failures++;
                    System.err.println("error: " + e.getMessage());
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
