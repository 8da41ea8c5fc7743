package org.codaasr.eval.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerComparisonTest {

    static ProjectCtcDecoding.Decoded ours(List<String> tokens, int[] frames, float[] margins) {
        return new ProjectCtcDecoding.Decoded(tokens, frames, 0.04, String.join("", tokens).strip(), margins);
    }

    static PeerResult peer(List<String> tokens, double... times) {
        return new PeerResult("f.wav", tokens, times, String.join("", tokens).strip(), 0.1, 1.0);
    }

    @Test
    void theSameTokensAtTheSameFramesAreIdentical() {
        PeerComparison c = PeerComparison.of(ours(List.of(" A", "B"), new int[] {2, 5}, new float[] {1, 1, 1, 1, 1, 1}),
                peer(List.of(" A", "B"), 0.08, 0.2), 1e-3);
        assertTrue(c.identical());
        assertTrue(c.passes());
        assertEquals(List.of(), c.nearTies());
    }

    @Test
    void aTokenOnOneSideIsExcusedOnlyByANearTieAtItsFrameOrTheOneBefore() {
        float[] margins = {1, 1, 1, 1, 0.0005f, 1, 1};
        // frame 5 has a near-tie at frame 4 (the one before): excused
        PeerComparison excused = PeerComparison.of(ours(List.of(" A"), new int[] {1}, margins),
                peer(List.of(" A", "B"), 0.04, 0.2), 1e-3);
        assertFalse(excused.identical());
        assertTrue(excused.passes());
        assertEquals(List.of("peer 5 'B'"), excused.excused());
        assertEquals(List.of(4), excused.nearTies());
        // a token at frame 2 has no near-tie there: a failure
        PeerComparison failed = PeerComparison.of(ours(List.of(" A", "C"), new int[] {1, 2}, margins),
                peer(List.of(" A"), 0.04), 1e-3);
        assertFalse(failed.passes());
        assertEquals(List.of("this 2 'C'"), failed.unexplained());
    }

    @Test
    void theSameTokenAtAnotherFrameIsADifference() {
        PeerComparison c = PeerComparison.of(ours(List.of(" A"), new int[] {3}, new float[] {1, 1, 1, 1, 1}),
                peer(List.of(" A"), 0.16), 1e-3);
        assertEquals(List.of("this 3 ' A'", "peer 4 ' A'"), c.unexplained());
    }

    @Test
    void theBenchReportListsEachRunWithTheFieldsTheIssueNames() throws Exception {
        PeerBenchReport report = new PeerBenchReport("m.onnx", "wenet_ctc", 2, 10.0,
                List.of(new PeerRun("offline", 1, 0.02, 0.025, 100, 1, 2), new PeerRun("offline", 2, 0.012, 0.015, 100, 0, 0)));
        JsonNode runs = new ObjectMapper().readTree(report.json()).get("runs");
        assertEquals(2, runs.size());
        assertEquals("offline", runs.get(0).get("mode").asText());
        assertEquals(2, runs.get(1).get("threads").asInt());
        assertEquals(0.02, runs.get(0).get("this_rtf").asDouble());
        assertEquals(0.025, runs.get(0).get("peer_rtf").asDouble());
        assertEquals(100, runs.get(0).get("words_compared").asInt());
        assertEquals(1, runs.get(0).get("words_differing").asInt());
        assertTrue(report.markdown().contains("| offline | 1 | 0.0200 | 0.0250 | 0.80x | 100 | 1 (1.0 %) | 2 |"),
                report.markdown());
    }
}
