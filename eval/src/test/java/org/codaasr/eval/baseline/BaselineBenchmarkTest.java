package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineBenchmarkTest {

    @Test
    void missingModelIsNamedAndOnlyPocketSphinxRuns(@TempDir Path noModel) {
        DevSet.assumePocketSphinx();
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(noModel);
        String reason = BaselineBenchmark.missingModel(config);
        assertTrue(reason.contains(noModel.resolve("model.onnx").toString()), reason);
        assertTrue(reason.contains("tokens.txt"), reason);

        List<AudioItem> one = List.of(DevSet.item(DevSet.SHORT_UTTERANCE));
        BaselineReport report = new BaselineBenchmark(config, "greedy CTC", PocketSphinxConfig.defaults().withParallelism(1))
                .run(one);
        assertTrue(report.oursRun().isEmpty());
        assertEquals(reason, report.oursMissing());
        assertEquals(1, report.pocketsphinx().report().utterances());
        assertFalse(report.pocketsphinx().report().details().get(0).hypothesis().isBlank());
        assertTrue(report.pocketsphinx().wallSeconds() > 0);
    }

    /** Runs once a model is shipped under asr-model/models/conformer-ctc-small. */
    @Test
    void shippedModelAndPocketSphinxGiveTwoRowsOverTheSameUtterance() {
        DevSet.assumePocketSphinx();
        RecognizerConfig shipped = RecognizerConfig.defaults();
        assumeTrue(BaselineBenchmark.missingModel(shipped) == null, "no shipped model yet: " + shipped.modelDir());
        List<AudioItem> one = List.of(DevSet.item(DevSet.SHORT_UTTERANCE));
        BaselineReport report = new BaselineBenchmark(shipped, "greedy CTC", PocketSphinxConfig.defaults()).run(one);
        assertNull(report.oursMissing());
        assertEquals(2, report.systems().size());
        assertEquals(1, report.comparisons().size());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> utts = (List<Map<String, Object>>) report.toJson().get("per_utterance");
        assertEquals(DevSet.SHORT_UTTERANCE, utts.get(0).get("id"));
        assertTrue(utts.get(0).containsKey("ours_hypothesis"));
    }
}
