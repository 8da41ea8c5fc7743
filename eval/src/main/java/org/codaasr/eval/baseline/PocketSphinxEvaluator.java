package org.codaasr.eval.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.codaasr.eval.EvalReport;
import org.codaasr.eval.UtteranceResult;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.wer.WerCalculator;

/**
 * Transcribes and scores utterances with pocketsphinx, running up to {@link PocketSphinxConfig#parallelism()}
 * processes at once. Per-utterance processing time covers writing the WAV file and the whole process run (model
 * loading included), not decoding the source audio, like {@link org.codaasr.eval.LibriSpeechEvaluator}.
 */
public final class PocketSphinxEvaluator {

    public static final String SYSTEM_NAME = "pocketsphinx en-us (Debian pocketsphinx_continuous)";

    private final PocketSphinxRecognizer recognizer;

    public PocketSphinxEvaluator(PocketSphinxRecognizer recognizer) {
        this.recognizer = recognizer;
    }

    /** Scores every utterance; {@code progress} sees the results in input order, on the calling thread. */
    public EvalReport evaluate(List<AudioItem> utterances, Consumer<UtteranceResult> progress) {
        ExecutorService pool = Executors.newFixedThreadPool(recognizer.config().parallelism());
        try {
            List<Future<UtteranceResult>> pending = new ArrayList<>(utterances.size());
            for (AudioItem u : utterances) {
                pending.add(pool.submit(() -> score(u)));
            }
            List<UtteranceResult> results = new ArrayList<>(utterances.size());
            for (Future<UtteranceResult> f : pending) {
                UtteranceResult r = await(f);
                results.add(r);
                progress.accept(r);
            }
            return EvalReport.of(SYSTEM_NAME, "default en-us trigram LM, " + recognizer.config().parallelism()
                    + " process(es), one process per file", results);
        } finally {
            pool.shutdownNow();
        }
    }

    private UtteranceResult score(AudioItem u) {
        AudioData audio = AudioDecoder.load(u.audio(), PocketSphinxRecognizer.SAMPLE_RATE);
        long start = System.nanoTime();
        String hyp = recognizer.transcribe(audio, u.audio().toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        String ref = u.reference().orElse("");
        return new UtteranceResult(u.utteranceId(), u.speaker(), ref, hyp, WerCalculator.compare(ref, hyp),
                audio.durationSeconds(), seconds);
    }

    private static UtteranceResult await(Future<UtteranceResult> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new AsrException("pocketsphinx evaluation failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while waiting for pocketsphinx", e);
        }
    }
}
