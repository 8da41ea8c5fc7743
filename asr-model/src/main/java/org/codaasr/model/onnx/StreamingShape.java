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
 */
public record StreamingShape(int layers, int dModel, int cacheFrames, int convFrames, int chunkFrames, int vocab) {

    public StreamingShape {
        if (layers < 1 || dModel < 1 || cacheFrames < 1 || convFrames < 0 || chunkFrames < 1 || vocab < 1) {
            throw new IllegalArgumentException("implausible streaming encoder shape: layers " + layers + ", d_model "
                    + dModel + ", cache " + cacheFrames + ", conv " + convFrames + ", chunk " + chunkFrames
                    + ", vocab " + vocab);
        }
    }

    /** Floats of one stream's attention cache: [layers, 2, cacheFrames, dModel]. */
    public int attentionSize() {
        return layers * 2 * cacheFrames * dModel;
    }

    /** Floats of one stream's convolution cache: [layers, dModel, convFrames]. */
    public int convolutionSize() {
        return layers * dModel * convFrames;
    }
}
