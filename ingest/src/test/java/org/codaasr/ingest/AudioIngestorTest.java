package org.codaasr.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.Reference;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.RoutingRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduling and message content, with a sink that keeps what it is given in order. */
class AudioIngestorTest {

    /** Keeps every message in send order; a real {@link ChunkSink} for dry runs and tests. */
    private static final class ListSink implements ChunkSink {
        final List<Object> sent = new ArrayList<>();
        boolean flushed;
        boolean closed;

        @Override
        public void send(Reference reference) {
            sent.add(reference);
        }

        @Override
        public void send(AudioChunk chunk, RoutingRequest routing) {
            sent.add(chunk);
        }

        @Override
        public void flush() {
            flushed = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        List<AudioChunk> chunks() {
            return sent.stream().filter(AudioChunk.class::isInstance).map(AudioChunk.class::cast).toList();
        }
    }

    private static List<AudioItem> threeItems(Path dir) throws Exception {
        WavFixtures.writeSine(dir.resolve("a.wav"), 0.30, 16000, 200); // 3 chunks
        WavFixtures.writeSine(dir.resolve("b.wav"), 0.15, 16000, 300); // 2 chunks
        WavFixtures.writeSine(dir.resolve("c.wav"), 0.10, 16000, 400); // 1 chunk
        return List.of(new AudioItem("a", "spk1", dir.resolve("a.wav"), "ALPHA"),
                new AudioItem("b", "spk2", dir.resolve("b.wav"), null),
                new AudioItem("c", "spk1", dir.resolve("c.wav"), "GAMMA"));
    }

    @Test
    void interleavesConcurrentStreamsAndSendsReferencesFirst(@TempDir Path dir) throws Exception {
        ListSink sink = new ListSink();
        IngestReport report;
        try (AudioIngestor ingestor = new AudioIngestor(IngestConfig.defaults().withConcurrency(2),
                AudioLoader.decoder(), sink)) {
            report = ingestor.ingest(threeItems(dir));
        }
        assertTrue(sink.flushed && sink.closed);
        // chunks are due at the audio time of their end: a0 100, b0 100, b1 150 (b is 150 ms long), a1 200;
        // c opens in b's slot at 150 ms, so c0 is due 250, before a2 at 300
        List<String> order = sink.sent.stream().map(m -> m instanceof Reference r ? "ref:" + r.streamId()
                : ((AudioChunk) m).streamId() + ((AudioChunk) m).sequence()).toList();
        assertEquals(List.of("ref:a", "a0", "b0", "b1", "ref:c", "a1", "c0", "a2"), order);
        Map<String, List<AudioChunk>> byStream = sink.chunks().stream()
                .collect(Collectors.groupingBy(AudioChunk::streamId));
        assertEquals(3, byStream.get("a").size());
        assertTrue(byStream.get("a").get(2).endOfStream());
        assertTrue(byStream.values().stream().allMatch(chunks -> chunks.get(chunks.size() - 1).endOfStream()
                && chunks.stream().filter(AudioChunk::endOfStream).count() == 1));
        Reference ref = (Reference) sink.sent.get(0);
        assertEquals(new Reference("a", "a", "ALPHA", "spk1", "default"), ref);
        assertEquals(new IngestReport(3, 6, 2, 2L * (4800 + 2400 + 1600), 0.55, report.elapsedMs()), report);
    }

    @Test
    void stopEndsARealTimeReplayFromAnotherThreadWithWhatWasSent(@TempDir Path dir) throws Exception {
        WavFixtures.writeSine(dir.resolve("long.wav"), 30.0, 16000, 200); // 300 chunks, 30 s in real time
        ListSink sink = new ListSink();
        IngestReport report;
        try (AudioIngestor ingestor = new AudioIngestor(IngestConfig.defaults().withRealtime(true),
                AudioLoader.decoder(), sink)) {
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ingestor.stop();
            });
            stopper.start();
            report = ingestor.ingest(List.of(new AudioItem("long", null, dir.resolve("long.wav"), null)));
            stopper.join();
        }
        assertTrue(report.chunks() > 0 && report.chunks() < 300, "sent " + report.chunks() + " of 300 chunks");
        assertEquals(report.chunks(), sink.chunks().size(), "the report counts what the sink got");
        assertTrue(sink.flushed && sink.closed);
    }

    @Test
    void realtimePacingTakesAsLongAsTheAudio(@TempDir Path dir) throws Exception {
        WavFixtures.writeSine(dir.resolve("a.wav"), 0.40, 16000, 200);
        ListSink sink = new ListSink();
        IngestReport report;
        try (AudioIngestor ingestor = new AudioIngestor(IngestConfig.defaults().withRealtime(true),
                AudioLoader.decoder(), sink)) {
            report = ingestor.ingest(List.of(new AudioItem("a", null, dir.resolve("a.wav"), null)));
        }
        assertTrue(report.elapsedMs() >= 380, "elapsed " + report.elapsedMs());
        long[] stamps = sink.chunks().stream().mapToLong(AudioChunk::captureTimeMs).toArray();
        for (int i = 1; i < stamps.length; i++) {
            assertEquals(100, stamps[i] - stamps[i - 1], Arrays.toString(stamps));
        }
    }

    @Test
    void liveIngestStopsAfterTheDurationWithEndOfStream() {
        ListSink sink = new ListSink();
        int[] reads = {0};
        IngestReport report;
        try (AudioIngestor ingestor = new AudioIngestor(IngestConfig.defaults(), path -> new float[0], sink)) {
            report = ingestor.ingestLive("mic", buffer -> {
                reads[0]++;
                Arrays.fill(buffer, 0.25f);
                return buffer.length;
            }, Duration.ofMillis(350));
        }
        List<AudioChunk> chunks = sink.chunks();
        assertEquals(4, chunks.size());
        assertEquals(4, reads[0]);
        assertEquals(List.of(1600, 1600, 1600, 800), chunks.stream().map(AudioChunk::sampleCount).toList());
        assertTrue(chunks.get(3).endOfStream());
        assertEquals(0.35, report.audioSeconds(), 1e-9);
        assertEquals(0.25f, chunks.get(0).samples()[0], 1e-6f);
    }

    @Test
    void loaderFailureSurfacesAsAsrException(@TempDir Path dir) {
        ListSink sink = new ListSink();
        try (AudioIngestor ingestor = new AudioIngestor(IngestConfig.defaults(), AudioLoader.decoder(), sink)) {
            RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> ingestor.ingest(List.of(new AudioItem("x", null, dir.resolve("x.wav"), null))));
            assertInstanceOf(org.codaasr.model.AsrException.class, e);
        }
    }
}
