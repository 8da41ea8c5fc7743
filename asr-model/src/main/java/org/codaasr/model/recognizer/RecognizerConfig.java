package org.codaasr.model.recognizer;

import java.nio.file.Path;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.OnnxConfig;

/**
 * Everything needed to build a {@link Recognizer}.
 *
 * @param modelDir folder with {@code model.onnx} (dense), {@code model.adapter.onnx} (parallel adapter),
 *     {@code model.coda-r<R>.onnx} (CoDA) and {@code tokens.txt}
 * @param variant which graph of the folder runs: the dense backbone, the parallel adapter (every frame through
 *     every layer) or CoDA with reduction factor 2, 4 or 8
 * @param int8 prefer the int8-quantized file {@code *.int8.onnx} when it exists
 * @param onnx ONNX Runtime session settings
 * @param decoding how finals are decoded (partials are always greedy)
 * @param streaming chunking and endpointing for streams
 */
public record RecognizerConfig(Path modelDir, CodaVariant variant, boolean int8, OnnxConfig onnx, DecodingConfig decoding,
        StreamingConfig streaming) {

    /** Where the shipped model lives, relative to the repository root. */
    public static final Path SHIPPED_MODEL_DIR = Path.of("asr-model", "models", "conformer-ctc-small");

    public RecognizerConfig {
        if (modelDir == null) {
            throw new IllegalArgumentException("modelDir must not be null");
        }
        if (variant == null) {
            throw new IllegalArgumentException("variant must not be null");
        }
        if (onnx == null || decoding == null || streaming == null) {
            throw new IllegalArgumentException("onnx, decoding and streaming configs must not be null");
        }
    }

    /** The shipped model, dense, greedy decoding, one ONNX thread. */
    public static RecognizerConfig defaults() {
        return new RecognizerConfig(defaultModelDir(), CodaVariant.DENSE, false, OnnxConfig.defaults(), DecodingConfig.greedy(),
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
        return variant.file(modelDir, int8);
    }

    /** {@code tokens.txt}; in a folder without one, WeNet's own name for it, {@code units.txt}, where present. */
    public Path tokensFile() {
        Path tokens = modelDir.resolve("tokens.txt");
        Path units = modelDir.resolve("units.txt");
        return !java.nio.file.Files.exists(tokens) && java.nio.file.Files.isRegularFile(units) ? units : tokens;
    }

    public RecognizerConfig withModelDir(Path dir) {
        return new RecognizerConfig(dir, variant, int8, onnx, decoding, streaming);
    }

    public RecognizerConfig withVariant(CodaVariant v) {
        return new RecognizerConfig(modelDir, v, int8, onnx, decoding, streaming);
    }

    public RecognizerConfig withOnnx(OnnxConfig o) {
        return new RecognizerConfig(modelDir, variant, int8, o, decoding, streaming);
    }

    public RecognizerConfig withDecoding(DecodingConfig d) {
        return new RecognizerConfig(modelDir, variant, int8, onnx, d, streaming);
    }

    public RecognizerConfig withStreaming(StreamingConfig s) {
        return new RecognizerConfig(modelDir, variant, int8, onnx, decoding, s);
    }

    public RecognizerConfig withInt8(boolean quantized) {
        return new RecognizerConfig(modelDir, variant, quantized, onnx, decoding, streaming);
    }
}
