package org.codaasr.model.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which of a CoDA model folder's graphs runs. Each CoDA variant has a reduction factor r: in every routed layer the
 * router keeps the top k = n / r of the n frames for the frozen layer, the rest pass unchanged, and the parallel
 * adapter updates all frames. The dense backbone and the parallel adapter (every frame through every layer) stand
 * at the ends of that scale as r = 0 and r = 1, the values the ONNX metadata key {@code coda_r} and the
 * {@code Transcript.codaR} wire field carry.
 */
public enum CodaVariant {
    DENSE(0, "model", "dense backbone"),
    ADAPTER(1, "model.adapter", "parallel adapter"),
    CODA_R2(2, "model.coda-r2", "CoDA r=2"),
    CODA_R4(4, "model.coda-r4", "CoDA r=4"),
    CODA_R8(8, "model.coda-r8", "CoDA r=8");

    private final int reductionFactor;
    private final String fileStem;
    private final String label;

    CodaVariant(int reductionFactor, String fileStem, String label) {
        this.reductionFactor = reductionFactor;
        this.fileStem = fileStem;
        this.label = label;
    }

    /** 0 dense, 1 parallel adapter, else the CoDA reduction factor r. */
    public int reductionFactor() {
        return reductionFactor;
    }

    /** File name without {@code .onnx}: model, model.adapter, model.coda-r4. */
    public String fileStem() {
        return fileStem;
    }

    /** Name for reports and logs, e.g. {@code CoDA r=4}. */
    public String label() {
        return label;
    }

    /** True for the routed variants (r = 2, 4, 8). */
    public boolean isRouted() {
        return reductionFactor >= 2;
    }

    /** This variant's ONNX file inside {@code modelDir}. */
    public Path file(Path modelDir) {
        return modelDir.resolve(fileStem + ".onnx");
    }

    /** The int8-quantized file when {@code int8} is asked for and it exists, else {@link #file}. */
    public Path file(Path modelDir, boolean int8) {
        Path quantized = modelDir.resolve(fileStem + ".int8.onnx");
        return int8 && Files.isRegularFile(quantized) ? quantized : file(modelDir);
    }

    /** The variant with reduction factor {@code r}; anything else is rejected naming the allowed values. */
    public static CodaVariant of(int r) {
        for (CodaVariant v : values()) {
            if (v.reductionFactor == r) {
                return v;
            }
        }
        throw new IllegalArgumentException("CoDA variant must be " + allowed() + ", got " + r);
    }

    /** Parses {@code 0}..{@code 8}, {@code dense}, {@code adapter} or {@code r4}-style text. */
    public static CodaVariant parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("CoDA variant must be " + allowed() + ", got nothing");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "dense":
                return DENSE;
            case "adapter":
                return ADAPTER;
            default:
                break;
        }
        String digits = t.startsWith("r") ? t.substring(1) : t;
        try {
            return of(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CoDA variant must be " + allowed() + ", got '" + text + "'", e);
        }
    }

    private static String allowed() {
        return Arrays.stream(values()).map(v -> v.reductionFactor + " (" + v.label + ")")
                .collect(Collectors.joining(", "));
    }
}
