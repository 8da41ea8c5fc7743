package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.OnnxStreamingEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every CoDA variant streams through its cache-based graph (tiny random CoDA model with the dense and the four
 * CoDA streaming exports): each feature frame is encoded once, finals name their variant, snapshots carry the
 * routed caches, and graphs from another export or levels the folder lacks are refused by name.
 */
class CodaStreamingTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-coda-streaming");
    static final List<CodaVariant> ALL = List.of(CodaVariant.values());

    static Recognizer recognizer;
    static AudioData audio;

    @BeforeAll
    static void load() {
        recognizer = Recognizer.load(config(TINY, ALL));
        audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    private static RecognizerConfig config(Path folder, List<CodaVariant> levels) {
        return RecognizerConfig.defaults().withModelDir(folder).withDecoding(DecodingConfig.greedy())
                .withStreaming(StreamingConfig.defaults().withAdaptive(AdaptiveRouting.over(levels)));
    }

    private static List<RecognitionResult> run(RecognizerStream stream, float[] samples) {
        List<RecognitionResult> finals = new ArrayList<>();
        recognizer.feed(stream, samples, 16000, 1600, finals);
        return finals;
    }

    @Test
    void everyVariantEncodesEachFrameOnceThroughItsStreamingGraph() {
        assertEquals(ALL.size(), recognizer.streamingEncoders().size());
        int featureFrames = 1 + (audio.samples().length - 400) / 160;
        for (CodaVariant v : ALL) {
            RecognizerStream stream = recognizer.createStream();
            assertTrue(stream.request(RoutingRequest.pinned(v)));
            assertTrue(stream.encodesWithCache(), v.label());
            EncoderWork before = recognizer.encoderWork();
            EncoderWork variantBefore = recognizer.encoderWork(v);
            long cpuBefore = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            List<RecognitionResult> finals = run(stream, audio.samples());
            recognizer.finish(stream, finals);
            long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore;
            EncoderWork work = recognizer.encoderWork().minus(before);
            assertTrue(work.inputFrames() < 1.1 * featureFrames, v.label() + ": " + work.inputFrames()
                    + " frames fed for " + featureFrames);
            assertEquals(work, recognizer.encoderWork(v).minus(variantBefore), "all of it at " + v.label());
            assertTrue(work.cpuNanos() > 0 && work.cpuNanos() < cpu, v.label() + ": encoder CPU " + work.cpuNanos()
                    + " ns of the thread's " + cpu);
            assertTrue(!finals.isEmpty() && finals.stream().allMatch(r -> r.variant() == v), v.label() + ": "
                    + finals);
        }
    }

    @Test
    void aSnapshotTakenInsideASegmentResumesExactlyAtEveryRoutedVariant() {
        float[] s = audio.samples();
        for (CodaVariant v : List.of(CodaVariant.CODA_R4, CodaVariant.ADAPTER)) {
            RecognizerStream live = recognizer.createStream();
            live.request(RoutingRequest.pinned(v));
            List<RecognitionResult> a = run(live, Arrays.copyOfRange(s, 0, 40000));
            assertTrue(live.holdsEncoderContext(), "the snapshot carries a routed cache");
            RecognizerStream restored = recognizer.restoreStream(live.snapshot());
            assertEquals(v, restored.variant());
            List<RecognitionResult> b = new ArrayList<>(a);
            float[] rest = Arrays.copyOfRange(s, 40000, s.length);
            a.addAll(run(live, rest));
            recognizer.finish(live, a);
            b.addAll(run(restored, rest));
            recognizer.finish(restored, b);
            assertEquals(a, b, v.label());
        }
    }

    private static Path copy(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(TINY)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        return dir;
    }

    @Test
    void aRoutedStreamingGraphOfAnotherVariantIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        copy(dir);
        Path r4 = dir.resolve(OnnxStreamingEncoder.fileName(CodaVariant.CODA_R4));
        Files.copy(dir.resolve(OnnxStreamingEncoder.fileName(CodaVariant.CODA_R2)), r4,
                StandardCopyOption.REPLACE_EXISTING);
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(
                config(dir, List.of()).withVariant(CodaVariant.CODA_R4)));
        assertTrue(e.getMessage().startsWith(r4.toString()) && e.getMessage().contains("CoDA r=2"), e.getMessage());
    }

    @Test
    void aStreamingGraphOfAnotherBackboneIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        copy(dir);
        Path r4 = dir.resolve(OnnxStreamingEncoder.fileName(CodaVariant.CODA_R4));
        Path other = Path.of("asr-model/src/test/resources/models/tiny-streaming-ctc");
        Files.copy(other.resolve(OnnxStreamingEncoder.FILE_NAME), r4, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve("weights.bin"), dir.resolve("weights.bin"), StandardCopyOption.REPLACE_EXISTING);
        Files.delete(dir.resolve(OnnxStreamingEncoder.FILE_NAME)); // checked against the whole-window graphs then
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(
                config(dir, List.of()).withVariant(CodaVariant.CODA_R4).withModelDir(dir)));
        assertTrue(e.getMessage().startsWith(r4.toString()) && e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void adaptiveLevelsTheFolderDoesNotShipAreRefusedNamingTheShippedOnes(@TempDir Path dir) throws IOException {
        copy(dir);
        Files.delete(dir.resolve(CodaVariant.CODA_R8.file(dir).getFileName()));
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(config(dir,
                List.of(CodaVariant.DENSE, CodaVariant.CODA_R4, CodaVariant.CODA_R8))));
        assertTrue(e.getMessage().contains("model.coda-r8.onnx")
                && e.getMessage().contains("0 (dense backbone), 1 (parallel adapter), 2 (CoDA r=2), 4 (CoDA r=4)"),
                e.getMessage());
    }
}
