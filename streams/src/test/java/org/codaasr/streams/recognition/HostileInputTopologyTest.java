package org.codaasr.streams.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunkSerde;
import org.codaasr.messages.AudioChunkValidator;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy stream with two thousand hostile records interleaved in its partition: random bytes, mutated and
 * truncated chunks, forged sample rates (0, 10^9), negative sequences, NaN and infinite float samples, empty and
 * 10 MB payloads, keys that do not match. The healthy stream's transcript must be what it is without them, every
 * record the serde or the validator rejects must be in {@code asr.dlq}, and nothing may throw.
 */
class HostileInputTopologyTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");
    static final int HOSTILE = 2000;

    static Recognizer recognizer;
    static List<AudioChunk> healthy;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void load() {
        recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)));
        float[] samples = Files.isRegularFile(DEV_FLAC)
                ? java.util.Arrays.copyOf(AudioDecoder.load(DEV_FLAC, 16000).samples(), 16000 * 3)
                : tone(16000 * 3);
        healthy = new AudioChunker(250).split("healthy", "utt", samples, 16000, 1_000L);
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    private static float[] tone(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 16000.0));
        }
        return s;
    }

    private record Result(List<String> healthyFinals, List<DeadLetter> deadLetters) {}

    private Result run(List<byte[]> hostile, List<String> hostileKeys, Path dir) {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(dir);
        try (TopologyTestDriver driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer),
                config.toProperties())) {
            TestInputTopic<String, byte[]> audio = driver.createInputTopic(Topics.AUDIO, Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            TestOutputTopic<String, Transcript> transcripts = driver.createOutputTopic(Topics.TRANSCRIPTS,
                    Serdes.String().deserializer(), AsrSerdes.transcript().deserializer());
            TestOutputTopic<String, DeadLetter> dlq = driver.createOutputTopic(Topics.DLQ,
                    Serdes.String().deserializer(), AsrSerdes.deadLetter().deserializer());
            int perChunk = hostile.isEmpty() ? 0 : hostile.size() / healthy.size() + 1;
            int h = 0;
            for (AudioChunk c : healthy) {
                for (int i = 0; i < perChunk && h < hostile.size(); i++, h++) {
                    audio.pipeInput(hostileKeys.get(h), hostile.get(h));
                }
                audio.pipeInput(c.streamId(), AudioChunkSerde.encode(c));
                driver.advanceWallClockTime(Duration.ofMillis(25));
            }
            List<String> finals = new ArrayList<>();
            for (Transcript t : transcripts.readValuesToList()) {
                if (t.streamId().equals("healthy") && t.kind() != Transcript.Kind.PARTIAL) {
                    finals.add(t.kind() + "|" + t.segment() + "|" + t.text());
                }
            }
            return new Result(finals, dlq.readValuesToList());
        }
    }

    @Test
    void hostileRecordsAreDeadLetteredAndTheHealthyStreamIsUnchanged() {
        Result clean = run(List.of(), List.of(), stateDir.resolve("clean"));
        assertTrue(clean.healthyFinals().stream().anyMatch(f -> f.startsWith("STREAM_COMPLETE")), clean.toString());

        Random random = new Random(20261203);
        List<byte[]> hostile = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int expectedRejections = 0;
        for (int i = 0; i < HOSTILE; i++) {
            String streamId = "hostile-" + (i % 50);
            byte[] bytes = hostileRecord(random, streamId, i);
            // a mismatching key is itself a reason to reject; half the records carry the healthy stream's key
            String key = random.nextBoolean() ? streamId : "healthy";
            hostile.add(bytes);
            keys.add(key);
            if (rejected(bytes, key)) {
                expectedRejections++;
            }
        }
        Result attacked = run(hostile, keys, stateDir.resolve("attacked"));
        assertEquals(clean.healthyFinals(), attacked.healthyFinals(), "the healthy stream's finals");
        long rejectedDeadLetters = attacked.deadLetters().stream().filter(d -> d.reason().startsWith("malformed")
                || d.reason().contains("does not match the chunk's stream id") || isValidatorReason(d)).count();
        assertTrue(rejectedDeadLetters >= expectedRejections, "every rejected record is dead-lettered: "
                + rejectedDeadLetters + " of " + expectedRejections);
        assertTrue(attacked.deadLetters().stream().allMatch(d -> d.reason() != null && !d.reason().isBlank()));
        assertTrue(attacked.deadLetters().stream().noneMatch(d -> "healthy".equals(d.key())
                && d.reason().contains("arrived after its end-of-stream")), "no healthy audio lost");
    }

    private static boolean isValidatorReason(DeadLetter d) {
        return d.errorClass() == null && !d.reason().contains("arrived after")
                && !d.reason().contains("never arrived") && !d.reason().contains("sample rate changed");
    }

    /** What the processor must reject up front: unreadable bytes, a key that is not the stream's, invalid values. */
    private static boolean rejected(byte[] bytes, String key) {
        AudioChunk chunk;
        try {
            chunk = AudioChunkSerde.decode(bytes);
        } catch (SerializationException e) {
            return true;
        }
        return !key.equals(chunk.streamId()) || AudioChunkValidator.defaults().validate(chunk).isPresent();
    }

    private static byte[] hostileRecord(Random random, String streamId, int i) {
        switch (i % 8) {
            case 0: { // random bytes
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                return b;
            }
            case 1: { // a valid chunk with one byte changed
                byte[] b = AudioChunkSerde.encode(chunk(streamId, random.nextInt(40), 16000, new byte[3200]));
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
            case 2: { // truncated
                byte[] b = AudioChunkSerde.encode(chunk(streamId, random.nextInt(40), 16000, new byte[3200]));
                return java.util.Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 3: // forged sample rates
                return AudioChunkSerde.encode(chunk(streamId, 0, random.nextBoolean() ? 0 : 1_000_000_000,
                        new byte[3200]));
            case 4: // negative sequence numbers
                return AudioChunkSerde.encode(chunk(streamId, -1 - random.nextInt(1000), 16000, new byte[3200]));
            case 5: { // NaN and infinite float samples
                java.nio.ByteBuffer f = java.nio.ByteBuffer.allocate(6400).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int s = 0; s < 1600; s++) {
                    f.putFloat(s % 3 == 0 ? Float.NaN : s % 3 == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
                }
                return AudioChunkSerde.encode(new AudioChunk(streamId, i / 8 % 40, 16000, AudioEncoding.PCM_F32LE,
                        f.array(), false, null, 1_000L));
            }
            case 6: // an empty payload that is not the end of the stream, or 10 MB of it
                return AudioChunkSerde.encode(chunk(streamId, 1, 16000,
                        random.nextInt(20) == 0 ? new byte[10 * 1024 * 1024] : new byte[0]));
            default: // odd payload sizes
                return AudioChunkSerde.encode(chunk(streamId, 2, 16000, new byte[1 + 2 * random.nextInt(100)]));
        }
    }

    private static AudioChunk chunk(String streamId, long sequence, int rate, byte[] payload) {
        return new AudioChunk(streamId, sequence, rate, AudioEncoding.PCM_S16LE, payload, false, null, 1_000L);
    }
}
