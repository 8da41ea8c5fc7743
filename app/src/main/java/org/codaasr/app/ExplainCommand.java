package org.codaasr.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.codaasr.eval.bench.Charts;
import org.codaasr.eval.bench.RoutingPlot;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.ctc.GreedyCtcDecoder;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.features.FbankExtractor;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.RoutingTrace;
import org.codaasr.model.recognizer.RecognizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code asr explain FILE --coda-r 4 --out routing.png}: transcribes one file with a CoDA model and draws which
 * frames each layer processed under the file's spectrogram.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Draw a CoDA model's per-layer frame routing for one audio file under its spectrogram.")
public final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Parameters(index = "0", paramLabel = "FILE", description = "audio file (WAV, FLAC, MP3)")
    Path file;

    @Option(names = "--out", paramLabel = "PNG", defaultValue = "routing.png",
            description = "image to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        RecognizerConfig config = model.toAcousticConfig();
        if (!config.variant().isRouted()) {
            throw new AsrException("explain needs a CoDA model: pass --coda-r 2, 4 or 8 (got the "
                    + config.variant().label() + ", whose file " + config.modelFile().getFileName() + " has no routing)");
        }
        Vocabulary vocabulary = Vocabulary.load(config.tokensFile());
        FbankExtractor fbank = FbankExtractor.withDefaults();
        float[] samples = AudioDecoder.load(file, fbank.config().sampleRate()).samples();
        float[][] features = fbank.compute(samples);
        double shift = fbank.config().frameShiftMs() / 1000.0;
        String transcript;
        RoutingTrace trace;
        int subsampling;
        try (OnnxAcousticModel acoustic = OnnxAcousticModel.load(config.modelFile(), config.onnx())) {
            subsampling = acoustic.info().subsamplingFactor();
            transcript = new GreedyCtcDecoder(vocabulary)
                    .decode(acoustic.logProbs(features), acoustic.info().outputFrameSeconds(shift)).text();
            trace = acoustic.routing(features).orElseThrow(() -> new AsrException(config.modelFile()
                    + " has no " + OnnxAcousticModel.ROUTING_OUTPUT + " output, or " + file
                    + " is too short for one output frame"));
        }
        String title = String.format(Locale.ROOT, "%s routing: %s (%.1f s, %d layers, %.1f%% of layer-frames "
                + "processed)", config.variant().label(), file.getFileName(), features.length * shift, trace.layers(),
                100 * trace.meanSelectedFraction());
        Charts.writePng(RoutingPlot.render(features, trace, subsampling, shift, title, transcript), out);
        System.out.println(file.getFileName() + " " + transcript);
        for (int l = 0; l < trace.layers(); l++) {
            System.out.printf(Locale.ROOT, "layer %2d: %4d of %4d frames (%.1f%%)%n", l + 1, trace.selectedCount(l),
                    trace.frames(), 100 * trace.selectedFraction(l));
        }
        System.out.println("wrote " + out);
        return 0;
    }
}
