package org.codaasr.model.onnx;

/**
 * Which encoder output frames each layer of a CoDA model processed for one utterance (the graph's
 * {@code coda_selected} output, trimmed to the utterance's valid output frames).
 *
 * @param layers number of encoder layers reported by the graph
 * @param frames valid output frames of the utterance
 * @param selected {@code [layers][frames]}, true where that layer ran its heavy branch on that frame
 */
public record RoutingTrace(int layers, int frames, boolean[][] selected) {

    public RoutingTrace {
        if (selected == null || selected.length != layers) {
            throw new IllegalArgumentException("selected must have one row per layer (" + layers + "), got "
                    + (selected == null ? "null" : selected.length));
        }
        for (boolean[] row : selected) {
            if (row.length != frames) {
                throw new IllegalArgumentException("every layer row must have " + frames + " frames, got "
                        + row.length);
            }
        }
    }

    /** Frames layer {@code layer} processed. */
    public int selectedCount(int layer) {
        int n = 0;
        for (boolean s : selected[layer]) {
            if (s) {
                n++;
            }
        }
        return n;
    }

    /** Share of frames layer {@code layer} processed, in [0, 1]; 0 for an empty utterance. */
    public double selectedFraction(int layer) {
        return frames == 0 ? 0 : selectedCount(layer) / (double) frames;
    }

    /** Mean of {@link #selectedFraction(int)} over all layers. */
    public double meanSelectedFraction() {
        double sum = 0;
        for (int l = 0; l < layers; l++) {
            sum += selectedFraction(l);
        }
        return layers == 0 ? 0 : sum / layers;
    }
}
