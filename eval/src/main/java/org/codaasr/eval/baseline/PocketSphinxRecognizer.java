package org.codaasr.eval.baseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.audio.Resampler;

/**
 * The classic-recognizer baseline: runs Debian's {@code pocketsphinx_continuous} once per utterance on a temporary
 * 16 kHz 16-bit WAV file and returns its hypothesis normalized like LibriSpeech references. Each call starts a fresh
 * process (which loads the model again, about a second), so it is simple and isolated rather than fast.
 * Thread-safe: every call uses its own files in the temporary folder this object holds until {@link #close()}.
 */
public final class PocketSphinxRecognizer implements AutoCloseable {

    /** The rate the en-us model was trained at and pocketsphinx expects by default. */
    public static final int SAMPLE_RATE = 16000;

    private static final int MAX_DIAGNOSTIC_CHARS = 2000;

    private final PocketSphinxConfig config;
    private final Path workDir;
    private final AtomicLong calls = new AtomicLong();

    /** @throws PocketSphinxUnavailableException when the binary or a model file is missing */
    public PocketSphinxRecognizer(PocketSphinxConfig config) {
        config.requireInstalled();
        this.config = config;
        try {
            this.workDir = Files.createTempDirectory("pocketsphinx-");
        } catch (IOException e) {
            throw new AsrException("cannot create a temporary folder for pocketsphinx input files: " + e.getMessage(),
                    e);
        }
    }

    public PocketSphinxConfig config() {
        return config;
    }

    /** Decodes any WAV/FLAC/MP3 file to 16 kHz mono and transcribes it. */
    public String transcribe(Path audioFile) {
        return transcribe(AudioDecoder.load(audioFile, SAMPLE_RATE), audioFile.toString());
    }

    /** Transcribes mono audio (resampled to 16 kHz when needed); {@code sourceName} only labels error messages. */
    public String transcribe(AudioData audio, String sourceName) {
        AudioData at16k = audio.sampleRate() == SAMPLE_RATE ? audio
                : new AudioData(Resampler.resample(audio.samples(), audio.sampleRate(), SAMPLE_RATE), SAMPLE_RATE);
        String stem = "utt-" + calls.incrementAndGet();
        Path wav = workDir.resolve(stem + ".wav");
        Path stdout = workDir.resolve(stem + ".out");
        Path stderr = workDir.resolve(stem + ".err");
        Path log = workDir.resolve(stem + ".log");
        try {
            Pcm16Wav.write(at16k, wav);
            run(wav, stdout, stderr, log, sourceName);
            return PocketSphinxOutput.hypothesis(Files.readString(stdout, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AsrException("cannot read pocketsphinx output " + stdout + " for " + sourceName + ": "
                    + e.getMessage(), e);
        } finally {
            for (Path p : List.of(wav, stdout, stderr, log)) {
                deleteQuietly(p);
            }
        }
    }

    private void run(Path wav, Path stdout, Path stderr, Path log, String sourceName) {
        List<String> command = List.of(config.binary().toString(), "-infile", wav.toString(),
                "-hmm", config.acousticModel().toString(), "-lm", config.languageModel().toString(),
                "-dict", config.dictionary().toString(), "-logfn", log.toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new AsrException("cannot start " + config.binary() + " for " + sourceName + ": " + e.getMessage()
                    + " (install the Debian packages " + PocketSphinxConfig.DEBIAN_PACKAGES + ")", e);
        }
        try {
            if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AsrException("pocketsphinx_continuous took longer than " + config.timeout().toSeconds()
                        + " s on " + sourceName + "; killed it");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while pocketsphinx_continuous ran on " + sourceName, e);
        }
        if (process.exitValue() != 0) {
            throw new AsrException("pocketsphinx_continuous exited with status " + process.exitValue() + " on "
                    + sourceName + " (expected 0): " + diagnostics(log, stderr));
        }
    }

    /** With {@code -logfn} pocketsphinx writes its messages to the log; its ERROR and FATAL lines say what failed. */
    private static String diagnostics(Path log, Path stderr) {
        List<String> lines = new ArrayList<>();
        for (Path p : List.of(log, stderr)) {
            try {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (p.equals(stderr) ? !line.isBlank() : line.startsWith("ERROR") || line.startsWith("FATAL")) {
                        lines.add(line.strip());
                    }
                }
            } catch (IOException e) {
                lines.add("(cannot read " + p.getFileName() + ": " + e.getMessage() + ")");
            }
        }
        String text = lines.isEmpty() ? "no error message in its log or stderr" : String.join(" | ", lines);
        return text.length() <= MAX_DIAGNOSTIC_CHARS ? text : text.substring(0, MAX_DIAGNOSTIC_CHARS) + "...";
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is removed with the folder in close()
        }
    }

    /** Deletes the temporary folder. */
    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(PocketSphinxRecognizer::deleteQuietly);
        } catch (IOException ignored) {
            // the folder is in java.io.tmpdir; failing to clean it must not hide the run's result
        }
    }
}
