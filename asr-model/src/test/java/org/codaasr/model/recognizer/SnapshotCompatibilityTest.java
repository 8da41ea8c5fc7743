package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.junit.jupiter.api.Test;

/**
 * Snapshots written before the recognizer was split into model families (version 5, kept in
 * {@code src/test/resources/snapshots}: 5 s of a dev utterance in 100 ms chunks, mid-segment) are what the split
 * recognizer writes at the same point, byte for byte, and a stream restored from one ends with the finals of an
 * uninterrupted stream: restarts from existing state stores keep working.
 */
class SnapshotCompatibilityTest {

    static final Path SNAPSHOTS = Path.of("asr-model/src/test/resources/snapshots");
    static final int CHUNK = 1600;
    static final int SNAPSHOT_AT = 16000 * 5;

    @Test
    void aCachedStreamsOldSnapshotIsReadAndWrittenAsBefore() throws IOException {
        check(RecognizerConfig.defaults().withModelDir(CachedStreamingTest.TINY), "tiny-streaming-ctc-v5.bin", true);
    }

    @Test
    void aWindowedStreamsOldSnapshotIsReadAndWrittenAsBefore() throws IOException {
        check(RecognizerConfig.defaults().withModelDir(RecognizerTest.TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)), "tiny-ctc-v5.bin", false);
    }

    private static void check(RecognizerConfig config, String file, boolean cached) throws IOException {
        byte[] old = Files.readAllBytes(SNAPSHOTS.resolve(file));
        AudioData audio = AudioDecoder.load(RecognizerTest.DEV_FLAC, 16000);
        float[] s = audio.samples();
        try (Recognizer recognizer = Recognizer.load(config)) {
            RecognizerStream whole = recognizer.createStream();
            List<RecognitionResult> expected = new ArrayList<>();
            byte[] now = null;
            for (int i = 0; i < s.length; i += CHUNK) {
                whole.acceptWaveform(Arrays.copyOfRange(s, i, Math.min(s.length, i + CHUNK)), 16000);
                recognizer.decode(whole);
                whole.drainFinals(expected);
                if (i + CHUNK == SNAPSHOT_AT) {
                    assertEquals(cached, whole.holdsEncoderContext());
                    now = whole.snapshot();
                }
            }
            recognizer.finish(whole, expected);
            assertArrayEquals(old, now, "the snapshot's bytes at the same point");

            RecognizerStream restored = recognizer.restoreStream(old);
            List<RecognitionResult> got = new ArrayList<>();
            recognizer.feed(restored, Arrays.copyOfRange(s, SNAPSHOT_AT, s.length), 16000, CHUNK, got);
            recognizer.finish(restored, got);
            assertTrue(expected.size() > 0 && expected.stream().anyMatch(r -> !r.isEmpty()));
            assertEquals(expected, got);
        }
    }
}
