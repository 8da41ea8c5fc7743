package org.codaasr.model.recognizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.codaasr.model.AsrException;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.transducer.OnnxTransducer;
import org.codaasr.model.transducer.TransducerState;

/**
 * The streaming transducer family (sherpa-onnx's zipformer2): each window is one encoder call of {@code T} feature
 * frames with the stream's states, searched as sherpa-onnx searches it. Greedy: per encoder frame one joiner call,
 * the arg-max token emitted unless it is the blank or {@code <unk>} (at most one symbol per frame), the decoder
 * re-run on the last {@code context_size} tokens after each symbol. Modified beam search ({@code maxActivePaths} > 1):
 * per frame every hypothesis's decoder output and log-softmaxed joiner scores, the best {@code maxActivePaths}
 * (hypothesis, token) pairs over all of them kept, at most one symbol per frame per hypothesis, equal token
 * sequences merged by log-add; the best hypothesis is the highest log-probability per token.
 */
final class TransducerFamily implements ModelFamily {

    private final OnnxTransducer model;
    private final Vocabulary vocabulary;
    private final ModelInfo info;
    private final int unkId;
    private final int maxActivePaths;

    /**
     * @param maxActivePaths 1 for greedy search, more for modified beam search with that many active paths
     */
    TransducerFamily(OnnxTransducer model, Vocabulary vocabulary, int maxActivePaths) {
        this.model = model;
        this.vocabulary = vocabulary;
        if (maxActivePaths < 1) {
            throw new IllegalArgumentException("maxActivePaths must be >= 1, got " + maxActivePaths);
        }
        this.maxActivePaths = maxActivePaths;
        if (vocabulary.size() != model.vocabSize()) {
            throw new AsrException(model.files().tokens() + " has " + vocabulary.size() + " tokens, but "
                    + model.files().decoder().getFileName() + " says vocab_size=" + model.vocabSize()
                    + ": expected one line per token of this model");
        }
        if (vocabulary.blankId() != 0) {
            throw new AsrException(model.files().tokens() + " has the blank at id " + vocabulary.blankId()
                    + ": sherpa-onnx's transducers put <blk> first (id 0)");
        }
        int unk = -1;
        for (int id = 0; id < vocabulary.size(); id++) {
            if (vocabulary.token(id).equals("<unk>")) {
                unk = id;
            }
        }
        this.unkId = unk;
        this.info = new ModelInfo(OnnxTransducer.MODEL_TYPE, model.featureDim(), model.subsampling(),
                model.vocabSize(), CodaVariant.DENSE, model.outputFrames(), 0, "x", "", "encoder_out", null,
                model.metadata(), ModelLayout.ZIPFORMER2_TRANSDUCER);
    }

