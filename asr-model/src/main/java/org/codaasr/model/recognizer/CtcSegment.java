package org.codaasr.model.recognizer;

import java.util.ArrayList;
import java.util.function.Function;
import org.codaasr.model.AsrException;
import org.codaasr.model.ctc.CtcDecoder;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.EncoderCache;

/**
 * A stream's CTC state: the open segment's log-probabilities, its greedy hypothesis, the final decoder's search over
 * it, and the streaming encoder's cache where its variant has a cache-based encoder.
 */
final class CtcSegment implements SegmentDecoder {

    private final CtcDecoder partialDecoder;
    private final CtcDecoder finalDecoder;
    /** A fresh cache for a variant; null where that variant encodes windowed. */
    private final Function<CodaVariant, EncoderCache> caches;
    private final double frameSeconds;

    final ArrayList<float[]> logProbs = new ArrayList<>();
    /** Greedy hypothesis of the open segment as of the last change to it; null when it must be recomputed. */
    private CtcHypothesis greedy;
    /**
     * The final decoder's search over the open segment, advanced with each window once the segment holds speech, so
     * that closing the segment costs little; null until then (and after a restore, when it catches up at once).
     */
    private CtcDecoder.Session finalSearch;
    /** The state of the current variant's streaming encoder; null when that variant encodes windowed. */
    EncoderCache cache;
    /**
     * False once a window was encoded without the cache (a stream restored from a snapshot without one): the cache
     * then misses frames, so the stream runs windowed until the next reset gives the cache a clean start.
     */
    boolean cacheInSync = true;

    CtcSegment(CtcDecoder partialDecoder, CtcDecoder finalDecoder, Function<CodaVariant, EncoderCache> caches,
            double frameSeconds, CodaVariant variant) {
        this.partialDecoder = partialDecoder;
        this.finalDecoder = finalDecoder;
        this.caches = caches;
        this.frameSeconds = frameSeconds;
        this.cache = caches.apply(variant);
    }

    @Override
    public boolean encodesWithCache() {
        return cache != null && cacheInSync;
    }

    @Override
    public boolean holdsEncoderContext() {
        return cache != null && !cache.isEmpty();
    }

    @Override
    public void useVariant(CodaVariant variant) {
        cache = caches.apply(variant);
        cacheInSync = true;
    }

    @Override
    public void resetEncoder() {
        if (cache != null) {
            cache.reset();
            cacheInSync = true;
        }
    }

    /** Appends a window's new log-probabilities (the trailing {@code newOutputFrames} of {@code windowLogProbs}). */
    void accept(EncoderWindow window, float[][] windowLogProbs) {
        int skip = windowLogProbs.length - window.newOutputFrames();
        if (skip < 0) {
            throw new AsrException("encoder returned " + windowLogProbs.length
                    + " frames for a window that should give "
                    + (window.firstOutputFrame() + window.newOutputFrames())
                    + "; the model's subsampling metadata does not match its graph");
        }
        for (int t = skip; t < windowLogProbs.length; t++) {
            logProbs.add(windowLogProbs[t]);
        }
        if (!window.cached()) {
            cacheInSync = false;
        }
        greedy = null;
    }

    @Override
    public int frames() {
        return logProbs.size();
    }

    @Override
    public CtcHypothesis partial() {
        if (greedy == null) {
            greedy = partialDecoder.decode(logProbs.toArray(new float[0][]), frameSeconds);
        }
        return greedy;
    }

    /** Leading silence is left out of the final search: it may still be trimmed away. */
    @Override
    public void afterWindow() {
        if (partial().tokenFrames().length > 0) {
            feedFinalSearch();
        }
    }

    private void feedFinalSearch() {
        if (finalDecoder == partialDecoder) {
            return;
        }
        if (finalSearch == null) {
            finalSearch = finalDecoder.start();
        }
        int fed = finalSearch.frames();
        if (fed < logProbs.size()) {
            finalSearch.accept(logProbs.subList(fed, logProbs.size()).toArray(new float[0][]));
        }
    }

    @Override
    public void dropLeading(int frames) {
        logProbs.subList(0, frames).clear();
        greedy = null;
        finalSearch = null;
    }

    @Override
    public CtcHypothesis finish() {
        if (finalDecoder == partialDecoder) {
            return partial();
        }
        feedFinalSearch();
        return finalSearch.finish(logProbs.toArray(new float[0][]), frameSeconds);
    }

    @Override
    public void clearSegment() {
        logProbs.clear();
        greedy = null;
        finalSearch = null;
    }
}
