package org.codaasr.eval.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;
import org.codaasr.model.onnx.CodaVariant;

/**
 * Figures of one model variant in a {@link CodaBenchReport}.
 *
 * @param variant which graph of the folder: dense, parallel adapter or CoDA r
 * @param file the ONNX file name
 * @param newParams parameters added to the backbone (metadata {@code new_params}), null when not stated
 * @param backboneParams parameters of the backbone (metadata {@code backbone_params}), null when not stated
 * @param words reference words scored
 * @param errors word errors of greedy CTC decoding
 * @param werPercent corpus WER in percent
 * @param encoderMsPerAudioSecond median encoder milliseconds per second of audio, keyed by intra-op threads
 * @param speedupVsAdapter parallel-adapter time over this variant's time, keyed by threads; empty without an adapter
 * @param selectedFraction share of (layer, output frame) pairs that ran through a layer over all utterances, from
 *     the graph's {@code coda_selected} output; null when the graph has none
 * @param nonBlankFraction share of output frames whose most likely token is not the blank, over all utterances:
 *     how label-sparse the model's output is (a character head labels most 40 ms frames, a word-piece head few),
 *     and so how many frames a routed layer can leave alone
 */
public record VariantResult(CodaVariant variant, String file, Long newParams, Long backboneParams, int words,
        int errors, double werPercent, Map<Integer, Double> encoderMsPerAudioSecond,
        Map<Integer, Double> speedupVsAdapter, Double selectedFraction, double nonBlankFraction) {

    public VariantResult {
        if (variant == null) {
            throw new IllegalArgumentException("variant must not be null");
        }
        if (!(nonBlankFraction >= 0 && nonBlankFraction <= 1)) {
            throw new IllegalArgumentException("nonBlankFraction must be in [0, 1], got " + nonBlankFraction);
        }
        encoderMsPerAudioSecond = new TreeMap<>(encoderMsPerAudioSecond);
        speedupVsAdapter = new TreeMap<>(speedupVsAdapter);
    }

    /** Name in reports, e.g. {@code CoDA r=4}. */
    @JsonProperty("label")
    public String label() {
        return variant.label();
    }

    /** New parameters as a percentage of the backbone, null when either count is unknown. */
    public Double newParamsPercent() {
        return newParams == null || backboneParams == null || backboneParams == 0
                ? null : 100.0 * newParams / backboneParams;
    }

    /** The same figures with the speed-ups filled in. */
    public VariantResult withSpeedups(Map<Integer, Double> speedups) {
        return new VariantResult(variant, file, newParams, backboneParams, words, errors, werPercent,
                encoderMsPerAudioSecond, speedups, selectedFraction, nonBlankFraction);
    }
}
