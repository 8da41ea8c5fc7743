package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class InstancesBenchmarkTest {

    @Test
    void partitionsAreReadFromTheLastStatusLineThatNamesThem() {
        List<String> out = List.of("streams running: application a (recognition + WER) on b, model m; log l",
                "streams: recognition RUNNING, WER RUNNING, lag 0 records on asr.audio, partitions [0, 1, 2, 3]",
                "streams: recognition REBALANCING, WER RUNNING, lag 3 records on asr.audio, partitions [1, 3]",
                "some other line");
        assertEquals(List.of(1, 3), InstancesBenchmark.lastPartitions(out));
        assertEquals(List.of(), InstancesBenchmark.lastPartitions(List.of(
                "streams: recognition RUNNING, WER RUNNING, lag 0 records on asr.audio, partitions []")));
        assertEquals(List.of(), InstancesBenchmark.lastPartitions(List.of("streams running")));
    }
}
