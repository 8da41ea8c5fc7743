package org.codaasr.model.recognizer;

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
 * frames with the stream's states, decoded by greedy search as sherpa-onnx does it: per encoder frame one joiner
 * call, the arg-max token emitted unless it is the blank or {@code <unk>} (at most one symbol per frame), and the
 * decoder re-run on the last {@code context_size} tokens after each symbol.
 */
final class TransducerFamily implements ModelFamily {

    private final OnnxTransducer model;
    private final Vocabulary vocabulary;
    private final ModelInfo info;
    private final int unkId;

    TransducerFamily(OnnxTransducer model, Vocabulary vocabulary) {
        this.model = model;
        this.vocabulary = vocabulary;
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
            float[][] window = java.util.Arrays.copyOfRange(features, start, start + t);
            greedy(segment, model.encode(window, segment.state));
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
        java.util.Arrays.fill(context, -1);
        context[context.length - 1] = vocabulary.blankId();
        return new TransducerSegment(vocabulary, frameSeconds, model.newState(), context, model.decoderOut(context));
    }

    /** A fresh encoder state (for reading snapshots into). */
    TransducerState newState() {
        return model.newState();
    }

    @Override
    public int run(CodaVariant variant, boolean cached, List<SegmentDecoder> states, List<EncoderWindow> windows) {
        for (int i = 0; i < states.size(); i++) {
            TransducerSegment segment = (TransducerSegment) states.get(i);
            float[][] encoded = model.encode(windows.get(i).features(), segment.state);
            if (encoded.length != windows.get(i).newOutputFrames()) {
                throw new AsrException(model.files().encoder() + " gave " + encoded.length + " frames for a window "
                        + "that should give " + windows.get(i).newOutputFrames());
            }
            greedy(segment, encoded);
        }
        return states.size();
    }

    private void greedy(TransducerSegment segment, float[][] encoded) {
        for (float[] frame : encoded) {
            float[] logits = model.logits(frame, segment.decoderOut);
            int best = 0;
            for (int v = 1; v < logits.length; v++) {
                if (logits[v] > logits[best]) {
                    best = v;
                }
            }
            if (best != vocabulary.blankId() && best != unkId) {
                segment.emit(best, segment.frames, probability(logits, best));
                long[] context = segment.context;
                System.arraycopy(context, 1, context, 0, context.length - 1);
                context[context.length - 1] = best;
                segment.decoderOut = model.decoderOut(context);
            }
            segment.advance(1);
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
