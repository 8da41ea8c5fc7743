package org.codaasr.eval.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.GreedyCtcDecoder;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.features.FrontEnd;
import org.codaasr.model.features.SherpaOnnxFbank;
import org.codaasr.model.features.SherpaOnnxFbankConfig;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;

/**
 * This project's side of a comparison with sherpa-onnx: the project's ONNX model runner ({@link OnnxAcousticModel},
 * which reads the layout from the graph) and greedy CTC decoder on the features of a chosen front end, by default
 * the one sherpa-onnx uses for the model's layout ({@link #sherpaOnnxFrontEnd(ModelInfo)}).
 */
public final class ProjectCtcDecoding implements AutoCloseable {

    private final OnnxAcousticModel model;
    private final Vocabulary vocabulary;
    private final FrontEnd frontEnd;
    private final GreedyCtcDecoder decoder;
    private final double frameSeconds;

    public ProjectCtcDecoding(Path modelFile, Path tokensFile, OnnxConfig onnx) {
        this.model = OnnxAcousticModel.load(modelFile, onnx);
        try {
            this.vocabulary = Vocabulary.load(tokensFile);
            this.frontEnd = new SherpaOnnxFbank(sherpaOnnxFrontEnd(model.info()));
            this.decoder = new GreedyCtcDecoder(vocabulary);
            this.frameSeconds = 0.01 * model.info().subsamplingFactor();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The features sherpa-onnx's offline recognizer computes for a model of this layout. */
    public static SherpaOnnxFbankConfig sherpaOnnxFrontEnd(ModelInfo info) {
        if (info.layout() == ModelLayout.NEMO_CTC) {
            return SherpaOnnxFbankConfig.forNemoCtc("per_feature".equals(info.normalizeType()));
        }
        if (info.layout() == ModelLayout.WENET_CTC) {
            return SherpaOnnxFbankConfig.forWenetCtc();
        }
        return SherpaOnnxFbankConfig.defaults();
    }

    public ModelInfo info() {
        return model.info();
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Greedy decoding of 16 kHz samples in [-1, 1]. */
    public Decoded decode(float[] samples) {
        float[][] logProbs = model.logProbs(frontEnd.compute(samples));
        CtcHypothesis hyp = decoder.decode(logProbs, frameSeconds);
        float[] margins = new float[logProbs.length];
        for (int t = 0; t < logProbs.length; t++) {
            float best = Float.NEGATIVE_INFINITY;
            float second = Float.NEGATIVE_INFINITY;
            for (float v : logProbs[t]) {
                if (v > best) {
                    second = best;
                    best = v;
                } else if (v > second) {
                    second = v;
                }
            }
            margins[t] = best - second;
        }
        List<String> tokens = new ArrayList<>();
        for (int id : hyp.tokenIds()) {
            tokens.add(vocabulary.token(id).replace(Vocabulary.WORD_START, " "));
        }
        return new Decoded(tokens, hyp.tokenFrames(), frameSeconds, hyp.text(), margins);
    }

    @Override
    public void close() {
        model.close();
    }

    /**
     * One utterance: the emitted tokens (a leading U+2581 printed as a space, as sherpa-onnx prints it), the output
     * frame of each, seconds per output frame, the words, and per output frame the gap between the best and the
     * second-best log-probability (a gap under 1e-3 is a near-tie that rounding may decide either way).
     */
    public record Decoded(List<String> tokens, int[] frames, double frameSeconds, String text, float[] margins) {

        public Decoded {
            tokens = List.copyOf(tokens);
            frames = frames.clone();
            margins = margins.clone();
        }

        @Override
        public int[] frames() {
            return frames.clone();
        }

        @Override
        public float[] margins() {
            return margins.clone();
        }
    }
}
