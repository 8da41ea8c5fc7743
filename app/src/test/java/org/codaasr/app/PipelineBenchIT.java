package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code asr bench pipeline --adaptive-r 0,2,4 --compare-dense --load-step} on the tiny random CoDA streaming models
 * (in-JVM broker, 2 real-time streams of the shipped demo set): the JSON keeps today's keys and adds the dense
 * default's levels from the same run, the audio share per CoDA r, the WER of what was decoded and the load step.
 */
class PipelineBenchIT {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-coda-streaming");

    @Test
    void theAdaptiveRunAndTheDenseDefaultRunInOneCommand(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        int code = new CommandLine(new BenchCommand()).execute("pipeline", "--model", TINY.toString(), "--decoder",
                "greedy", "--adaptive-r", "0,2,4", "--compare-dense", "--limit", "2", "--streams", "2", "--seconds",
                "4", "--throughput-streams", "2", "--load-step", "1:2", "--step-at", "2", "--json", json.toString());
        assertEquals(0, code);
        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        for (String key : List.of("realtime", "dense_realtime")) {
            JsonNode level = figures.path(key).path(0);
            assertEquals(2, level.path("streams").asInt(), key);
            assertTrue(level.has("held") && level.path("finalP95").asLong() > 0, key + ": " + level);
            assertTrue(level.path("scored").asInt() > 0 && level.path("werPercent").isNumber(), key + ": " + level);
            double share = 0;
            for (JsonNode s : level.path("audioShareByCodaR")) {
                share += s.asDouble();
            }
            assertEquals(1.0, share, 1e-9, key + ": " + level);
            assertTrue(level.path("encoder").path("mean_batch").asDouble() >= 1, key + ": " + level);
        }
        assertEquals(1, figures.path("dense_realtime").path(0).path("audioShareByCodaR").size(),
                "the dense default decodes everything dense");
        assertTrue(figures.has("max_realtime_streams_held") && figures.has("dense_max_realtime_streams_held")
                && figures.has("capacity_ratio_vs_dense"), figures.toString());
        JsonNode step = figures.path("load_step");
        assertEquals(2, step.path("after").asInt());
        assertEquals(step.path("total").asInt(), step.path("completed").asInt(), step.toString());
    }

    @Test
    void aLoadStepMustGrow(@TempDir Path dir) {
        int code = new CommandLine(new BenchCommand()).execute("pipeline", "--model", TINY.toString(), "--decoder",
                "greedy", "--limit", "1", "--streams", "1", "--seconds", "2", "--load-step", "4:2");
        assertTrue(code != 0, "a step from 4 down to 2 streams is refused");
    }
}
