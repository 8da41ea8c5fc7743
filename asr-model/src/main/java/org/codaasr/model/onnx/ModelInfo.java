package org.codaasr.model.onnx;

import java.util.Map;

/**
 * What the exported acoustic model says about itself (ONNX metadata_props written by the training recipe)
 * plus the tensor names read from the graph.
 *
 * @param modelType e.g. {@code conformer-ctc} or {@code conformer-ctc-coda}
 * @param featureDim log-mel bins expected per frame
 * @param subsamplingFactor feature frames per output frame
 * @param vocabSize number of output tokens (including blank)
 * @param variant which CoDA variant the graph is (metadata {@code coda_r}; dense when absent)
 * @param chunkFrames recommended streaming chunk in output frames
 * @param leftContextFrames recommended streaming left context in output frames
 * @param featuresInput name of the float [batch, frames, featureDim] input
 * @param lengthsInput name of the int64 [batch] input
 * @param logProbsOutput name of the float [batch, outFrames, vocab] output
 * @param outputLengthsOutput name of the int64 [batch] output; null where the layout computes output lengths
 * @param metadata every metadata property, verbatim
 * @param layout which ONNX contract the graph follows
 */
public record ModelInfo(
        String modelType,
        int featureDim,
        int subsamplingFactor,
        int vocabSize,
        CodaVariant variant,
        int chunkFrames,
        int leftContextFrames,
        String featuresInput,
        String lengthsInput,
        String logProbsOutput,
        String outputLengthsOutput,
        Map<String, String> metadata,
        ModelLayout layout) {

    public ModelInfo {
        if (variant == null) {
            throw new IllegalArgumentException("variant must not be null");
        }
        if (featureDim <= 0 || subsamplingFactor <= 0 || vocabSize <= 1) {
            throw new IllegalArgumentException("model metadata must give featureDim > 0, subsamplingFactor > 0 "
                    + "and vocabSize > 1, got " + featureDim + ", " + subsamplingFactor + ", " + vocabSize);
        }
        metadata = Map.copyOf(metadata);
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
    }

    /** NeMo's {@code normalize_type} metadata: {@code per_feature}, or empty for none. */
    public String normalizeType() {
        return metadata.getOrDefault("normalize_type", "");
    }

    /** Seconds of audio covered by one output frame, given the feature frame shift. */
    public double outputFrameSeconds(double featureShiftSeconds) {
        return subsamplingFactor * featureShiftSeconds;
    }
}
