package org.codaasr.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.codaasr.app.lm.DefaultLanguageModel;
import org.codaasr.model.ctc.BeamSearchConfig;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.ExecutionProvider;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.recognizer.AdaptiveRouting;
import org.codaasr.model.recognizer.DecodingConfig;
import org.codaasr.model.recognizer.EncoderChoice;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Model and decoding options shared by every command that recognizes speech. */
public final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR",
            description = "model folder with model.onnx and tokens.txt, or a sherpa-onnx streaming transducer's "
                    + "encoder, decoder and joiner graphs and tokens.txt (default: the shipped model)")
    Path modelDir;

    @Option(names = "--coda-r", paramLabel = "R", defaultValue = "0", converter = CodaVariantConverter.class,
            description = "model variant: 0 = dense backbone, 1 = parallel adapter, 2, 4 or 8 = CoDA reduction factor "
                    + "(default: ${DEFAULT-VALUE})")
    CodaVariant variant;

    @Option(names = "--int8", description = "use the int8-quantized model file when present")
    boolean int8;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--provider", paramLabel = "P", defaultValue = "AUTO",
            description = "execution provider: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    ExecutionProvider provider;

    @Option(names = "--decoder", paramLabel = "D", defaultValue = "beam",
            description = "beam (prefix beam search with the language model) or greedy (default: ${DEFAULT-VALUE})")
    String decoder;

    @Option(names = "--beam", paramLabel = "N", defaultValue = "32", description = "beam size (default: ${DEFAULT-VALUE})")
    int beam;

    @Option(names = "--lm", paramLabel = "ARPA", description = "word or character n-gram ARPA file (.arpa or .arpa.gz) "
            + "(default: the shipped character 6-gram, asr-model/models/lm/books-char6.arpa.gz)")
    Path lm;

    @Option(names = "--no-lm", description = "beam search without a language model")
    boolean noLm;

    @Option(names = "--lm-weight", defaultValue = "" + BeamSearchConfig.DEFAULT_LM_WEIGHT,
            description = "LM weight; the default suits the character 6-gram (default: ${DEFAULT-VALUE})")
    double lmWeight;

    @Option(names = "--word-bonus", defaultValue = "" + BeamSearchConfig.DEFAULT_WORD_BONUS,
            description = "bonus per word with a word LM, per character with a character LM (default: ${DEFAULT-VALUE})")
    double wordBonus;

    @Option(names = "--adaptive-r", split = ",", paramLabel = "R", converter = CodaVariantConverter.class,
            description = "load-adaptive routing: reduction factors a stream moves between from its lag, most "
                    + "accurate first, e.g. 1,2,4,8 (default: fixed --coda-r)")
    List<CodaVariant> adaptiveLevels = List.of();

    @Option(names = "--adaptive-raise-lag", defaultValue = "" + AdaptiveRouting.DEFAULT_RAISE_LAG_SECONDS,
            description = "seconds of lag above which a stream moves to a cheaper level (default: ${DEFAULT-VALUE})")
    double adaptiveRaiseLag;

    @Option(names = "--adaptive-lower-lag", defaultValue = "" + AdaptiveRouting.DEFAULT_LOWER_LAG_SECONDS,
            description = "seconds of lag below which a stream moves back to a more accurate level (default: ${DEFAULT-VALUE})")
    double adaptiveLowerLag;

    @Option(names = "--streaming-encoder", paramLabel = "E", defaultValue = "FP32",
            description = "encoder of live streams at the dense backbone: FP32 (model.streaming.onnx, cache-based), "
                    + "INT8 (model.streaming.int8.onnx: same dev WER, about twice as fast for one stream, run one "
                    + "stream per call) or WINDOWED (re-encodes the left context with every chunk); a "
                    + "missing file falls back to windowed (default: ${DEFAULT-VALUE})")
    EncoderChoice streamingEncoder;

    /** The LM decided once per command: given, default (built if needed), or none. */
    private Optional<Path> languageModel;

    /** The configuration these options give; the default language model is resolved on first call. */
    public RecognizerConfig toConfig() {
        DecodingConfig decoding;
        if ("greedy".equalsIgnoreCase(decoder)) {
            if (lm != null) {
                throw new IllegalArgumentException("--lm needs --decoder beam, got --decoder greedy");
            }
            decoding = DecodingConfig.greedy();
        } else if ("beam".equalsIgnoreCase(decoder)) {
            Path model = languageModel().orElse(null);
            decoding = DecodingConfig.beam(beam, model, model == null ? 0 : lmWeight, model == null ? 0 : wordBonus);
        } else {
            throw new IllegalArgumentException("--decoder must be beam or greedy, got " + decoder);
        }
        return acoustic(decoding);
    }

    /** The model options alone, decoding greedy: for commands that read the acoustic model's output directly. */
    public RecognizerConfig toAcousticConfig() {
        return acoustic(DecodingConfig.greedy());
    }

    private Optional<Path> languageModel() {
        if (languageModel == null) {
            if (noLm && lm != null) {
                throw new IllegalArgumentException("give --lm ARPA or --no-lm, not both");
            }
            languageModel = noLm ? Optional.empty()
                    : lm != null ? Optional.of(lm)
                    : DefaultLanguageModel.resolve(System.err);
        }
        return languageModel;
    }

    private RecognizerConfig acoustic(DecodingConfig decoding) {
        return new RecognizerConfig(modelDir == null ? RecognizerConfig.defaultModelDir() : modelDir, variant, int8,
                OnnxConfig.defaults().withThreads(threads).withProvider(provider), decoding,
                StreamingConfig.defaults().withAdaptive(adaptiveLevels.isEmpty() ? AdaptiveRouting.off()
                        : new AdaptiveRouting(adaptiveLevels, adaptiveRaiseLag, adaptiveLowerLag, 4))
                        .withEncoder(streamingEncoder));
    }

    /** Reads {@code --coda-r} and {@code --adaptive-r} values through {@link CodaVariant#parse}. */
    static final class CodaVariantConverter implements ITypeConverter<CodaVariant> {
        @Override
        public CodaVariant convert(String value) {
            try {
                return CodaVariant.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** True when the beam search uses the default language model (no {@code --lm}, no {@code --no-lm}). */
    boolean usesDefaultLm() {
        return lm == null && !noLm;
    }

    /** Decoding setup of a loaded recognizer for reports: a transducer's search, else {@link #describeDecoding()}. */
    public String describeDecoding(Recognizer recognizer) {
        return recognizer.transducerSearch().map(s -> "transducer " + s).orElseGet(this::describeDecoding);
    }

    /** Human-readable decoding setup for reports. */
    public String describeDecoding() {
        RecognizerConfig c = toConfig();
        DecodingConfig d = c.decoding();
        return d.method() == DecodingConfig.Method.GREEDY
                ? "greedy CTC"
                : "prefix beam " + d.beamSize() + (d.languageModel() == null ? ""
                        : (DefaultLanguageModel.isShipped(d.languageModel()) ? " + shipped LM " : " + LM ")
                                + d.languageModel().getFileName() + " (weight " + d.lmWeight() + ", bonus "
                                + d.wordBonus() + ")");
    }
}
