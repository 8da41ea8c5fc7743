package org.codaasr.eval.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.features.SherpaOnnxFbank;
import org.codaasr.model.features.SherpaOnnxFbankConfig;
import org.codaasr.model.onnx.NemoStreamingCtcModel;
import org.codaasr.model.onnx.OnnxConfig;

/**
 * This project's side of the streaming comparison: a NeMo cache-aware streaming CTC model
 * ({@link NemoStreamingCtcModel}) run chunk by chunk as sherpa-onnx's OnlineRecognizer runs it (a window is decoded
 * once {@code processed + window_size < frames}, then the stream advances by {@code chunk_shift}; frames that never
 * fill a window are not decoded), on sherpa-onnx's default online features, greedy, the previous token carried across
 * chunks, token times = output frame x 40 ms.
 */
public final class ProjectNemoStreamingDecoding implements AutoCloseable {

    static final double FRAME_SECONDS = 0.04;

    private final NemoStreamingCtcModel model;
    private final Vocabulary vocabulary;
    private final SherpaOnnxFbank frontEnd = new SherpaOnnxFbank(SherpaOnnxFbankConfig.defaults());

    public ProjectNemoStreamingDecoding(Path modelFile, Path tokensFile, OnnxConfig onnx) {
        this.model = NemoStreamingCtcModel.load(modelFile, onnx);
        this.vocabulary = Vocabulary.load(tokensFile);
    }

    public ProjectCtcDecoding.Decoded decode(float[] samples) {
        float[][] features = frontEnd.compute(samples);
        NemoStreamingCtcModel.State state = model.initialState();
        int blank = vocabulary.blankId();
        List<String> tokens = new ArrayList<>();
        List<Integer> frames = new ArrayList<>();
        List<Float> margins = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int previous = -1;
        int offset = 0;
        for (int processed = 0; processed + model.windowSize() < features.length; processed += model.chunkShift()) {
            NemoStreamingCtcModel.Chunk chunk = model.run(
                    Arrays.copyOfRange(features, processed, processed + model.windowSize()), state);
            state = chunk.next();
            for (int t = 0; t < chunk.logProbs().length; t++) {
                float[] row = chunk.logProbs()[t];
                int best = 0;
                for (int v = 1; v < row.length; v++) {
                    if (row[v] > row[best]) {
                        best = v;
                    }
                }
                float second = Float.NEGATIVE_INFINITY;
                for (int v = 0; v < row.length; v++) {
                    if (v != best) {
                        second = Math.max(second, row[v]);
                    }
                }
                margins.add(row[best] - second);
                if (best != blank && best != previous) {
                    String token = vocabulary.token(best).replace(Vocabulary.WORD_START, " ");
                    tokens.add(token);
                    frames.add(offset + t);
                    text.append(token);
                }
                previous = best;
            }
            offset += chunk.logProbs().length;
        }
        float[] m = new float[margins.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = margins.get(i);
        }
        return new ProjectCtcDecoding.Decoded(tokens, frames.stream().mapToInt(Integer::intValue).toArray(),
                FRAME_SECONDS, text.toString().strip(), m);
    }

    @Override
    public void close() {
        model.close();
    }
}
