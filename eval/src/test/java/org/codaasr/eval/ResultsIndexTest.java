package org.codaasr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code eval/results/README.md} lists every experiment folder beside it (tests run from the repository root). */
class ResultsIndexTest {

    @Test
    void everyResultsFolderIsListedInTheIndex() throws Exception {
        Path results = Path.of("eval/results");
        String index = Files.readString(results.resolve("README.md"), StandardCharsets.UTF_8);
        try (Stream<Path> entries = Files.list(results)) {
            List<String> unlisted = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !index.contains("| [" + name + "/](" + name + "/")).sorted().toList();
            assertEquals(List.of(), unlisted, "folders of eval/results without a row in its README.md");
        }
    }
}
