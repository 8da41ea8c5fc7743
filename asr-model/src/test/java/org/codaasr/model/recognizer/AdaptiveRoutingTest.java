package org.codaasr.model.recognizer;

import static org.codaasr.model.onnx.CodaVariant.ADAPTER;
import static org.codaasr.model.onnx.CodaVariant.CODA_R2;
import static org.codaasr.model.onnx.CodaVariant.CODA_R4;
import static org.codaasr.model.onnx.CodaVariant.CODA_R8;
import static org.codaasr.model.onnx.CodaVariant.DENSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.onnx.CodaVariant;
import org.junit.jupiter.api.Test;

class AdaptiveRoutingTest {

    static final Path TINY_CODA = Path.of("asr-model/src/test/resources/models/tiny-coda");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    private final AdaptiveRouting routing = new AdaptiveRouting(List.of(ADAPTER, CODA_R2, CODA_R4, CODA_R8), 1.0, 0.25, 2);

    @Test
    void policyStepsOneLevelAtATimeWithHysteresisBand() {
        assertEquals(CODA_R2, routing.next(ADAPTER, 1.5));
        assertEquals(CODA_R8, routing.next(CODA_R8, 9.0), "already the cheapest");
        assertEquals(CODA_R4, routing.next(CODA_R4, 0.5), "inside the band: stay");
        assertEquals(CODA_R2, routing.next(CODA_R4, 0.1));
        assertEquals(ADAPTER, routing.next(ADAPTER, 0.0), "already the most accurate");
        assertEquals(ADAPTER, routing.next(DENSE, 0.0), "not among the levels: back to the first");
        assertFalse(AdaptiveRouting.off().enabled());
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveRouting(List.of(CODA_R4, CODA_R2), 1, 0.2, 1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveRouting(List.of(CODA_R2, CODA_R4), 0.2, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveRouting(List.of(CODA_R2, CODA_R4), 1, 0.2, -1));
    }

    @Test
    void aLaggingStreamMovesToCheaperVariantsAndBackWithoutLosingFrames() {
        assumeTrue(Files.isDirectory(TINY_CODA), "tiny CoDA models missing");
        // segments of at most 1 s: a stream changes variant only where a segment ends
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(TINY_CODA).withVariant(ADAPTER)
                .withStreaming(new StreamingConfig(8, 16, 0.5, 1.0, routing));
        AudioData audio = AudioDecoder.load(DEV_FLAC, 16000);
        try (Recognizer recognizer = Recognizer.load(config)) {
            assertTrue(recognizer.isAdaptive());
            assertEquals(List.of(ADAPTER, CODA_R2, CODA_R4, CODA_R8), recognizer.variants().stream().sorted().toList());
            RecognizerStream stream = recognizer.createStream();
            assertEquals(ADAPTER, stream.variant());
            float[] s = audio.samples();
            int step = 1600;
            List<CodaVariant> seen = new java.util.ArrayList<>();
            List<RecognitionResult> finals = new java.util.ArrayList<>();
            for (int i = 0; i < s.length; i += step) {
                stream.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + step)), 16000);
                double lag = i < s.length / 2 ? 5.0 : 0.0; // overloaded first, caught up later
                seen.add(stream.adaptToLag(lag));
                long segment = stream.segmentIndex();
                CodaVariant open = stream.variant();
                recognizer.decode(stream);
                if (stream.segmentIndex() == segment) {
                    assertEquals(open, stream.variant(), "no change inside a segment");
                }
                stream.drainFinals(finals);
            }
            stream.inputFinished();
            recognizer.decode(stream);
            stream.drainFinals(finals);
            for (int i = 1; i < finals.size(); i++) { // each final names its variant; one level per boundary at most
                int step1 = List.of(ADAPTER, CODA_R2, CODA_R4, CODA_R8).indexOf(finals.get(i).variant());
                int step0 = List.of(ADAPTER, CODA_R2, CODA_R4, CODA_R8).indexOf(finals.get(i - 1).variant());
                assertTrue(step1 >= 0 && Math.abs(step1 - step0) <= 1, "finals' variants: " + finals);
            }
            assertTrue(seen.contains(CODA_R8), "reached the cheapest level under lag: " + seen);
            assertEquals(ADAPTER, seen.get(seen.size() - 1), "back to the most accurate once caught up: " + seen);
            int frames = 1 + (s.length - 400) / 160;
            int out = (frames - 7) / 4 + 1;
            assertEquals(out * recognizer.frameSeconds(), stream.decodedSeconds(), 1e-9);

