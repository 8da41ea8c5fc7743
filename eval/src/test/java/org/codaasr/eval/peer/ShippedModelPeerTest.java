package org.codaasr.eval.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.codaasr.eval.baseline.Pcm16Wav;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This project's shipped model, rewritten into the WeNet CTC layout by the recipe's
 * {@code tools/export_wenet_layout.py}, decoded by sherpa-onnx and by this project on the shipped demo set with the
 * same front end. sherpa-onnx 1.13.8 dithers this layout's features (Gaussian noise, sigma 1 in int16 units, new
 * noise on every pass) and this project does not, so sherpa-onnx's own transcript of a file varies from pass to
 * pass: per file, this project's transcript must be no further from sherpa-onnx's closest pass than its passes are
 * from each other (and the same wherever its passes all agree).
 */
@Tag("peer")
class ShippedModelPeerTest {

    static final Path SHIPPED = Path.of("asr-model/models/conformer-ctc-small");
    static final Path TOOL = Path.of("asr-model/training/tools/export_wenet_layout.py");
    static final Path DEMO = Path.of("demo-data/LibriSpeech/test-other");
    /** Debian's interpreter, which has the onnx package (as for the training smoke test). */
    static final String PYTHON = "/usr/bin/python3";
    static final int PASSES = 8;

    @TempDir
    static Path tmp;

    static SherpaOnnxPeer peer;
    static String unavailable;

    @BeforeEach
    void requirePeer() {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }
    static Path exported;

    @BeforeAll
    static void prepare() throws IOException, InterruptedException {
        try {
            peer = SherpaOnnxPeer.install(SherpaOnnxPeer.defaultDir());
        } catch (PeerUnavailableException e) {
            unavailable = "sherpa-onnx-node is not available, parity with sherpa-onnx not checked: " + e.getMessage();
            return;
        }
        if (unavailable != null) {
            return;
        }
        exported = tmp.resolve("wenet");
        Path log = tmp.resolve("export.log");
        Process p = new ProcessBuilder(PYTHON, TOOL.toString(), "--model", SHIPPED.toString(), "--out",
                exported.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            unavailable = "Debian's python3 with the onnx package is needed to export the shipped model to the WeNet "
                    + "layout: " + readQuietly(log);
        }
    }

    @Test
    void shippedModelInTheWenetLayoutGivesTheTranscriptsOfSherpaOnnx() throws IOException {
        List<Path> wavs = new ArrayList<>();
        for (AudioItem item : LibriSpeechSource.items(DEMO)) {
            Path wav = tmp.resolve(item.utteranceId() + ".wav");
            Pcm16Wav.write(AudioDecoder.load(item.audio(), 16000), wav);
            wavs.add(wav);
        }
        Path model = exported.resolve("model.onnx");
        Path units = exported.resolve("units.txt");
        // sherpa-onnx dithers this layout: each pass over the same files draws new noise, so its transcripts vary
        List<List<PeerResult>> passes = peer.decodePasses(
                new PeerRequest(PeerRequest.Layout.WENET_CTC, model, units, wavs, 1, PASSES));
        WerResult ourDistance = WerResult.empty();
        List<String> outside = new ArrayList<>();
        try (ProjectCtcDecoding decoding = new ProjectCtcDecoding(model, units, OnnxConfig.defaults())) {
            assertEquals(ModelLayout.WENET_CTC, decoding.info().layout(), "the export is read as WeNet's layout");
            for (int i = 0; i < wavs.size(); i++) {
                String ours = words(decoding.decode(AudioDecoder.load(wavs.get(i), 16000).samples()).text());
                Set<String> theirs = new LinkedHashSet<>();
                int closest = Integer.MAX_VALUE;
                int spread = 0;
                for (List<PeerResult> pass : passes) {
                    String text = words(pass.get(i).text());
                    theirs.add(text);
                    closest = Math.min(closest, WerCalculator.compare(text, ours).errors());
                    for (List<PeerResult> other : passes) {
                        spread = Math.max(spread, WerCalculator.compare(text, words(other.get(i).text())).errors());
                    }
                }
                ourDistance = ourDistance.plus(WerCalculator.compare(words(passes.get(0).get(i).text()), ours));
                if (closest > spread) {
                    outside.add(wavs.get(i).getFileName() + ": this project '" + ours + "' differs from sherpa-onnx's "
                            + "closest pass by " + closest + " words, its passes from each other by at most " + spread
                            + ": " + theirs);
                }
                System.out.printf("%s: %d words differ from sherpa-onnx's closest pass; its %d passes gave %d "
                        + "transcript(s), at most %d words apart%n", wavs.get(i).getFileName(), closest, PASSES,
                        theirs.size(), spread);
            }
        }
        System.out.printf("words differing from sherpa-onnx's first pass: %d of %d%n", ourDistance.errors(),
                ourDistance.referenceWords());
        assertEquals(List.of(), outside, "files where this project's transcript is further from sherpa-onnx's "
                + "passes than they are from each other");
    }

    static String words(String text) {
        return String.join(" ", text.strip().split("\\s+"));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
