package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class CodaVariantTest {

    @ParameterizedTest
    @CsvSource({"0, DENSE", "dense, DENSE", "1, ADAPTER", "Adapter, ADAPTER", "2, CODA_R2", "r4, CODA_R4",
        "R8, CODA_R8", "' 4 ', CODA_R4"})
    void parsesNumbersNamesAndRStyle(String text, CodaVariant expected) {
        assertEquals(expected, CodaVariant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "16", "-1", "r", "fast", ""})
    void rejectsAnythingElseNamingTheAllowedValues(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodaVariant.parse(text));
        assertTrue(e.getMessage().contains("1 (parallel adapter)") && e.getMessage().contains("8 (CoDA r=8)"),
                e.getMessage());
    }

    @Test
    void reductionFactorRoundTripsAndOnlyCodaIsRouted() {
        for (CodaVariant v : CodaVariant.values()) {
            assertEquals(v, CodaVariant.of(v.reductionFactor()));
            assertEquals(v.reductionFactor() >= 2, v.isRouted(), v.label());
        }
        assertFalse(CodaVariant.ADAPTER.isRouted());
    }

    @Test
    void filesFollowTheExportNames(@TempDir Path dir) throws IOException {
        assertEquals(dir.resolve("model.onnx"), CodaVariant.DENSE.file(dir));
        assertEquals(dir.resolve("model.coda-r4.onnx"), CodaVariant.CODA_R4.file(dir, true),
                "no int8 file: the float graph");
        Files.createFile(dir.resolve("model.coda-r4.int8.onnx"));
        assertEquals(dir.resolve("model.coda-r4.int8.onnx"), CodaVariant.CODA_R4.file(dir, true));
        assertEquals(dir.resolve("model.coda-r4.onnx"), CodaVariant.CODA_R4.file(dir, false));
    }
}
