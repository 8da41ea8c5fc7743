package org.codaasr.eval.baseline;

import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;
import org.codaasr.eval.EvalReport;
import org.codaasr.eval.LibriSpeechEvaluator;
import org.codaasr.eval.UtteranceResult;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;

/**
 * Runs our recognizer and the pocketsphinx baseline on the same utterances, one system after the other so their
 * timings do not disturb each other. When our model files are missing only pocketsphinx runs and the report says
 * what was expected.
 */
public final class BaselineBenchmark {

    public static final String OURS = "coda-asr";
    public static final String POCKETSPHINX = "pocketsphinx";

    private final RecognizerConfig ours;
    private final String oursDecoding;
    private final PocketSphinxConfig pocketsphinx;

    /**
     * @param ours         our recognizer, normally {@link RecognizerConfig#defaults()} (the shipped model)
     * @param oursDecoding how it decodes, for the report
     * @param pocketsphinx the baseline's installation
     */
    public BaselineBenchmark(RecognizerConfig ours, String oursDecoding, PocketSphinxConfig pocketsphinx) {
        this.ours = ours;
        this.oursDecoding = oursDecoding;
        this.pocketsphinx = pocketsphinx;
    }

    /**
     * Runs both systems; {@code progress} sees each scored utterance with the system's label.
     *
     * @throws PocketSphinxUnavailableException when pocketsphinx is not installed (checked before anything runs)
     */
    public BaselineReport run(List<AudioItem> utterances, Progress progress) {
        pocketsphinx.requireInstalled();
        String missing = missingModel(ours);
        SystemRun oursRun = null;
        if (missing == null) {
            long start = System.nanoTime();
            EvalReport report;
            try (Recognizer recognizer = Recognizer.load(ours)) {
                report = new LibriSpeechEvaluator(recognizer).evaluate(utterances, ours.modelFile().toString(),
                        oursDecoding, r -> progress.scored(OURS, r));
            }
            oursRun = new SystemRun(OURS, report, (System.nanoTime() - start) / 1e9);
        }
        long start = System.nanoTime();
        EvalReport psReport;
        try (PocketSphinxRecognizer recognizer = new PocketSphinxRecognizer(pocketsphinx)) {
            psReport = new PocketSphinxEvaluator(recognizer).evaluate(utterances,
                    r -> progress.scored(POCKETSPHINX, r));
        }
        SystemRun psRun = new SystemRun(POCKETSPHINX, psReport, (System.nanoTime() - start) / 1e9);
        return new BaselineReport(oursRun, missing, psRun);
    }

    public BaselineReport run(List<AudioItem> utterances) {
        return run(utterances, (system, r) -> { });
    }

    /** Null when the model and token files exist, else a line saying which files were expected. */
    public static String missingModel(RecognizerConfig config) {
        boolean model = Files.isRegularFile(config.modelFile());
        boolean tokens = Files.isRegularFile(config.tokensFile());
        if (model && tokens) {
            return null;
        }
        return "our model is missing: expected " + (model ? "" : config.modelFile().toAbsolutePath().normalize())
                + (model || tokens ? "" : " and ") + (tokens ? "" : config.tokensFile().toAbsolutePath().normalize())
                + " (train and export it, or pass --model DIR); no " + OURS + " row";
    }

    /** Sees each utterance as a system scores it. */
    @FunctionalInterface
    public interface Progress {
        void scored(String system, UtteranceResult result);
    }

    /** A {@link Progress} that hands {@code sink} one line per scored utterance: system, id and error count. */
    public static Progress progress(Consumer<String> sink) {
        return (system, r) -> sink.accept(String.format("%-12s %s  errors %d/%d", system, r.id(), r.wer().errors(),
                r.wer().referenceWords()));
    }
}
