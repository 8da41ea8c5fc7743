package org.codaasr.model.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training recipe end to end at toy scale (prepare a handful of real files, train a few steps, resume, export),
 * then the exported ONNX files run in Java. Needs Debian's python3-torch, python3-torchaudio, python3-onnx,
 * python3-sentencepiece and opus-tools, which {@code .ci/run} installs; skipped with a message where they are missing.
 */
@Tag("shared-data")
class TrainingSmokeTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path DEV_FLAC = DataSets.demoUtterance("3005-163389-0007");

    /** The recipe prepares its toy training set from the data folder's training speech. */
    static Path sharedData() {
        Optional<Path> data = DataSets.dataDir();
        assumeTrue(data.isPresent(), "shared data missing: no data folder (set ASR_DATA, or ../shared/data beside the"
                + " repository): training smoke test skipped");
        return data.get();
    }

    @Test
    void recipeTrainsResumesAndExportsAModelThatRunsInJava(@TempDir Path tmp) throws Exception {
        assumeTrue(pythonHasTraining(), "python3-torch/torchaudio/onnx/sentencepiece not installed: training smoke test skipped");
        sharedData();
        Path log = tmp.resolve("smoke.log");
        Process p = new ProcessBuilder("bash", "asr-model/training/smoke_test.sh", tmp.resolve("work").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = p.waitFor(15, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished, "smoke training did not finish in 15 minutes:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("smoke test OK"), output);

        // CoDA on top of it: routers + adapters trained a few steps on the smoke data, exported, checked
        Path codaLog = tmp.resolve("coda.log");
        ProcessBuilder coda = new ProcessBuilder("bash", "asr-model/training/coda_smoke_test.sh")
                .redirectErrorStream(true)
                .redirectOutput(codaLog.toFile());
        coda.environment().put("CODA_DATA", tmp.resolve("work/data").toString());
        Process c = coda.start();
        assertTrue(c.waitFor(10, TimeUnit.MINUTES), "CoDA smoke test did not finish in 10 minutes");
        String codaOutput = Files.readString(codaLog, StandardCharsets.UTF_8);
        assertEquals(0, c.exitValue(), codaOutput);
        assertTrue(codaOutput.contains("coda smoke test OK"), codaOutput);

        Path export = tmp.resolve("work/export");
        AudioData audio = AudioDecoder.load(DEV_FLAC, 16000);
        for (boolean int8 : new boolean[] {false, true}) {
            RecognizerConfig config = RecognizerConfig.defaults().withModelDir(export).withInt8(int8);
            assertTrue(Files.isRegularFile(config.modelFile()), config.modelFile().toString());
            try (Recognizer recognizer = Recognizer.load(config)) {
                float[][] lp = recognizer.logProbs(audio);
                int frames = 1 + (audio.samples().length - 400) / 160;
                int s = recognizer.modelInfo().subsamplingFactor();
                assertEquals((frames - (2 * s - 1)) / s + 1, lp.length, "output frames of " + config.modelFile());
                RecognitionResult r = recognizer.transcribe(audio);
                assertTrue(r.isFinal());
            }
        }

        // the word-piece head: tokens.txt lists the 40 pieces, which the recognizer reads as its vocabulary
        Path bpe = tmp.resolve("work/export-bpe");
        try (Recognizer recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(bpe))) {
            assertEquals(40, recognizer.logProbs(audio)[0].length);
            assertEquals("<unk>", recognizer.vocabulary().token(1));
            assertTrue(recognizer.transcribe(audio).isFinal());
        }
    }

    /**
     * The one-call device job at toy scale on the CPU with the word-piece routing design (a 40-piece vocabulary
     * trained on the host, speed perturbation, a forced plateau stop and the retry, the joint routing-aware stage with
     * dense first and last layers and guided routers, CoDA, timing, the fp16 hand-back), then run.sh stages 5-7 turn
     * the hand-back into a folder with fp16 shared weights that Java loads: dense, int8 and CoDA r=4.
     */
    @Test
    void deviceSessionHandsBackAModelThatShipsAndRunsInJava(@TempDir Path tmp) throws Exception {
        assumeTrue(pythonHasTraining(), "python3-torch/torchaudio/onnx not installed: device-session smoke skipped");
        Path shared = sharedData();
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("session.log");
        ProcessBuilder session = new ProcessBuilder("bash", "asr-model/training/gpu_session.sh", "--smoke",
                "--budget-s", "240", "--shared", shared.toString(), "--bpe", "40", "--joint", "0.3")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        session.environment().put("OUT", out.toString());
        session.environment().put("WORK", tmp.resolve("work").toString());
        session.environment().put("PYTHON", PYTHON.toString());
        Process p = session.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "device session smoke did not finish in 10 minutes");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("PLATEAU") && output.contains("attempt backbone-retry rc=0"),
                "the forced plateau stop and the retry:\n" + output);
        assertTrue(output.contains("joint rc=0"), "the joint routing-aware stage:\n" + output);
        for (String f : new String[] {"backbone.part0.pt", "bpe.model", "coda.pt", "coda-adapter.pt", "logs.tgz"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f + " handed back:\n" + output);
        }

        Path shipped = tmp.resolve("shipped");
        Path shipLog = tmp.resolve("ship.log");
        ProcessBuilder ship = new ProcessBuilder("bash", "asr-model/training/run.sh", "--from-handback", out.toString(),
                "--stage", "5", "--stop-stage", "7", "--share-weights", "fp16", "--data",
                tmp.resolve("work/data").toString(), "--run-dir", tmp.resolve("ship-run").toString(), "--ship-dir",
                shipped.toString())
                .redirectErrorStream(true)
                .redirectOutput(shipLog.toFile());
        ship.environment().put("PYTHON", PYTHON.toString());
        Process sp = ship.start();
        assertTrue(sp.waitFor(10, TimeUnit.MINUTES), "run.sh --from-handback did not finish in 10 minutes");
        String shipOutput = Files.readString(shipLog, StandardCharsets.UTF_8);
        assertEquals(0, sp.exitValue(), shipOutput);
        assertTrue(Files.isRegularFile(shipped.resolve("weights.bin")), shipOutput);
        // CoDA trained on r = 2, 4, 8; the parallel-adapter graph comes from the separate r = 1 run
        assertTrue(Files.readString(shipped.resolve("coda-card.json"), StandardCharsets.UTF_8)
                .contains("r=1 adapters from"), shipOutput);

        AudioData audio = AudioDecoder.load(DEV_FLAC, 16000);
        RecognizerConfig base = RecognizerConfig.defaults().withModelDir(shipped);
        for (RecognizerConfig config : new RecognizerConfig[] {base, base.withInt8(true), base.withVariant(CodaVariant.CODA_R4)}) {
            try (Recognizer recognizer = Recognizer.load(config)) {
                assertEquals(40, recognizer.vocabulary().size(), "the word-piece head: " + config.modelFile());
                if (config.variant() == CodaVariant.CODA_R4) {
                    assertEquals("1", recognizer.modelInfo().metadata().get("coda_dense_last_layers"),
                            "the last layer stays dense");
                }
                float[][] lp = recognizer.logProbs(audio);
                assertTrue(lp.length > 0 && lp[0].length == recognizer.modelInfo().vocabSize(),
                        "log-probs from " + config.modelFile());
                assertTrue(recognizer.transcribe(audio).isFinal());
            }
        }
    }

    private static boolean pythonHasTraining() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON) || !Files.isDirectory(DEV_FLAC.getParent())) {
            return false;
        }
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchaudio, onnx, sentencepiece")
                .redirectErrorStream(true)
                .start();
        check.getInputStream().readAllBytes();
        return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
    }
}
