package org.codaasr.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** asr-model is a pure library: sources and sinks (Kafka, sound devices, AWT) live in ingest, streams and eval. */
class PureLibraryTest {

    private static final List<String> FORBIDDEN = List.of("org.apache.kafka", "javax.sound", "java.awt");

    @Test
    void mainSourcesImportNoKafkaSoundOrAwt() throws IOException {
        Path main = Path.of("asr-model/src/main/java");
        assertTrue(Files.isDirectory(main), "run from the repository root");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream()
                            .filter(l -> l.startsWith("import "))
                            .filter(l -> FORBIDDEN.stream().anyMatch(l::contains))
                            .map(l -> p + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(List.of(), offenders);
    }
}
