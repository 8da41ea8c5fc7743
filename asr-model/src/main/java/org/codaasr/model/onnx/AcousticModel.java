package org.codaasr.model.onnx;

/**
 * A CTC acoustic model: log-mel frames in, per-frame token log-probabilities out. One instance is shared by all
 * streams of a JVM; implementations are thread-safe.
 */
public interface AcousticModel extends AutoCloseable {

    ModelInfo info();

    /**
     * Runs a padded batch.
     *
     * @param features [batch][frames][featureDim], rows beyond {@code lengths[b]} are padding
     * @param lengths valid frames per batch entry
     * @return per-entry log-probabilities trimmed to each entry's valid output frames
     */
    float[][][] logProbs(float[][][] features, int[] lengths);

    /** Convenience for a single utterance. */
    default float[][] logProbs(float[][] features) {
        return logProbs(new float[][][] {features}, new int[] {features.length})[0];
    }

    @Override
    void close();
}
