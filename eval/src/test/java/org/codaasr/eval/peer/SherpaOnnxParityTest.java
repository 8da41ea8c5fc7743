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
import org.codaasr.model.onnx.OnnxConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
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

    static SherpaOnnxPeer peer;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void installPeer() {
        try {
            peer = SherpaOnnxPeer.install(SherpaOnnxPeer.defaultDir());
        } catch (PeerUnavailableException e) {
            Assumptions.abort("sherpa-onnx-node is not available, parity with sherpa-onnx not checked: "
                    + e.getMessage());
        }
    }

    @Test
    void nemoCtcFixtureDecodesAlikeInBoth() throws IOException {
        assertParity(PeerRequest.Layout.NEMO_CTC, MODELS.resolve("tiny-nemo-ctc/model.onnx"),
                MODELS.resolve("tiny-nemo-ctc/tokens.txt"), audio());
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
            int identical = 0;
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                AudioData audio = AudioDecoder.load(files.get(i), 16000);
                ProjectCtcDecoding.Decoded decoded = ours.decode(audio.samples());
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
}
