package org.codaasr.model.recognizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.transducer.TransducerState;

/**
 * A stream's transducer state: the encoder's states, the decoder's context (the last {@code context_size} tokens)
 * and output, and the open segment's tokens with their frames and probabilities. As in sherpa-onnx, an endpoint
 * keeps the encoder states and the decoder context: a segment boundary changes only what is reported.
 */
final class TransducerSegment implements SegmentDecoder {

    private final Vocabulary vocabulary;
    private final double frameSeconds;
    final TransducerState state;
    /** The last {@code context_size} tokens, oldest first; -1 before the stream's start. */
    long[] context;
    float[] decoderOut;
    /** Encoder frames in the open segment. */
    int frames;
    int[] tokens = new int[16];
    int[] tokenFrames = new int[16];
    float[] probabilities = new float[16];
    int count;
    private CtcHypothesis hypothesis;

    TransducerSegment(Vocabulary vocabulary, double frameSeconds, TransducerState state, long[] context,
            float[] decoderOut) {
        this.vocabulary = vocabulary;
        this.frameSeconds = frameSeconds;
        this.state = state;
        this.context = context;
        this.decoderOut = decoderOut;
    }

    /** Records a token emitted at the segment's frame {@code frame}. */
    void emit(int token, int frame, float probability) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, 2 * count);
            tokenFrames = Arrays.copyOf(tokenFrames, 2 * count);
            probabilities = Arrays.copyOf(probabilities, 2 * count);
        }
        tokens[count] = token;
        tokenFrames[count] = frame;
        probabilities[count] = probability;
        count++;
        hypothesis = null;
    }

    /** Counts encoder frames decoded into the segment. */
    void advance(int encoderFrames) {
        frames += encoderFrames;
        hypothesis = null;
    }

    @Override
    public boolean encodesWithCache() {
        return true;
    }

    @Override
    public boolean holdsEncoderContext() {
        return state.processedFrames() > 0;
    }

    /** A transducer has one variant. */
    @Override
    public void useVariant(CodaVariant variant) {
    }

    /** sherpa-onnx keeps the encoder states across endpoints. */
    @Override
    public void resetEncoder() {
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public CtcHypothesis partial() {
        if (hypothesis == null) {
            int[] ids = Arrays.copyOf(tokens, count);
            int[] at = Arrays.copyOf(tokenFrames, count);
            List<WordInfo> words = new ArrayList<>();
            double logScore = 0;
            for (int i = 0; i < count; i++) {
                logScore += Math.log(probabilities[i]);
            }
            for (Vocabulary.WordSpan span : vocabulary.wordSpans(ids)) {
                double confidence = 0;
                int pieces = 0;
                for (int i = span.firstToken(); i <= span.lastToken(); i++) {
                    if (!vocabulary.isSpecial(ids[i]) && !vocabulary.isSeparator(ids[i])) {
                        confidence += probabilities[i];
                        pieces++;
                    }
                }
                words.add(new WordInfo(span.word(), at[span.firstToken()] * frameSeconds,
                        (at[span.lastToken()] + 1) * frameSeconds, pieces == 0 ? 0 : confidence / pieces));
            }
            hypothesis = new CtcHypothesis(vocabulary.text(ids), words, logScore, ids, at);
        }
        return hypothesis;
    }

    @Override
    public void dropLeading(int dropped) {
        frames -= dropped;
        for (int i = 0; i < count; i++) {
            tokenFrames[i] -= dropped;
        }
        hypothesis = null;
    }

    @Override
    public CtcHypothesis finish() {
        return partial();
    }

    @Override
    public void clearSegment() {
        frames = 0;
        count = 0;
        hypothesis = null;
    }
}
