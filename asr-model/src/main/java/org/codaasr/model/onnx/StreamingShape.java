package org.codaasr.model.onnx;

/**
 * Sizes of a cache-based streaming encoder, read from its metadata.
 *
 * @param layers conformer layers (one attention and one convolution cache each)
 * @param dModel model width
 * @param cacheFrames output frames of attention left context the cache holds
 * @param convFrames frames of depthwise-convolution history (kernel - 1)
 * @param chunkFrames output frames one call encodes (the last call of a stream may encode fewer)
 * @param vocab output tokens
 * @param attentionSlots 0 for the dense layout, attention cache [layers, 2, cacheFrames, dModel]; else the CoDA
 *     layout [2, attentionSlots, dModel], every layer's slots on one axis (a routed layer caches only the frames it
 *     processed, so layers differ), metadata {@code streaming_att_slots}
 */
public record StreamingShape(int layers, int dModel, int cacheFrames, int convFrames, int chunkFrames, int vocab,
        int attentionSlots) {

    public StreamingShape {
        if (layers < 1 || dModel < 1 || cacheFrames < 1 || convFrames < 0 || chunkFrames < 1 || vocab < 1
                || attentionSlots < 0) {
            throw new IllegalArgumentException("implausible streaming encoder shape: layers " + layers + ", d_model "
                    + dModel + ", cache " + cacheFrames + ", conv " + convFrames + ", chunk " + chunkFrames
                    + ", vocab " + vocab + ", attention slots " + attentionSlots);
        }
    }

    /** The dense layout. */
    public StreamingShape(int layers, int dModel, int cacheFrames, int convFrames, int chunkFrames, int vocab) {
        this(layers, dModel, cacheFrames, convFrames, chunkFrames, vocab, 0);
    }

    /** True for the CoDA layout (all layers' slots on one axis). */
    public boolean isPacked() {
        return attentionSlots > 0;
    }

    /** Floats of one stream's attention cache. */
    public int attentionSize() {
        return isPacked() ? 2 * attentionSlots * dModel : layers * 2 * cacheFrames * dModel;
    }

    /** The attention cache tensor's shape for a batch. */
    long[] attentionDims(int batch) {
        return isPacked() ? new long[] {batch, 2, attentionSlots, dModel}
                : new long[] {batch, layers, 2, cacheFrames, dModel};
    }

    /** Floats of one stream's convolution cache: [layers, dModel, convFrames]. */
    public int convolutionSize() {
        return layers * dModel * convFrames;
    }
}
