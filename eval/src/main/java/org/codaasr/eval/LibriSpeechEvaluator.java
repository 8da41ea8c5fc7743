package org.codaasr.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.codaasr.ingest.AudioItem;
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

    public LibriSpeechEvaluator(Recognizer recognizer) {
        this.recognizer = recognizer;
    }

    /** Evaluates every utterance; {@code progress} sees each result as it is scored. */
    public EvalReport evaluate(List<AudioItem> utterances, String modelName, String decoding,
            Consumer<UtteranceResult> progress) {
        List<UtteranceResult> results = new ArrayList<>(utterances.size());
        for (AudioItem u : utterances) {
            AudioData audio = AudioDecoder.load(u.audio(), 16000);
            long start = System.nanoTime();
            RecognitionResult hyp = recognizer.transcribe(audio);
            double seconds = (System.nanoTime() - start) / 1e9;
            WerResult wer = WerCalculator.compare(u.reference().orElse(""), hyp.text());
            UtteranceResult r = new UtteranceResult(u.utteranceId(), u.speaker(), u.reference().orElse(""), hyp.text(), wer,
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
