package org.codaasr.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.AsrException;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real pocketsphinx binary; skipped where it is not installed. */
class PocketSphinxRecognizerTest {

    @Test
    void transcribesAShortDevUtteranceWithSomeCorrectWords() {
        DevSet.assumePocketSphinx();
        AudioItem item = DevSet.item(DevSet.SHORT_UTTERANCE);
        String hyp;
        try (PocketSphinxRecognizer recognizer = new PocketSphinxRecognizer(PocketSphinxConfig.defaults())) {
            hyp = recognizer.transcribe(item.audio());
        }
        assertFalse(hyp.isBlank(), "empty hypothesis");
        assertTrue(hyp.equals(hyp.toUpperCase()), hyp);
        WerResult wer = WerCalculator.compare(item.reference().orElseThrow(), hyp);
        assertTrue(wer.correct() >= 1, "no correct word: REF " + item.reference().orElseThrow() + " / HYP " + hyp);
    }

    @Test
    void aFailingRunReportsPocketSphinxsOwnErrorAndTheFile(@TempDir Path dir) throws Exception {
        DevSet.assumePocketSphinx();
        Path brokenModel = Files.createDirectories(dir.resolve("en-us"));
        Files.writeString(brokenModel.resolve("mdef"), "not a model definition\n");
        PocketSphinxConfig defaults = PocketSphinxConfig.defaults();
        PocketSphinxConfig broken = new PocketSphinxConfig(defaults.binary(), brokenModel, defaults.languageModel(),
                defaults.dictionary(), Duration.ofSeconds(30), 1);
        AudioItem item = DevSet.item(DevSet.SHORT_UTTERANCE);
        try (PocketSphinxRecognizer recognizer = new PocketSphinxRecognizer(broken)) {
            AsrException e = assertThrows(AsrException.class, () -> recognizer.transcribe(item.audio()));
            assertTrue(e.getMessage().contains("exited with status"), e.getMessage());
            assertTrue(e.getMessage().contains(item.audio().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("ERROR") || e.getMessage().contains("FATAL"), e.getMessage());
        }
    }

    @Test
    void aRunPastItsTimeoutIsKilledAndReported() {
        DevSet.assumePocketSphinx();
        AudioItem item = DevSet.item(DevSet.SHORT_UTTERANCE);
        PocketSphinxConfig impatient = PocketSphinxConfig.defaults().withTimeout(Duration.ofMillis(1));
        try (PocketSphinxRecognizer recognizer = new PocketSphinxRecognizer(impatient)) {
            AsrException e = assertThrows(AsrException.class, () -> recognizer.transcribe(item.audio()));
            assertTrue(e.getMessage().contains("took longer than"), e.getMessage());
        }
    }
}
