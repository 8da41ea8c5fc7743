package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecognizerConfigTest {

    static final Path DIR = Path.of("models", "m");

    @ParameterizedTest
    @CsvSource({"0, model.onnx", "1, model.adapter.onnx", "2, model.coda-r2.onnx", "4, model.coda-r4.onnx",
        "8, model.coda-r8.onnx"})
    void codaRSelectsTheVariantFile(int codaR, String file) {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(DIR).withCodaR(codaR);
        assertEquals(DIR.resolve(file), config.modelFile());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3, 5, 16})
    void otherReductionFactorsAreRejected(int codaR) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecognizerConfig.defaults().withCodaR(codaR));
        assertTrue(e.getMessage().contains("parallel adapter"), e.getMessage());
    }

    @Test
    void int8FileIsTakenOnlyWhenItExists(@TempDir Path dir) throws IOException {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(dir).withCodaR(1).withInt8(true);
        assertEquals(dir.resolve("model.adapter.onnx"), config.modelFile());
        Files.createFile(dir.resolve("model.adapter.int8.onnx"));
        assertEquals(dir.resolve("model.adapter.int8.onnx"), config.modelFile());
    }
}
