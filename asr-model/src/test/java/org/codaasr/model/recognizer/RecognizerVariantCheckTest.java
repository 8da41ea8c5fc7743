package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;
import org.codaasr.model.onnx.CodaVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The variant a recognizer is asked for is checked against the {@code coda_r} metadata of the graph it loads. */
class RecognizerVariantCheckTest {

    static final Path TINY_CODA = Path.of("asr-model/src/test/resources/models/tiny-coda");

    @Test
    void theLoadedGraphIsTheVariantAskedFor() {
        assumeTrue(Files.isDirectory(TINY_CODA), "tiny CoDA models missing");
        for (CodaVariant v : CodaVariant.values()) {
            try (Recognizer recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY_CODA)
                    .withVariant(v))) {
                assertEquals(v, recognizer.defaultVariant());
                assertEquals(v, recognizer.modelInfo().variant());
                assertEquals(v, recognizer.createStream().variant());
            }
        }
    }

    @Test
    void aGraphWhoseMetadataNamesAnotherVariantIsRefused(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isDirectory(TINY_CODA), "tiny CoDA models missing");
        try (Stream<Path> files = Files.list(TINY_CODA)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        Files.copy(TINY_CODA.resolve("model.coda-r2.onnx"), dir.resolve("model.coda-r4.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(
                RecognizerConfig.defaults().withModelDir(dir).withVariant(CodaVariant.CODA_R4)));
        assertTrue(e.getMessage().contains("CoDA r=4") && e.getMessage().contains("CoDA r=2"), e.getMessage());
    }

    @Test
    void aFolderWithoutCodaGraphsAskedForOneNamesTheFileAndWhatItShips() {
        Path tinyCtc = TINY_CODA.resolveSibling("tiny-ctc");
        assumeTrue(Files.isDirectory(tinyCtc), "tiny CTC model missing");
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(
                RecognizerConfig.defaults().withModelDir(tinyCtc).withVariant(CodaVariant.CODA_R4)));
        assertTrue(e.getMessage().contains("model.coda-r4.onnx") && e.getMessage().contains(tinyCtc.toString())
                && e.getMessage().contains("--coda-r 0 (dense backbone)"), e.getMessage());
    }

    @Test
    void aMissingVariantAmongOthersListsTheShippedOnes(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isDirectory(TINY_CODA), "tiny CoDA models missing");
        for (String f : new String[] {"model.onnx", "model.coda-r2.onnx", "tokens.txt"}) {
            Files.copy(TINY_CODA.resolve(f), dir.resolve(f));
        }
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(
                RecognizerConfig.defaults().withModelDir(dir).withVariant(CodaVariant.CODA_R8)));
        assertTrue(e.getMessage().contains("model.coda-r8.onnx")
                && e.getMessage().contains("0 (dense backbone), 2 (CoDA r=2)"), e.getMessage());
    }
}
