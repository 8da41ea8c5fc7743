package org.codaasr.streams.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.recognizer.EncoderWork;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.RecognizerStream;
import org.codaasr.model.recognizer.StreamingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Windows that different tasks of one thread leave ready are encoded in one batched call, with equal results. */
class ThreadBatcherTest {

    static Recognizer recognizer;
    static float[] audio;

    @BeforeAll
    static void load() {
        recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(RecognitionTopologyTest.TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)));
        audio = java.util.Arrays.copyOf(AudioDecoder.load(RecognitionTopologyTest.DEV_FLAC, 16000).samples(), 16000 * 2);
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    private static RecognizerStream streamWith(float[] samples) {
        RecognizerStream s = recognizer.createStream();
        s.acceptWaveform(samples, 16000);
        return s;
    }

    @Test
    void readyStreamsOfSeveralTasksShareOneEncoderCall() {
        ThreadBatcher batcher = new ThreadBatcher(recognizer, 16);
        RecognizerStream taskA = streamWith(audio);
        RecognizerStream taskB = streamWith(audio);
        assertTrue(taskA.isReady() && taskB.isReady());
        batcher.add(taskA);
        batcher.add(taskB);
        batcher.add(taskA); // a stream is pending once
        assertEquals(2, batcher.size());

        EncoderWork before = recognizer.encoderWork();
        batcher.decode();
        EncoderWork done = recognizer.encoderWork().minus(before);

        assertEquals(2 * done.calls(), done.windows(), "every call carried both streams' windows");
        assertFalse(taskA.isReady() || taskB.isReady(), "all ready windows were encoded");
        assertEquals(0, batcher.size());

        RecognizerStream alone = streamWith(audio);
        recognizer.decode(alone);
        assertEquals(alone.partial().text(), taskA.partial().text(), "batching does not change the result");
        assertEquals(alone.partial().text(), taskB.partial().text());
    }

    @Test
    void streamsOfAClosedTaskAreForgotten() {
        ThreadBatcher batcher = new ThreadBatcher(recognizer, 16);
        RecognizerStream gone = streamWith(audio);
        batcher.add(gone);
        batcher.remove(List.of(gone));
        assertEquals(0, batcher.size());
        EncoderWork before = recognizer.encoderWork();
        batcher.decode();
        assertEquals(before.calls(), recognizer.encoderWork().calls(), "nothing left to encode");
        assertTrue(gone.isReady(), "the removed stream was not advanced");
    }

    @Test
    void eachTopologyOwnsOneBatcherPerStreamThread() throws Exception {
        PerStreamThread<ThreadBatcher> batchers = new PerStreamThread<>(() -> new ThreadBatcher(recognizer, 16));
        ThreadBatcher mine = batchers.current();
        assertTrue(mine == batchers.current(), "one per thread");
        ThreadBatcher[] other = new ThreadBatcher[1];
        Thread thread = new Thread(() -> other[0] = batchers.current());
        thread.start();
        thread.join();
        assertTrue(other[0] != null && other[0] != mine, "another stream thread has its own");
        PerStreamThread<ThreadBatcher> anotherTopology =
                new PerStreamThread<>(() -> new ThreadBatcher(recognizer, 16));
        assertTrue(anotherTopology.current() != mine, "topologies share nothing");
    }

    @Test
    void maxBatchSplitsTheCalls() {
        ThreadBatcher batcher = new ThreadBatcher(recognizer, 2);
        for (int i = 0; i < 5; i++) {
            batcher.add(streamWith(audio));
        }
        EncoderWork before = recognizer.encoderWork();
        batcher.decode();
        EncoderWork done = recognizer.encoderWork().minus(before);
        long windows = done.windows();
        long calls = done.calls();
        assertTrue(calls >= 3 && windows <= 2 * calls, calls + " calls for " + windows + " windows with maxBatch 2");
    }
}
