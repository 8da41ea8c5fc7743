package org.codaasr.model.recognizer;

import java.util.Set;
import org.codaasr.model.features.FbankExtractor;
import org.codaasr.model.onnx.CodaVariant;

/**
 * What a {@link RecognizerStream} needs to know of its recognizer, fixed when the recognizer is built: the front
 * end, the framing of the encoder's windows and the endpoint and routing rules. Streams read it instead of calling
 * back into the recognizer.
 *
 * @param fbank the shared feature extractor (immutable tables)
 * @param subsampling feature frames per output frame
 * @param receptiveField feature frames the first output frame of a window needs
 * @param chunkFrames output frames per encoder window
 * @param leftContextFrames output frames of left context a windowed encoder call carries
 * @param featureContextFrames output frames of already encoded features a stream keeps (0 where every variant it can
 *     run encodes with a cache)
 * @param frameSeconds seconds of audio per output frame
 * @param vocabSize output tokens, blank included
 * @param endpoint when a segment ends
 * @param adaptive load-adaptive routing between {@code variants}
 * @param variants the variants a stream can run
 * @param defaultVariant the variant a new stream runs
 * @param tailPaddingSamples zero samples appended when the input ends (sherpa-onnx's transducers decode only whole
 *     chunks: the padding carries the last audio into one)
 * @param wholeChunksOnly true where the encoder takes only whole chunks, each once a frame beyond it is ready, as
 *     sherpa-onnx runs its transducers (a shorter tail is not decoded)
 */
public record StreamSpec(FbankExtractor fbank, int subsampling, int receptiveField, int chunkFrames,
        int leftContextFrames, int featureContextFrames, double frameSeconds, int vocabSize, EndpointRules endpoint,
        AdaptiveRouting adaptive, Set<CodaVariant> variants, CodaVariant defaultVariant, int tailPaddingSamples,
        boolean wholeChunksOnly) {

    public StreamSpec {
        if (fbank == null || endpoint == null || adaptive == null || defaultVariant == null) {
            throw new IllegalArgumentException("fbank, endpoint, adaptive and defaultVariant must not be null");
        }
        if (subsampling <= 0 || receptiveField < subsampling || chunkFrames <= 0 || leftContextFrames < 0
                || featureContextFrames < 0 || !(frameSeconds > 0) || vocabSize <= 1 || tailPaddingSamples < 0) {
            throw new IllegalArgumentException("need subsampling > 0, receptiveField >= subsampling, chunkFrames > 0, "
                    + "context >= 0, frameSeconds > 0 and vocabSize > 1, got " + subsampling + ", " + receptiveField
                    + ", " + chunkFrames + ", " + leftContextFrames + "/" + featureContextFrames + ", " + frameSeconds
                    + ", " + vocabSize);
        }
        variants = Set.copyOf(variants);
        if (!variants.contains(defaultVariant)) {
            throw new IllegalArgumentException("default variant " + defaultVariant + " not among " + variants);
        }
    }

    /** Samples per second the front end reads. */
    public int sampleRate() {
        return fbank.config().sampleRate();
    }

    /** Features per frame. */
    public int featureDim() {
        return fbank.config().numMelBins();
    }

    /** True when a stream can move between variants by its lag. */
    public boolean isAdaptive() {
        return variants.size() > 1;
    }

    /** Output frames whose features are complete among the first {@code featureFrames}. */
    int outputFramesAvailable(int featureFrames) {
        return featureFrames < receptiveField ? 0 : (featureFrames - receptiveField) / subsampling + 1;
    }
}