    OnnxTransducer model() {
        return model;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Set<CodaVariant> variants() {
        return Set.of(CodaVariant.DENSE);
    }

    /**
     * The greedy search over whole chunks of {@code features}, each once a frame beyond it is there, as a stream
     * decodes them (the caller has appended the tail padding).
     */
    @Override
    public CtcHypothesis transcribe(float[][] features, double frameSeconds) {
        TransducerSegment segment = (TransducerSegment) newSegment(CodaVariant.DENSE, frameSeconds);
        int t = model.contract().t();
        for (int start = 0; start + t < features.length; start += model.contract().decodeChunkLen()) {
            float[][] window = Arrays.copyOfRange(features, start, start + t);
            search(segment, model.encode(window, segment.state));
        }
        return segment.finish();
    }

    @Override
    public float[][] logProbs(float[][] features) {
        throw new AsrException("a transducer (" + model.files().encoder().getParent() + ") has no per-frame "
                + "log-probabilities: it scores tokens against its decoder's context");
    }

    @Override
    public int chunkFrames() {
        return model.outputFrames();
    }

    @Override
    public int leftContextFrames() {
        return 0;
    }

    /** The first window's {@code T} frames make {@code outputFrames} frames of {@code subsampling} each. */
    @Override
    public int receptiveField() {
        return model.contract().t() - model.contract().decodeChunkLen() + model.subsampling();
    }

    @Override
    public int featureContextFrames() {
        return 0;
    }

    @Override
    public SegmentDecoder newSegment(CodaVariant variant, double frameSeconds) {
        long[] context = new long[model.contextSize()];
        Arrays.fill(context, -1);
        context[context.length - 1] = vocabulary.blankId();
        TransducerHyp start = new TransducerHyp(context, 0);
        start.decoderOut = model.decoderOut(context);
        return new TransducerSegment(vocabulary, frameSeconds, model.newState(), start);
    }

    /** Active paths of the search (1: greedy). */
    int maxActivePaths() {
        return maxActivePaths;
    }

    /** One encoder call for the batch (its states stacked), then each stream's search. */
    @Override
    public EncoderRun run(CodaVariant variant, boolean cached, List<SegmentDecoder> states,
            List<EncoderWindow> windows) {
        List<float[][]> features = new ArrayList<>(windows.size());
        List<TransducerState> encoderStates = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            features.add(windows.get(i).features());
            encoderStates.add(((TransducerSegment) states.get(i)).state);
        }
        long cpuStart = EncoderRun.threadCpuNanos();
        float[][][] encoded = model.encode(features, encoderStates);
        EncoderRun run = EncoderRun.oneCallSince(cpuStart);
        for (int i = 0; i < states.size(); i++) {
            if (encoded[i].length != windows.get(i).newOutputFrames()) {
                throw new AsrException(model.files().encoder() + " gave " + encoded[i].length + " frames for a "
                        + "window that should give " + windows.get(i).newOutputFrames());
            }
            search((TransducerSegment) states.get(i), encoded[i]);
        }
        return run;
    }

    private void search(TransducerSegment segment, float[][] encoded) {
        for (float[] frame : encoded) {
            if (maxActivePaths == 1) {
                greedyStep(segment, segment.best(), frame);
            } else {
                beamStep(segment, frame);
            }
            segment.advance(1);
        }
    }

    private void greedyStep(TransducerSegment segment, TransducerHyp hyp, float[] frame) {
        if (hyp.decoderOut == null) {
            hyp.decoderOut = model.decoderOut(hyp.context());
        }
        float[] logits = model.logits(frame, hyp.decoderOut);
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        if (emits(best)) {
            hyp.emit(best, segment.frames, probability(logits, best));
            hyp.decoderOut = model.decoderOut(hyp.context());
        }
    }

    private void beamStep(TransducerSegment segment, float[] frame) {
        List<TransducerHyp> prev = segment.hyps;
        int n = prev.size();
        long[][] contexts = new long[n][];
        for (int i = 0; i < n; i++) {
            contexts[i] = prev.get(i).context();
        }
        float[][] decoderOut = model.decoderOut(contexts);
        float[][] frames = new float[n][];
        Arrays.fill(frames, frame);
        float[][] logits = model.logits(frames, decoderOut);
        int vocab = logits[0].length;
        double[] scores = new double[n * vocab];
        for (int i = 0; i < n; i++) {
            logSoftmax(logits[i]);
            for (int v = 0; v < vocab; v++) {
                scores[i * vocab + v] = logits[i][v] + prev.get(i).logProb;
            }
        }
        List<TransducerHyp> next = new ArrayList<>(maxActivePaths);
        for (int k : topK(scores, maxActivePaths)) {
            int i = k / vocab;
            int token = k % vocab;
            TransducerHyp h = prev.get(i).copy();
            if (emits(token)) {
                h.emit(token, segment.frames, (float) Math.exp(logits[i][token]));
            }
            h.logProb = scores[k];
            next.add(h);
        }
        segment.setHyps(next);
    }

    private boolean emits(int token) {
        return token != vocabulary.blankId() && token != unkId;
    }

    /** Indices of the {@code k} highest scores, highest first (the lower index first among equal scores). */
    static int[] topK(double[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int[] top = new int[Math.min(k, order.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        return top;
    }

    private static void logSoftmax(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        float log = (float) (max + Math.log(sum));
        for (int i = 0; i < row.length; i++) {
            row[i] -= log;
        }
    }

    private static float probability(float[] logits, int token) {
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - logits[token]);
        }
        return (float) (1.0 / sum);
    }

    @Override
    public void close() {
        model.close();
    }
}
