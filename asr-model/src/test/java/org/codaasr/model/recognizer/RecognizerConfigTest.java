package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.codaasr.model.onnx.CodaVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecognizerConfigTest {

    static final Path DIR = Path.of("models", "m");

    @ParameterizedTest
    @CsvSource({"DENSE, model.onnx", "ADAPTER, model.adapter.onnx", "CODA_R2, model.coda-r2.onnx",
        "CODA_R4, model.coda-r4.onnx", "CODA_R8, model.coda-r8.onnx"})
    void theVariantSelectsItsFile(CodaVariant variant, String file) {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(DIR).withVariant(variant);
        assertEquals(DIR.resolve(file), config.modelFile());
    }

    @Test
    void aMissingVariantIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecognizerConfig.defaults().withVariant(null));
        assertTrue(e.getMessage().contains("variant"), e.getMessage());
    }

    @Test
    void int8FileIsTakenOnlyWhenItExists(@TempDir Path dir) throws IOException {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(dir).withVariant(CodaVariant.ADAPTER).withInt8(true);
        assertEquals(dir.resolve("model.adapter.onnx"), config.modelFile());
        Files.createFile(dir.resolve("model.adapter.int8.onnx"));
        assertEquals(dir.resolve("model.adapter.int8.onnx"), config.modelFile());
    }
}
