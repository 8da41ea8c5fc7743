package org.codaasr.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;

/** Transcribes a LibriSpeech tree with a shared recognizer and scores it. */
public final class LibriSpeechEvaluator {

    private final Recognizer recognizer;
    private final boolean streaming;

    /** Offline evaluation: each utterance decoded whole, with full attention context. */
    public LibriSpeechEvaluator(Recognizer recognizer) {
        this(recognizer, false);
    }

    /**
     * @param streaming decode each utterance as a live stream (100 ms chunks, chunked encoder windows, endpointing),
     *     exactly as the Kafka Streams pipeline does, and score the stream's finals joined
     */
    public LibriSpeechEvaluator(Recognizer recognizer, boolean streaming) {
        this.recognizer = recognizer;
        this.streaming = streaming;
    }

    private String transcribe(AudioData audio) {
        if (!streaming) {
            return recognizer.transcribe(audio).text();
        }
        return recognizer.transcribeStreaming(audio, audio.sampleRate() / 10).stream()
                .map(RecognitionResult::text)
                .filter(t -> !t.isBlank())
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /** Evaluates every utterance; {@code progress} sees each result as it is scored. */
    public EvalReport evaluate(List<AudioItem> utterances, String modelName, String decoding,
            Consumer<UtteranceResult> progress) {
        List<UtteranceResult> results = new ArrayList<>(utterances.size());
        for (AudioItem u : utterances) {
            AudioData audio = AudioDecoder.load(u.audio(), 16000);
            long start = System.nanoTime();
            String hyp = transcribe(audio);
            double seconds = (System.nanoTime() - start) / 1e9;
            WerResult wer = WerCalculator.compare(u.reference().orElse(""), hyp);
            UtteranceResult r = new UtteranceResult(u.utteranceId(), u.speaker(), u.reference().orElse(""), hyp, wer,
                    audio.durationSeconds(), seconds);
            results.add(r);
            progress.accept(r);
        }
        return EvalReport.of(modelName, decoding, results);
    }

    /** Writes one block per utterance: id, the sclite-style REF/HYP/EVAL alignment and its counts. */
    public static void writeAlignments(EvalReport report, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (UtteranceResult r : report.details()) {
                WerResult wer = r.wer();
                w.write(String.format("id: %s  S=%d D=%d I=%d N=%d%n", r.id(), wer.substitutions(), wer.deletions(),
                        wer.insertions(), wer.referenceWords()));
                w.write(wer.alignmentText());
                w.write(System.lineSeparator());
            }
        } catch (IOException e) {
            throw new AsrException("cannot write alignment file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code <id> <HYPOTHESIS>} lines, the trn-like format other scorers read. */
    public static void writeHypotheses(EvalReport report, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (UtteranceResult r : report.details()) {
                w.write(r.id() + " " + r.hypothesis() + System.lineSeparator());
            }
        } catch (IOException e) {
            throw new AsrException("cannot write hypothesis file " + file + ": " + e.getMessage(), e);
        }
    }
}
