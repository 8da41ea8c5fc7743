package org.codaasr.model.recognizer;

import java.util.Arrays;

/**
 * One hypothesis of a stream's transducer search over the open segment: the tokens before the segment that the
 * decoder still sees ({@code prefix}, the last {@code context_size}; -1 before the stream's start), the segment's
 * tokens with their frames and probabilities, its log-probability and the decoder's output for its context where
 * known. Greedy search keeps one; modified beam search up to its number of active paths.
 */
final class TransducerHyp {

    final long[] prefix;
    int[] tokens;
    int[] frames;
    float[] probabilities;
    int count;
    double logProb;
    /** The decoder's output for {@link #context()}; null where it must be computed. */
    float[] decoderOut;

    TransducerHyp(long[] prefix, double logProb) {
        this.prefix = prefix;
        this.tokens = new int[8];
        this.frames = new int[8];
        this.probabilities = new float[8];
        this.logProb = logProb;
    }

    TransducerHyp copy() {
        TransducerHyp h = new TransducerHyp(prefix, logProb);
        h.tokens = tokens.clone();
        h.frames = frames.clone();
        h.probabilities = probabilities.clone();
        h.count = count;
        h.decoderOut = decoderOut;
        return h;
    }

    void emit(int token, int frame, float probability) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, 2 * count);
            frames = Arrays.copyOf(frames, 2 * count);
            probabilities = Arrays.copyOf(probabilities, 2 * count);
        }
        tokens[count] = token;
        frames[count] = frame;
        probabilities[count] = probability;
        count++;
        decoderOut = null;
    }

    /** The decoder's input: the last {@code prefix.length} tokens of prefix + segment. */
    long[] context() {
        int size = prefix.length;
        long[] context = new long[size];
        for (int i = 0; i < size; i++) {
            int fromEnd = size - i;
            context[i] = fromEnd <= count ? tokens[count - fromEnd] : prefix[size - (fromEnd - count)];
        }
        return context;
    }

    /** Tokens the decoder has seen since the segment started, the prefix included (sherpa-onnx's ys). */
    int length() {
        return prefix.length + count;
    }

    /** Identifies equal token sequences, which modified beam search merges. */
    String key() {
        return Arrays.toString(prefix) + Arrays.toString(Arrays.copyOf(tokens, count));
    }

    /** The hypothesis the next segment starts from: the context kept, the tokens dropped (sherpa-onnx's Reset). */
    TransducerHyp nextSegment() {
        TransducerHyp h = new TransducerHyp(context(), logProb);
        h.decoderOut = decoderOut;
        return h;
    }

    void shiftFrames(int by) {
        for (int i = 0; i < count; i++) {
            frames[i] += by;
        }
    }
}
