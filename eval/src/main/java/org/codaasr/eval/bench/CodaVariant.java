package org.codaasr.eval.bench;

import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.recognizer.RecognizerConfig;

/**
 * One model variant of a CoDA model folder.
 *
 * @param label name shown in reports, e.g. {@code CoDA r=4}
 * @param codaR the {@link RecognizerConfig#codaR()} that selects its file: 0 dense, 1 parallel adapter, else CoDA
 */
public record CodaVariant(String label, int codaR) {

    public static final CodaVariant DENSE = new CodaVariant("dense backbone", 0);
    public static final CodaVariant ADAPTER = new CodaVariant("parallel adapter", 1);

    /** Every variant a CoDA model folder may hold, in report order. */
    public static final List<CodaVariant> ALL = List.of(DENSE, ADAPTER, new CodaVariant("CoDA r=2", 2),
            new CodaVariant("CoDA r=4", 4), new CodaVariant("CoDA r=8", 8));

    public CodaVariant {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a variant needs a label");
        }
        if (codaR != 0 && codaR != 1 && codaR != 2 && codaR != 4 && codaR != 8) {
            throw new IllegalArgumentException("codaR must be 0 (dense), 1 (parallel adapter), 2, 4 or 8, got "
                    + codaR);
        }
    }

    /** The ONNX file of this variant inside {@code modelDir}. */
    public Path file(Path modelDir) {
        return modelDir.resolve(RecognizerConfig.modelStem(codaR) + ".onnx");
    }

    public boolean isCoda() {
        return codaR >= 2;
    }
}
