package org.codaasr.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.codaasr.app.output.FileTranscript;
import org.codaasr.app.output.TranscriptFormat;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.audio.Resampler;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asr transcribe FILE|DIR|-...}: transcripts as text, JSON, SRT, WebVTT or TSV. Folders are searched for
 * audio files recursively; {@code -} reads one audio file from standard input. Audio longer than
 * {@code --offline-max-seconds} is decoded the streaming way (endpointed segments, chunked encoder), so memory stays
 * bounded however long the file is.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe audio files (WAV, FLAC, MP3; any rate, any channels; folders recurse; - is stdin).")
public final class TranscribeCommand implements Callable<Integer> {

    static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "flac", "mp3");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "audio files, folders (searched recursively) or -")
    List<String> inputs;

    @Option(names = "--format", paramLabel = "F", defaultValue = "text",
            description = "text, json, srt, vtt or tsv (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "write <stem>.<format> per input file here instead of to standard output")
    Path outputDir;

    @Option(names = "--offline-max-seconds", paramLabel = "S", defaultValue = "60",
            description = "longer audio is decoded the streaming way, in bounded memory (default: ${DEFAULT-VALUE})")
    double offlineMaxSeconds;

    @Override
    public Integer call() throws IOException {
        TranscriptFormat fmt = parseFormat();
        List<String> files = expand(inputs);
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no audio files (" + AUDIO_EXTENSIONS + ") in " + inputs);
        }
        if (fmt.isOneFilePerOutput() && files.size() > 1 && outputDir == null) {
            throw new ParameterException(spec.commandLine(), "--format " + format + " holds one file per output: give "
                    + "--output-dir DIR for " + files.size() + " files");
        }
        if (outputDir != null) {
            Files.createDirectories(outputDir);
        }
        PrintStream err = System.err;
        boolean progress = files.size() > 1;
        int failures = 0;
        double audioTotal = 0;
        long started = System.nanoTime();
        try (Recognizer recognizer = Recognizer.load(model.toConfig())) {
            String decoding = model.describeDecoding();
            for (int i = 0; i < files.size(); i++) {
                String file = files.get(i);
                try {
                    FileTranscript t = transcribe(recognizer, file, decoding);
                    audioTotal += t.audioSeconds();
                    write(fmt, t);
                    if (progress) {
                        err.printf(Locale.ROOT, "[%d/%d] %s: %.1f s of audio, RTF %.3f%n", i + 1, files.size(), file,
                                t.audioSeconds(), t.processingSeconds() / Math.max(1e-9, t.audioSeconds()));
                    }
                } catch (AsrException e) {
                    failures++;
                    err.println("error: " + e.getMessage());
                }
            }
        }
        if (progress) {
            double wall = (System.nanoTime() - started) / 1e9;
            err.printf(Locale.ROOT, "%d files, %d failed, %.1f s of audio in %.1f s (RTF %.3f)%n", files.size(),
                    failures, audioTotal, wall, audioTotal > 0 ? wall / audioTotal : 0);
        }
        return failures == 0 ? 0 : 1;
    }

    private TranscriptFormat parseFormat() {
        try {
            return TranscriptFormat.valueOf(format.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--format must be text, json, srt, vtt or tsv, got '"
                    + format + "'");
        }
    }

    private FileTranscript transcribe(Recognizer recognizer, String file, String decoding) {
        AudioData audio = "-".equals(file) ? readStdin() : AudioDecoder.decode(Path.of(file));
        long start = System.nanoTime();
        int rate = 16000;
        AudioData at16k = audio.sampleRate() == rate ? audio
                : new AudioData(Resampler.resample(audio.samples(), audio.sampleRate(), rate), rate);
        String text;
        List<WordInfo> words = new ArrayList<>();
        // a model that cannot stream (NeMo CTC: per-utterance normalisation) takes any length whole
        if (at16k.durationSeconds() <= offlineMaxSeconds || !recognizer.supportsStreaming()) {
            RecognitionResult r = recognizer.transcribe(at16k);
            text = r.text();
            words.addAll(r.words());
        } else {
            List<String> parts = new ArrayList<>();
            for (RecognitionResult r : recognizer.transcribeStreaming(at16k, rate / 10)) {
                if (!r.isEmpty()) {
                    parts.add(r.text());
                    words.addAll(r.words());
                }
            }
            text = String.join(" ", parts);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new FileTranscript(file, stem(file), text, words, recognizer.modelLabel(recognizer.defaultVariant()),
                recognizer.defaultVariant().reductionFactor(), decoding, at16k.durationSeconds(), seconds);
    }

    private static AudioData readStdin() {
        try (InputStream in = System.in) {
            return AudioDecoder.decode(in.readAllBytes(), "standard input");
        } catch (IOException e) {
            throw new AsrException("cannot read audio from standard input: " + e.getMessage(), e);
        }
    }

    private void write(TranscriptFormat fmt, FileTranscript t) throws IOException {
        String out = fmt.format(t);
        if (outputDir == null) {
            System.out.print(out);
            System.out.flush();
        } else {
            Files.writeString(outputDir.resolve(t.stem() + "." + fmt.extension()), out, StandardCharsets.UTF_8);
        }
    }

    /** Files as given, folders replaced by the audio files under them (sorted), {@code -} kept. */
    static List<String> expand(List<String> inputs) throws IOException {
        List<String> files = new ArrayList<>();
        for (String input : inputs) {
            Path p = Path.of(input);
            if (!"-".equals(input) && Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(f -> AUDIO_EXTENSIONS.contains(extension(f)))
                            .map(Path::toString).sorted().forEach(files::add);
                }
            } else {
                files.add(input);
            }
        }
        return files;
    }

    private static String extension(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String stem(String file) {
        if ("-".equals(file)) {
            return "stdin";
        }
        String name = Path.of(file).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
