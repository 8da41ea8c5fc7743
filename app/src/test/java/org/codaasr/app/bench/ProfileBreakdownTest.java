package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import jdk.jfr.Recording;
import org.codaasr.model.features.FbankExtractor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileBreakdownTest {

    @Test
    void samplesOfAStreamThreadComputingFeaturesCountAsFeatureExtraction(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.jfr");
        float[] audio = new float[16000 * 5];
        Random random = new Random(1);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) random.nextGaussian() * 0.1f;
        }
        FbankExtractor fbank = FbankExtractor.withDefaults();
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.start();
            Thread worker = new Thread(() -> {
                long end = System.nanoTime() + 1_500_000_000L;
                while (System.nanoTime() < end) {
                    fbank.compute(audio);
                }
            }, "app-1234-StreamThread-1");
            worker.start();
            worker.join();
            r.stop();
            r.dump(file);
        }
        Map<String, Map<String, Long>> byGroup = ProfileBreakdown.byThreadGroup(file);
        Map<String, Long> stream = byGroup.get("recognition stream threads");
        assertTrue(stream != null && !stream.isEmpty(), byGroup.toString());
        String top = stream.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals("feature extraction (fbank)", top, stream.toString());
    }

    @Test
    void threadNamesMapToTheirGroups() {
        assertEquals("recognition stream threads", ProfileBreakdown.threadGroup("bench-x-abc-StreamThread-1"));
        assertEquals("WER stream threads", ProfileBreakdown.threadGroup("bench-x-wer-abc-StreamThread-1"));
        assertEquals("Kafka broker", ProfileBreakdown.threadGroup("data-plane-kafka-request-handler-0"));
        assertEquals("main (direct decoding, benchmark)", ProfileBreakdown.threadGroup("main"));
        assertEquals("other", ProfileBreakdown.threadGroup("pipeline-monitor"));
        assertEquals(20, ProfileBreakdown.periodMs("20 ms"));
        assertEquals(1000, ProfileBreakdown.periodMs("1 s"));
    }
}