            while (stream.pollFinal() != null) {
                // finals are emitted before a snapshot is taken
            }
            byte[] snap = stream.snapshot();
            assertEquals(stream.variant(), recognizer.restoreStream(snap).variant());
        }
    }

    @Test
    void aStreamWithoutEncodedFramesMovesAtOnceAndAPendingCheaperLevelShortensTheSegment() {
        Path tiny = TINY_CODA.resolveSibling("tiny-coda-streaming");
        assumeTrue(Files.isDirectory(tiny), "tiny CoDA streaming models missing");
        // the default segments: 1 s of trailing silence or 25 s; the hold of 4 windows
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(tiny).withDecoding(DecodingConfig.greedy())
                .withStreaming(StreamingConfig.defaults().withAdaptive(AdaptiveRouting.over(List.of(DENSE, CODA_R4))));
        float[] s = AudioDecoder.load(DEV_FLAC, 16000).samples();
        try (Recognizer recognizer = Recognizer.load(config)) {
            assertEquals(CODA_R4, recognizer.createStream().adaptToLag(1.0),
                    "a new stream that already lags starts at the cheaper level (no encoded frame to keep)");
            RecognizerStream stream = recognizer.createStream();
            List<RecognitionResult> finals = new java.util.ArrayList<>();
            double askedAt = -1;
            double movedAt = -1;
            int step = 1600;
            for (int i = 0; i < s.length && movedAt < 0; i += step) {
                double t = i / 16000.0;
                stream.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + step)), 16000);
                boolean loaded = t >= 2.0;
                if (loaded && askedAt < 0) {
                    askedAt = t;
                }
                stream.adaptToLag(loaded ? 1.0 : 0.0);
                recognizer.decode(stream);
                stream.drainFinals(finals);
                if (stream.variant() == CODA_R4) {
                    movedAt = t;
                }
            }
            assertTrue(askedAt >= 2.0 && movedAt > askedAt, "asked at " + askedAt + " s, moved at " + movedAt);
            // the segment open when the load came ends within SWITCH_MAX_SEGMENT_SECONDS of audio (plus one window),
            // not after 1 s of silence or 25 s
            assertTrue(movedAt <= askedAt + AdaptiveRouting.SWITCH_MAX_SEGMENT_SECONDS + 0.8, "moved at " + movedAt
                    + " s of audio; finals " + finals);
            for (RecognitionResult f : finals) {
                assertEquals(DENSE, f.variant(), "segments before the move are dense: " + finals);
            }
        }
    }

    @Test
    void routingRequestsParseAndPrintBack() {
        assertTrue(RoutingRequest.parse(" Adaptive ").isAdaptive());
        assertEquals(RoutingRequest.pinned(CODA_R4), RoutingRequest.parse("r4"));
        assertEquals(RoutingRequest.pinned(DENSE), RoutingRequest.parse("dense"));
        for (RoutingRequest r : List.of(RoutingRequest.ADAPTIVE, RoutingRequest.pinned(CODA_R2),
                RoutingRequest.pinned(DENSE))) {
            assertEquals(r, RoutingRequest.parse(r.text()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoutingRequest.parse("3"));
        assertTrue(e.getMessage().contains("adaptive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoutingRequest.parse(null));
    }

    @Test
    void aPinnedStreamKeepsItsVariantUnderLagAndAcrossSnapshots() {
        assumeTrue(Files.isDirectory(TINY_CODA), "tiny CoDA models missing");
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(TINY_CODA).withVariant(ADAPTER)
                .withStreaming(new StreamingConfig(8, 16, 0.5, 1.0, routing));
        float[] s = AudioDecoder.load(DEV_FLAC, 16000).samples();
        try (Recognizer recognizer = Recognizer.load(config)) {
            RecognizerStream stream = recognizer.createStream();
            assertFalse(stream.request(RoutingRequest.pinned(DENSE)), "dense is not among the loaded levels");
            assertEquals(ADAPTER, stream.variant());
            assertTrue(stream.request(RoutingRequest.pinned(CODA_R2)));
            for (int i = 0; i < s.length / 2; i += 1600) {
                stream.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + 1600)), 16000);
                assertEquals(CODA_R2, stream.adaptToLag(9.0), "pinned: the lag does not move it");
                recognizer.decode(stream);
            }
            while (stream.pollFinal() != null) {
                // drained before the snapshot
            }
            RecognizerStream restored = recognizer.restoreStream(stream.snapshot());
            assertTrue(restored.isPinned());
            assertEquals(CODA_R2, restored.variant());
            assertTrue(restored.request(RoutingRequest.ADAPTIVE));
            assertFalse(restored.isPinned());
            for (int i = 0; i < 16; i++) { // 1.6 s: at least one segment boundary, where the stream moves
                restored.adaptToLag(9.0);
                restored.acceptWaveform(Arrays.copyOfRange(s, s.length / 2 + 1600 * i, s.length / 2 + 1600 * (i + 1)),
                        16000);
                recognizer.decode(restored);
            }
            assertTrue(List.of(CODA_R4, CODA_R8).contains(restored.adaptToLag(9.0)), "following the load again");
        }
    }
}
