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
import org.codaasr.model.audio.AudioFileReader;
import org.codaasr.model.audio.FloatArrayBuilder;
import org.codaasr.model.audio.Resampler;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;
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
 * {@code --offline-max-seconds} is decoded the streaming way as the file is read (endpointed segments, the streaming
 * encoder), so memory stays bounded however long the file is.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe audio files (WAV, FLAC, MP3; any rate, any channels; folders recurse; - is stdin).")
public final class TranscribeCommand implements Callable<Integer> {

    static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "flac", "mp3");
    private static final int RATE = 16000;
    /** The pipeline's chunk: 100 ms. */
    private static final int CHUNK_SAMPLES = RATE / 10;
    /** A progress line on stderr per this much audio of a long file. */
    private static final double PROGRESS_EVERY_SECONDS = 300;

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
            String decoding = model.describeDecoding(recognizer);
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
        if ("-".equals(file)) {
            return transcribeWhole(recognizer, file, decoding, readStdin());
        }
        try (AudioFileReader reader = AudioFileReader.open(Path.of(file))) {
            // up to --offline-max-seconds is read whole and decoded at once; longer audio goes on block by block
            FloatArrayBuilder head = new FloatArrayBuilder(1 << 16);
            long offlineLimit = (long) (offlineMaxSeconds * reader.sampleRate());
            boolean ended = false;
            while (head.size() <= offlineLimit && !ended) {
                float[] block = reader.read();
                ended = block == null;
                if (!ended) {
                    head.addAll(block);
                }
            }
            if (ended || !recognizer.supportsStreaming()) {
                // a model that cannot stream (NeMo CTC: per-utterance normalisation) takes any length whole
                for (float[] b = reader.read(); b != null; b = reader.read()) {
                    head.addAll(b);
                }
                return transcribeWhole(recognizer, file, decoding, new AudioData(head.toArray(), reader.sampleRate()));
            }
            return transcribeStreaming(recognizer, file, decoding, reader, head.toArray());
        }
    }

    private FileTranscript transcribeWhole(Recognizer recognizer, String file, String decoding, AudioData audio) {
        long start = System.nanoTime();
        AudioData at16k = audio.sampleRate() == RATE ? audio
                : new AudioData(Resampler.resample(audio.samples(), audio.sampleRate(), RATE), RATE);
        RecognitionResult r = recognizer.transcribe(at16k);
        return new FileTranscript(file, stem(file), r.text(), r.words(),
                recognizer.modelLabel(recognizer.defaultVariant()), recognizer.defaultVariant().reductionFactor(),
                decoding, at16k.durationSeconds(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Long audio: decoded as it is read, resampled with the filter state kept across blocks, fed to one recognizer
     * stream in the pipeline's 100 ms chunks; the endpointer cuts it into segments, so memory stays bounded.
     */
    private FileTranscript transcribeStreaming(Recognizer recognizer, String file, String decoding,
            AudioFileReader reader, float[] head) {
        long start = System.nanoTime();
        RecognizerStream stream = recognizer.createStream();
        Resampler.Stream resampler = new Resampler.Stream(reader.sampleRate(), RATE);
        List<RecognitionResult> finals = new ArrayList<>();
        long fed = 0;
        double nextProgress = PROGRESS_EVERY_SECONDS;
        for (float[] b = head; b != null; b = reader.read()) {
            float[] at16k = resampler.process(b);
            recognizer.feed(stream, at16k, RATE, CHUNK_SAMPLES, finals);
            fed += at16k.length;
            if (fed / (double) RATE >= nextProgress) {
                System.err.printf(Locale.ROOT, "%s: %.1f min of audio, RTF %.3f%n", file, fed / (RATE * 60.0),
                        (System.nanoTime() - start) / 1e9 / (fed / (double) RATE));
                nextProgress += PROGRESS_EVERY_SECONDS;
            }
        }
        float[] rest = resampler.finish();
        recognizer.feed(stream, rest, RATE, CHUNK_SAMPLES, finals);
        fed += rest.length;
        recognizer.finish(stream, finals);
        List<String> parts = new ArrayList<>();
        List<WordInfo> words = new ArrayList<>();
        for (RecognitionResult r : finals) {
            if (!r.isEmpty()) {
                parts.add(r.text());
                words.addAll(r.words());
            }
        }
        return new FileTranscript(file, stem(file), String.join(" ", parts), words,
                recognizer.modelLabel(recognizer.defaultVariant()), recognizer.defaultVariant().reductionFactor(),
                decoding, fed / (double) RATE, (System.nanoTime() - start) / 1e9);
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

    /**
     * Files as given, folders replaced by the audio files under them (sorted), {@code -} kept, and a glob the shell
     * left alone (quoted: {@code "books/**.flac"}) replaced by the files it matches (sorted).
     */
    static List<String> expand(List<String> inputs) throws IOException {
        List<String> files = new ArrayList<>();
        for (String input : inputs) {
            Path p = "-".equals(input) ? null : Path.of(input);
            if (p != null && Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(f -> AUDIO_EXTENSIONS.contains(extension(f)))
                            .map(Path::toString).sorted().forEach(files::add);
                }
            } else if (p != null && !Files.exists(p) && isGlob(input)) {
                files.addAll(glob(input));
            } else {
                files.add(input);
            }
        }
        return files;
    }

    private static boolean isGlob(String input) {
        return input.indexOf('*') >= 0 || input.indexOf('?') >= 0 || input.indexOf('[') >= 0
                || input.indexOf('{') >= 0;
    }

    /** The regular files {@code pattern} matches, searched from its folders before the first wildcard. */
    private static List<String> glob(String pattern) throws IOException {
        String[] parts = pattern.split("/", -1);
        int fixed = 0;
        while (fixed < parts.length - 1 && !isGlob(parts[fixed])) {
            fixed++;
        }
        Path base = fixed == 0 ? Path.of(pattern.startsWith("/") ? "/" : ".")
                : Path.of(String.join("/", java.util.Arrays.copyOf(parts, fixed)) + (pattern.startsWith("/")
                        && fixed == 1 ? "/" : ""));
        java.nio.file.PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        if (!Files.isDirectory(base)) {
            return List.of(pattern); // nothing to search: reported as a missing file
        }
        List<String> out;
        boolean relativeToDot = fixed == 0 && !pattern.startsWith("/");
        try (Stream<Path> walk = Files.walk(base)) {
            out = walk.filter(Files::isRegularFile)
                    .map(f -> relativeToDot ? base.relativize(f) : f)
                    .filter(matcher::matches).map(Path::toString).sorted().toList();
        }
        return out.isEmpty() ? List.of(pattern) : out;
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
