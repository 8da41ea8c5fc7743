package org.codaasr.model.recognizer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.codaasr.model.onnx.OnnxConfig;

/**
 * Everything needed to build a {@link Recognizer}.
 *
 * @param modelDir folder with {@code model.onnx} (dense), {@code model.adapter.onnx} (parallel adapter),
 *     {@code model.coda-r<R>.onnx} (CoDA) and {@code tokens.txt}
 * @param codaR which variant runs: 0 the dense backbone, 1 the parallel adapter (every frame through every layer),
 *     2, 4 or 8 CoDA with that reduction factor
 * @param int8 prefer the int8-quantized file {@code *.int8.onnx} when it exists
 * @param onnx ONNX Runtime session settings
 * @param decoding how finals are decoded (partials are always greedy)
 * @param streaming chunking and endpointing for streams
 */
public record RecognizerConfig(Path modelDir, int codaR, boolean int8, OnnxConfig onnx, DecodingConfig decoding,
        StreamingConfig streaming) {

    /** Where the shipped model lives, relative to the repository root. */
    public static final Path SHIPPED_MODEL_DIR = Path.of("asr-model", "models", "conformer-ctc-small");

    public RecognizerConfig {
        if (modelDir == null) {
            throw new IllegalArgumentException("modelDir must not be null");
        }
        if (codaR != 0 && codaR != 1 && codaR != 2 && codaR != 4 && codaR != 8) {
            throw new IllegalArgumentException(
                    "codaR must be 0 (dense), 1 (parallel adapter), 2, 4 or 8 (CoDA), got " + codaR);
        }
        if (onnx == null || decoding == null || streaming == null) {
            throw new IllegalArgumentException("onnx, decoding and streaming configs must not be null");
        }
    }

    /** The shipped model, dense, greedy decoding, one ONNX thread. */
    public static RecognizerConfig defaults() {
        return new RecognizerConfig(defaultModelDir(), 0, false, OnnxConfig.defaults(), DecodingConfig.greedy(),
                StreamingConfig.defaults());
    }

    /**
     * The model folder used when none is given: system property {@code asr.model.dir}, else environment variable
     * {@code ASR_MODEL_DIR}, else the shipped model under {@code asr.home} (set by the launcher) or the working folder.
     */
    public static Path defaultModelDir() {
        String prop = System.getProperty("asr.model.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("ASR_MODEL_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("asr.home");
        return home == null ? SHIPPED_MODEL_DIR : Path.of(home).resolve(SHIPPED_MODEL_DIR);
    }

    /** The ONNX file this configuration selects. */
    public Path modelFile() {
        String stem = modelStem(codaR);
        Path quantized = modelDir.resolve(stem + ".int8.onnx");
        if (int8 && Files.isRegularFile(quantized)) {
            return quantized;
        }
        return modelDir.resolve(stem + ".onnx");
    }

    /** File name without {@code .onnx} of the variant {@code codaR} selects: model, model.adapter, model.coda-r4. */
    public static String modelStem(int codaR) {
        return switch (codaR) {
            case 0 -> "model";
            case 1 -> "model.adapter";
            default -> "model.coda-r" + codaR;
        };
    }

    public Path tokensFile() {
        return modelDir.resolve("tokens.txt");
    }

    public RecognizerConfig withModelDir(Path dir) {
        return new RecognizerConfig(dir, codaR, int8, onnx, decoding, streaming);
    }

    public RecognizerConfig withCodaR(int r) {
        return new RecognizerConfig(modelDir, r, int8, onnx, decoding, streaming);
    }

    public RecognizerConfig withOnnx(OnnxConfig o) {
        return new RecognizerConfig(modelDir, codaR, int8, o, decoding, streaming);
    }

    public RecognizerConfig withDecoding(DecodingConfig d) {
        return new RecognizerConfig(modelDir, codaR, int8, onnx, d, streaming);
    }

    public RecognizerConfig withStreaming(StreamingConfig s) {
        return new RecognizerConfig(modelDir, codaR, int8, onnx, decoding, s);
    }

    public RecognizerConfig withInt8(boolean quantized) {
        return new RecognizerConfig(modelDir, codaR, quantized, onnx, decoding, streaming);
    }
}
