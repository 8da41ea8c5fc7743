package org.codaasr.eval.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.codaasr.eval.baseline.Pcm16Wav;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.features.SherpaOnnxFbank;
import org.codaasr.model.features.SherpaOnnxFbankConfig;
import org.codaasr.model.onnx.OnnxConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sherpa-onnx itself (sherpa-onnx-node, installed by npm on first use) and this project decode the same audio with
 * the same random-weight contract models and the same front end (sherpa-onnx's, per layout): the same greedy tokens
 * at the same output frames, wherever the best two log-probabilities are more than 1e-3 apart. Skipped, with the
 * reason, only where Node.js, npm or the package cannot be had.
 */
@Tag("peer")
class SherpaOnnxParityTest {

    static final Path MODELS = Path.of("asr-model/src/test/resources/models");
    static final Path INPUT = MODELS.resolve("tiny-nemo-ctc/input.wav");
    static final Path DEMO = Path.of("demo-data/LibriSpeech/test-other");

    // the feature probe's levels (make_layout_fixtures.py): token Lk is PROBE_LOW + (k - 1) * PROBE_STEP
    static final double PROBE_LOW = -20.0;
    static final double PROBE_HIGH = 30.0;
    static final double PROBE_STEP = 0.025;
    // the dither (sigma 1 in int16 units) adds at most e^8.47 to a bin's energy (povey window, pre-emphasis, 20-7600 Hz);
    // the cross term of signal and noise moves a bin by about 2 sqrt(noise / signal), under 0.005 from e^12 times more
    static final double DITHER_SAFE_LOG_ENERGY = 20.5;

    static SherpaOnnxPeer peer;
    static String unavailable;

    @BeforeEach
    void requirePeer() {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }

    @TempDir
    static Path tmp;

    @BeforeAll
    static void installPeer() {
        try {
            peer = SherpaOnnxPeer.install(SherpaOnnxPeer.defaultDir());
        } catch (PeerUnavailableException e) {
            unavailable = "sherpa-onnx-node is not available, parity with sherpa-onnx not checked: " + e.getMessage();
            return;
        }
    }

    @Test
    void nemoCtcFixtureDecodesAlikeInBoth() throws IOException {
        assertParity(PeerRequest.Layout.NEMO_CTC, MODELS.resolve("tiny-nemo-ctc/model.onnx"),
                MODELS.resolve("tiny-nemo-ctc/tokens.txt"), audio());
    }

    /**
     * NeMo's cache-aware streaming CTC contract through sherpa-onnx's OnlineRecognizer and through this project's
     * {@code NemoStreamingCtcModel}, chunk by chunk with the three caches carried, on sherpa-onnx's online features.
     */
    @Test
    void nemoStreamingCtcFixtureDecodesAlikeInBoth() throws IOException {
        Path dir = MODELS.resolve("tiny-nemo-streaming-ctc");
        List<Path> files = audio();
        List<PeerResult> theirs = peer.decode(PeerRequest.of(PeerRequest.Layout.NEMO_CTC_ONLINE,
                dir.resolve("model.onnx"), dir.resolve("tokens.txt"), files));
        try (ProjectNemoStreamingDecoding ours = new ProjectNemoStreamingDecoding(dir.resolve("model.onnx"),
                dir.resolve("tokens.txt"), OnnxConfig.defaults())) {
            compare(PeerRequest.Layout.NEMO_CTC_ONLINE, files, theirs,
                    f -> ours.decode(AudioDecoder.load(f, 16000).samples()));
        }
    }

    /**
     * The WeNet layout: sherpa-onnx 1.13.8 dithers its features (Gaussian noise, sigma 1 in int16 units, drawn anew for
     * every pass), so a random model's tokens cannot be compared; the feature probe (a WeNet-layout graph that makes
     * the greedy decoder spell out its input, 0.025 apart) shows sherpa-onnx's features value by value instead. Where
     * a bin holds far more energy than the dither adds (log energy above 20.5, e^12 times the dither's largest share,
     * so that even the cross term of signal and noise moves it by less than 0.005), they must be this project's {@code forWenetCtc()} features to within the probe's resolution.
     */
    @Test
    void wenetFeaturesAreSherpaOnnxsWhereItsDitherCannotMatter() throws IOException {
        Path probe = MODELS.resolve("tiny-wenet-probe");
        // the probe's output is 160 x 2002 values per 10 ms of audio: the fixture's input and 2 s of speech
        Path speech = tmp.resolve("speech-2s.wav");
        float[] demo = AudioDecoder.load(demoWavs(1).get(0), 16000).samples();
        Pcm16Wav.write(new AudioData(java.util.Arrays.copyOfRange(demo, 16000, 48000), 16000), speech);
        List<Path> files = List.of(INPUT, speech);
        List<PeerResult> theirs = peer.decode(PeerRequest.of(PeerRequest.Layout.WENET_CTC,
                probe.resolve("model.onnx"), probe.resolve("units.txt"), files));
        SherpaOnnxFbank fbank = new SherpaOnnxFbank(SherpaOnnxFbankConfig.forWenetCtc());
        for (int i = 0; i < files.size(); i++) {
            float[][] ours = fbank.compute(AudioDecoder.load(files.get(i), 16000).samples());
            List<String> levels = theirs.get(i).tokens();
            assertEquals(ours.length * ours[0].length, levels.size(), "one probe token per feature value");
            int compared = 0;
            double worst = 0;
            double quietShift = 0;
            int quiet = 0;
            for (int t = 0; t < ours.length; t++) {
                for (int b = 0; b < ours[t].length; b++) {
                    double value = PROBE_LOW + (Integer.parseInt(levels.get(t * ours[t].length + b).substring(1)) - 1)
                            * PROBE_STEP;
                    if (ours[t][b] >= DITHER_SAFE_LOG_ENERGY && ours[t][b] < PROBE_HIGH) {
                        compared++;
                        worst = Math.max(worst, Math.abs(value - ours[t][b]));
                    } else if (ours[t][b] < DITHER_SAFE_LOG_ENERGY) {
                        quiet++;
                        quietShift += value - ours[t][b];
                    }
                }
            }
            System.out.printf("WeNet features of %s: %d values compared, largest difference %.4f (probe step %.3f); "
                    + "%d quieter values, sherpa-onnx's %.2f higher on average (its dither)%n",
                    files.get(i).getFileName(), compared, worst, PROBE_STEP, quiet, quiet == 0 ? 0 : quietShift / quiet);
            assertTrue(compared >= 500, "too few values above the dither to compare: "
                    + compared);
            assertTrue(worst <= PROBE_STEP / 2 + 0.005, "largest difference " + worst);
        }
    }

    /** The fixture's own input and three demo utterances, as 16-bit WAV (what sherpa-onnx's reader takes). */
    static List<Path> audio() throws IOException {
        List<Path> files = new ArrayList<>(List.of(INPUT));
        files.addAll(demoWavs(3));
        return files;
    }

    static List<Path> demoWavs(int limit) throws IOException {
        List<Path> files = new ArrayList<>();
        for (AudioItem item : LibriSpeechSource.items(DEMO)) {
            if (files.size() == limit) {
                break;
            }
            Path wav = tmp.resolve(item.utteranceId() + ".wav");
            if (!Files.exists(wav)) {
                Pcm16Wav.write(AudioDecoder.load(item.audio(), 16000), wav);
            }
            files.add(wav);
        }
        return files;
    }

    static void assertParity(PeerRequest.Layout layout, Path model, Path tokens, List<Path> files) {
        List<PeerResult> theirs = peer.decode(PeerRequest.of(layout, model, tokens, files));
        try (ProjectCtcDecoding ours = new ProjectCtcDecoding(model, tokens, OnnxConfig.defaults())) {
            compare(layout, files, theirs, f -> ours.decode(AudioDecoder.load(f, 16000).samples()));
        }
    }

    static void compare(PeerRequest.Layout layout, List<Path> files, List<PeerResult> theirs,
                        java.util.function.Function<Path, ProjectCtcDecoding.Decoded> ours) {
        int identical = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            ProjectCtcDecoding.Decoded decoded = ours.apply(files.get(i));
            PeerComparison c = PeerComparison.of(decoded, theirs.get(i), PeerComparison.TIE_GAP);
            System.out.printf("%s %s: %d tokens here, %d in sherpa-onnx, %s; near-ties at frames %s%s%n",
                    layout, files.get(i).getFileName(), decoded.tokens().size(), theirs.get(i).tokens().size(),
                    c.identical() ? "identical" : "differing", c.nearTies(),
                    c.excused().isEmpty() ? "" : ", excused by them: " + c.excused());
            identical += c.identical() ? 1 : 0;
            if (!c.passes()) {
                failures.add(files.get(i).getFileName() + ": " + c.unexplained() + " (this " + decoded.tokens()
                        + " at " + java.util.Arrays.toString(decoded.frames()) + ", sherpa-onnx "
                        + theirs.get(i).tokens() + " at " + java.util.Arrays.toString(theirs.get(i).timestamps())
                        + ")");
            }
        }
        assertEquals(List.of(), failures, "emissions that no near-tie explains");
        assertTrue(identical > 0, "at least one file decodes identically");
    }
}
