package org.codaasr.model.recognizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.transducer.TransducerState;

/**
 * A stream's transducer state: the encoder's states and the search's hypotheses over the open segment (one for
 * greedy search). As in sherpa-onnx, an endpoint keeps the encoder states and each hypothesis's decoder context: a
 * segment boundary changes only what is reported.
 */
final class TransducerSegment implements SegmentDecoder {

    private final Vocabulary vocabulary;
    private final double frameSeconds;
    final TransducerState state;
    /** Best first after each frame's search. */
    List<TransducerHyp> hyps = new ArrayList<>();
    /** Encoder frames in the open segment. */
    int frames;
    private CtcHypothesis hypothesis;

    TransducerSegment(Vocabulary vocabulary, double frameSeconds, TransducerState state, TransducerHyp start) {
        this.vocabulary = vocabulary;
        this.frameSeconds = frameSeconds;
        this.state = state;
        this.hyps.add(start);
    }

    /** Counts encoder frames decoded into the segment. */
    void advance(int encoderFrames) {
        frames += encoderFrames;
        hypothesis = null;
    }

    /** Replaces the hypotheses, merging equal token sequences by log-add, best (by length-normalised score) first. */
    void setHyps(List<TransducerHyp> next) {
        hyps = merged(next);
        hypothesis = null;
    }

    static List<TransducerHyp> merged(List<TransducerHyp> next) {
        Map<String, TransducerHyp> byKey = new LinkedHashMap<>();
        for (TransducerHyp h : next) {
            TransducerHyp seen = byKey.putIfAbsent(h.key(), h);
            if (seen != null) {
                double max = Math.max(seen.logProb, h.logProb);
                seen.logProb = max + Math.log(Math.exp(seen.logProb - max) + Math.exp(h.logProb - max));
            }
        }
        List<TransducerHyp> out = new ArrayList<>(byKey.values());
        int best = 0;
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).logProb / out.get(i).length() > out.get(best).logProb / out.get(best).length()) {
                best = i;
            }
        }
        out.add(0, out.remove(best));
        return out;
    }

    TransducerHyp best() {
        return hyps.get(0);
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
            TransducerHyp best = best();
            int[] ids = Arrays.copyOf(best.tokens, best.count);
            int[] at = Arrays.copyOf(best.frames, best.count);
            List<WordInfo> words = new ArrayList<>();
            for (Vocabulary.WordSpan span : vocabulary.wordSpans(ids)) {
                double confidence = 0;
                int pieces = 0;
                for (int i = span.firstToken(); i <= span.lastToken(); i++) {
                    if (!vocabulary.isSpecial(ids[i]) && !vocabulary.isSeparator(ids[i])) {
                        confidence += best.probabilities[i];
                        pieces++;
                    }
                }
                words.add(new WordInfo(span.word(), at[span.firstToken()] * frameSeconds,
                        (at[span.lastToken()] + 1) * frameSeconds, pieces == 0 ? 0 : confidence / pieces));
            }
            hypothesis = new CtcHypothesis(vocabulary.text(ids), words, best.logProb, ids, at);
        }
        return hypothesis;
    }

    /**
     * Drops leading silence. The best hypothesis holds no token here; the others are dropped with it, so that no
     * token time falls before the segment's new start.
     */
    @Override
    public void dropLeading(int dropped) {
        frames -= dropped;
        hyps = new ArrayList<>(List.of(best()));
        best().shiftFrames(-dropped);
        hypothesis = null;
    }

    @Override
    public CtcHypothesis finish() {
        return partial();
    }

    @Override
    public void clearSegment() {
        frames = 0;
        List<TransducerHyp> next = new ArrayList<>();
        hyps.forEach(h -> next.add(h.nextSegment()));
        hyps = merged(next);
        hypothesis = null;
    }
}
