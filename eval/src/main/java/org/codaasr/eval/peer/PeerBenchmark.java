package org.codaasr.eval.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.codaasr.eval.baseline.Pcm16Wav;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.onnx.ExecutionProvider;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;

/**
 * {@code asr bench peer}: sherpa-onnx (sherpa-onnx-node) and this project decode the same files with the same model
 * and the same front end (sherpa-onnx's for the layout) in one run, greedy, at each thread count: real-time factor of
 * each (decoding only: features, model, search; files are read beforehand on both sides; warm-up passes first; the
 * fastest of several rounds, each a sherpa-onnx pass then a pass here), and the words where this project's
 * transcripts differ from sherpa-onnx's.
 */
public final class PeerBenchmark {

    private final Path modelDir;
    private final Path data;
    private final List<Integer> threads;
    private final int limit;
    private final int rounds;
    private final Path workDir;
    private final Consumer<String> log;

    public PeerBenchmark(Path modelDir, Path data, List<Integer> threads, int limit, int rounds, Path workDir,
                         Consumer<String> log) {
        if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
            throw new IllegalArgumentException("thread counts must be >= 1, got " + threads);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        this.rounds = rounds;
        this.modelDir = modelDir;
        this.data = data;
        this.threads = List.copyOf(threads);
        this.limit = limit;
        this.workDir = workDir;
        this.log = log;
    }

    public PeerBenchReport run() {
        SherpaOnnxPeer peer = SherpaOnnxPeer.install(SherpaOnnxPeer.defaultDir());
        PeerModel model = PeerModel.of(modelDir, workDir);
        List<Path> wavs = wavs();
        List<float[]> audio = new ArrayList<>();
        double audioSeconds = 0;
        for (Path wav : wavs) {
            float[] samples = AudioDecoder.load(wav, 16000).samples();
            audio.add(samples);
            audioSeconds += samples.length / 16000.0;
        }
        log.accept("bench peer: " + model.model() + " (" + model.layout().key() + "), " + wavs.size() + " files, "
                + String.format("%.1f", audioSeconds) + " s of audio, sherpa-onnx-node " + SherpaOnnxPeer.VERSION);
        List<PeerRun> runs = new ArrayList<>();
        for (int t : threads) {
            OnnxConfig onnx = OnnxConfig.defaults().withThreads(t).withProvider(ExecutionProvider.CPU);
            try (ProjectCtcDecoding ours = new ProjectCtcDecoding(model.model(), model.tokens(), onnx)) {
                for (float[] samples : audio) {
                    ours.decode(samples);
                }
                // rounds of (a sherpa-onnx process: warm-up pass + timed pass, then a timed pass here), the fastest
                // pass of each side counted: on a shared machine the load changes from minute to minute
                double peerSeconds = Double.MAX_VALUE;
                double ourSeconds = Double.MAX_VALUE;
                List<PeerResult> theirs = null;
                WerResult self = WerResult.empty();
                List<String> ourTexts = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    List<List<PeerResult>> passes = peer.decodePasses(new PeerRequest(model.layout(), model.model(),
                            model.tokens(), wavs, t, 2));
                    peerSeconds = Math.min(peerSeconds, passes.get(1).stream().mapToDouble(PeerResult::seconds).sum());
                    if (theirs == null) {
                        theirs = passes.get(1);
                        for (int i = 0; i < wavs.size(); i++) {
                            self = self.plus(WerCalculator.compare(theirs.get(i).text(), passes.get(0).get(i).text()));
                        }
                    }
                    double seconds = 0;
                    ourTexts.clear();
                    for (float[] samples : audio) {
                        long start = System.nanoTime();
                        ProjectCtcDecoding.Decoded decoded = ours.decode(samples);
                        seconds += (System.nanoTime() - start) / 1e9;
                        ourTexts.add(decoded.text());
                    }
                    ourSeconds = Math.min(ourSeconds, seconds);
                }
                WerResult words = WerResult.empty();
                for (int i = 0; i < wavs.size(); i++) {
                    words = words.plus(WerCalculator.compare(theirs.get(i).text(), ourTexts.get(i)));
                }
                PeerRun run = new PeerRun("offline", t, ourSeconds / audioSeconds, peerSeconds / audioSeconds,
                        words.referenceWords(), words.errors(), self.errors());
                log.accept(String.format("offline, %d thread(s): this RTF %.4f, sherpa-onnx RTF %.4f (%.2fx), "
                        + "%d of %d words differ (sherpa-onnx's two passes: %d)", t, run.thisRtf(), run.peerRtf(),
                        run.ratio(), run.wordsDiffering(), run.wordsCompared(), run.peerSelfDiffering()));
                runs.add(run);
            }
        }
        String layout = model.layout().key() + (model.model().startsWith(workDir)
                ? ", exported by " + PeerModel.EXPORT_TOOL : "");
        return new PeerBenchReport(modelDir.toString(), layout, wavs.size(), audioSeconds, runs);
    }

    private List<Path> wavs() {
        List<Path> wavs = new ArrayList<>();
        try {
            Path dir = Files.createDirectories(workDir.resolve("wav"));
            for (AudioItem item : LibriSpeechSource.items(data)) {
                if (limit > 0 && wavs.size() == limit) {
                    break;
                }
                Path wav = dir.resolve(item.utteranceId() + ".wav");
                if (!Files.isRegularFile(wav)) {
                    Pcm16Wav.write(AudioDecoder.load(item.audio(), 16000), wav);
                }
                wavs.add(wav);
            }
        } catch (IOException e) {
            throw new AsrException("cannot write the 16 kHz WAV copies sherpa-onnx reads to " + workDir + ": "
                    + e.getMessage(), e);
        }
        if (wavs.isEmpty()) {
            throw new AsrException("no utterances in " + data);
        }
        return wavs;
    }
}
