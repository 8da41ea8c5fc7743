package org.codaasr.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.codaasr.model.AsrException;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.DecodingConfig;
import org.codaasr.model.recognizer.RecognizerConfig;

/**
 * The Java dev-set figures of a model folder's {@code model-card.json} ({@code java_dev_wer}): written by
 * {@code asr eval librispeech DIR --card}, the one place the documents take them from. Each figure is keyed by the
 * decoding that measured it: {@code [streaming[_windowed|_int8]_][int8_]} then {@code greedy} or
 * {@code beam<N>_char_lm} (the default LM), {@code beam<N>_no_lm}, {@code beam<N>_lm_<file>}; "greedy" is left out
 * after another part, as in {@code streaming} or {@code int8}.
 */
public final class ModelCard {

    static final String FILE = "model-card.json";
    static final String JAVA_DEV_WER = "java_dev_wer";

    /** The layout of the recipe's {@code json.dump(indent=1)}, so that a recorded figure changes one line. */
    private static final DefaultPrettyPrinter AS_THE_RECIPE_WRITES = new PythonIndent1();

    /** Python's {@code indent=1}: one space per level, {@code "key": value}, {@code []} and {@code {}} when empty. */
    private static final class PythonIndent1 extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        PythonIndent1() {
            super(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            indentObjectsWith(new DefaultIndenter(" ", "\n"));
            indentArraysWith(new DefaultIndenter(" ", "\n"));
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new PythonIndent1();
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            _nesting--;
            if (values > 0) {
                _arrayIndenter.writeIndentation(g, _nesting);
            }
            g.writeRaw(']');
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            _nesting--;
            if (entries > 0) {
                _objectIndenter.writeIndentation(g, _nesting);
            }
            g.writeRaw('}');
        }
    }

    private ModelCard() {
    }

    /**
     * The key of the figure {@code config} measures; {@code defaultLm}: the language model is the default one.
     *
     * @throws IllegalArgumentException for a setting the card does not hold (CoDA variants, load-adaptive routing,
     *     LM weight or bonus other than the defaults)
     */
    public static String figureKey(RecognizerConfig config, boolean streaming, boolean defaultLm) {
        if (config.variant() != CodaVariant.DENSE || config.streaming().adaptive().enabled()) {
            throw new IllegalArgumentException("the model card holds figures of the dense backbone; CoDA variants "
                    + "are measured by ./asr bench coda (coda-card.json)");
        }
        List<String> parts = new ArrayList<>();
        if (streaming) {
            parts.add(switch (config.streaming().encoder()) {
                case FP32 -> "streaming";
                case WINDOWED -> "streaming_windowed";
                case INT8 -> "streaming_int8";
            });
        } else if (config.int8()) {
            parts.add("int8");
        }
        DecodingConfig d = config.decoding();
        if (d.method() == DecodingConfig.Method.BEAM) {
            if (d.languageModel() != null && (d.lmWeight() != org.codaasr.model.ctc.BeamSearchConfig.DEFAULT_LM_WEIGHT
                    || d.wordBonus() != org.codaasr.model.ctc.BeamSearchConfig.DEFAULT_WORD_BONUS)) {
                throw new IllegalArgumentException("the model card holds figures at the default --lm-weight and "
                        + "--word-bonus; tuning runs go to eval/results/");
            }
            String lm = d.languageModel() == null ? "no_lm" : defaultLm ? "char_lm"
                    : "lm_" + d.languageModel().getFileName().toString().toLowerCase(Locale.ROOT)
                            .replaceAll("\\.arpa(\\.gz)?$", "").replaceAll("[^a-z0-9]+", "_");
            parts.add("beam" + d.beamSize() + "_" + lm);
        } else if (parts.isEmpty()) {
            parts.add("greedy");
        }
        return String.join("_", parts);
    }

    /** Sets {@code java_dev_wer.<key>} in {@code modelDir}'s card to {@code werPercent} (2 decimals), keeping the rest. */
    public static void recordWer(Path modelDir, String key, double werPercent) {
        Path card = modelDir.resolve(FILE);
        if (!Files.isRegularFile(card)) {
            throw new AsrException("expected a model card " + card + " to record the figure in, but there is none");
        }
        // numbers as written (0.0002 stays 0.0002, not 2.0E-4)
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        try {
            JsonNode root = mapper.readTree(card.toFile());
            if (!(root instanceof ObjectNode object)) {
                throw new AsrException("expected a JSON object in " + card);
            }
            JsonNode figures = object.get(JAVA_DEV_WER);
            ObjectNode table = figures instanceof ObjectNode o ? o : object.putObject(JAVA_DEV_WER);
            table.put(key, BigDecimal.valueOf(werPercent).setScale(2, RoundingMode.HALF_UP));
            Files.writeString(card, mapper.writer(AS_THE_RECIPE_WRITES).writeValueAsString(object) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AsrException("cannot update the model card " + card + ": " + e.getMessage(), e);
        }
    }
}
