package org.codaasr.streams.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.codaasr.messages.AudioChunker;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recognition topology on {@link TopologyTestDriver} with the tiny test model (real ONNX graph, random weights):
 * ordering, duplicates, dead letters, idle finalization. Results are compared between orderings of the same audio,
 * so they hold whatever the model outputs.
 */
class RecognitionTopologyTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");
    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    static Recognizer recognizer;
    static List<AudioChunk> chunks;

    @TempDir
    Path stateDir;

    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> audio;
    TestOutputTopic<String, Transcript> transcripts;
    TestOutputTopic<String, DeadLetter> dlq;

    @BeforeAll
    static void loadModel() {
        recognizer = Recognizer.load(RecognizerConfig.defaults().withModelDir(TINY)
                .withStreaming(new StreamingConfig(8, 16, 1.0, 25.0)));
        float[] samples = AudioDecoder.load(DEV_FLAC, 16000).samples();
        // 4 s of a real utterance in 250 ms chunks keeps the test quick
        float[] head = java.util.Arrays.copyOf(samples, 16000 * 4);
        chunks = new AudioChunker(250).split("s1", "utt-1", head, 16000, 1_000L);
    }

    @AfterAll
    static void closeModel() {
        recognizer.close();
    }

    @BeforeEach
    void startDriver() {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(stateDir).withIdleTimeoutMs(5_000);
        driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer), config.toProperties());
        audio = driver.createInputTopic(Topics.AUDIO, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        transcripts = driver.createOutputTopic(Topics.TRANSCRIPTS, Serdes.String().deserializer(),
                AsrSerdes.transcript().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, Serdes.String().deserializer(),
                AsrSerdes.deadLetter().deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
    }

    private void send(AudioChunk c) {
        audio.pipeInput(c.streamId(), AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, c));
        driver.advanceWallClockTime(Duration.ofMillis(25));
    }

    /** Sends with an explicit record timestamp (the data time the idle sweep follows). */
    private void send(AudioChunk c, long recordTimeMs) {
        audio.pipeInput(c.streamId(), AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, c), recordTimeMs);
        driver.advanceWallClockTime(Duration.ofMillis(25));
    }

    private List<Transcript> finalsAndCompletion() {
        List<Transcript> out = new ArrayList<>();
        for (Transcript t : transcripts.readValuesToList()) {
            if (t.kind() != Transcript.Kind.PARTIAL) {
                out.add(t);
            }
        }
        return out;
    }

    private List<Transcript> runInOrder() {
        chunks.forEach(this::send);
        return finalsAndCompletion();
    }

    private static List<String> texts(List<Transcript> ts) {
        return ts.stream().map(t -> t.segment() + "|" + t.streamComplete() + "|" + t.text()).toList();
    }

    @Test
    void theTopologyShowsItsStagesEachWithItsOwnStores() {
        TopologyDescription.Subtopology only = RecognitionTopology.build(StreamsAppConfig.defaults(), recognizer)
                .describe().subtopologies().iterator().next();
        Map<String, TopologyDescription.Node> nodes = new java.util.HashMap<>();
        only.nodes().forEach(n -> nodes.put(n.name(), n));
        java.util.function.Function<String, Set<String>> next = name -> nodes.get(name).successors().stream()
                .map(TopologyDescription.Node::name).collect(java.util.stream.Collectors.toSet());
        assertEquals(Set.of("validate"), next.apply("audio-source"));
        assertEquals(Set.of("order", "dlq-sink"), next.apply("validate"));
        assertEquals(Set.of("recognize", "dlq-sink"), next.apply("order"));
        assertEquals(Set.of("transcripts-sink", "dlq-sink"), next.apply("recognize"));
        assertEquals(Set.of(), ((TopologyDescription.Processor) nodes.get("validate")).stores());
        assertEquals(Set.of(RecognitionProcessor.STATE_STORE, RecognitionProcessor.JOURNAL_STORE),
                ((TopologyDescription.Processor) nodes.get("order")).stores());
        assertEquals(Set.of(RecognitionProcessor.STATE_STORE, RecognitionProcessor.JOURNAL_STORE,
                RecognitionProcessor.SNAPSHOT_STORE), ((TopologyDescription.Processor) nodes.get("recognize")).stores());
    }

    @Test
    void inOrderStreamEndsWithExactlyOneCompletionRecord() {
        List<Transcript> out = runInOrder();
        List<Transcript> complete = out.stream().filter(Transcript::streamComplete).toList();
        assertEquals(1, complete.size());
        Transcript last = out.get(out.size() - 1);
        assertTrue(last.streamComplete(), "completion comes last");
        String joined = String.join(" ", out.stream().filter(t -> !t.streamComplete()).map(Transcript::text)
                .filter(s -> !s.isBlank()).toList());
        assertEquals(joined, last.text());
        assertEquals("utt-1", last.utteranceId());
        assertTrue(dlq.isEmpty());
    }

    @Test
    void anAbortMarkerEndsTheStreamWithItsFinalsAndSaysSo() {
        List<Transcript> normal = runInOrder();
        closeDriver();
        startDriverFresh();
        AudioChunk last = chunks.get(chunks.size() - 1);
        chunks.subList(0, chunks.size() - 1).forEach(this::send);
        send(new AudioChunk(last.streamId(), last.sequence(), last.sampleRate(), last.encoding(), last.payload(),
                true, last.utteranceId(), last.captureTimeMs(), true));
        List<Transcript> aborted = finalsAndCompletion();
        assertEquals(texts(normal), texts(aborted), "the same finals and stream text");
        assertFalse(normal.get(normal.size() - 1).aborted(), "a normal end is no abort");
        Transcript complete = aborted.get(aborted.size() - 1);
        assertTrue(complete.streamComplete() && complete.aborted(), complete.toString());
        assertTrue(aborted.stream().filter(t -> !t.streamComplete()).noneMatch(Transcript::aborted));
        assertTrue(dlq.isEmpty());
    }

    @Test
    void duplicatesAreDroppedAndReorderedChunksGiveTheSameTranscript() {
        List<String> expected = texts(runInOrder());
        closeDriver();
        startDriverFresh();
        List<AudioChunk> shuffled = new ArrayList<>(chunks);
        java.util.Collections.swap(shuffled, 2, 3);
        java.util.Collections.swap(shuffled, 6, 8);
        shuffled.add(5, chunks.get(4)); // a duplicate
        shuffled.forEach(this::send);
        assertEquals(expected, texts(finalsAndCompletion()));
        assertTrue(dlq.isEmpty(), "duplicates and reordering are repaired, not rejected");
    }

    @Test
    void malformedAndInvalidRecordsGoToTheDeadLetterTopic() {
        audio.pipeInput("s1", new byte[] {1, 2, 3});
        AudioChunk tooFast = new AudioChunk("s2", 0, 96_000, AudioEncoding.PCM_S16LE, new byte[320], false, null, 0);
        send(tooFast);
        AudioChunk wrongKey = chunks.get(0);
        audio.pipeInput("other", AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, wrongKey));
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(3, letters.size());
        assertTrue(letters.get(0).reason().contains("malformed"), letters.get(0).reason());
        assertTrue(letters.get(1).reason().contains("96000"), letters.get(1).reason());
        assertTrue(letters.get(2).reason().contains("does not match"), letters.get(2).reason());
        assertEquals(Topics.AUDIO, letters.get(0).sourceTopic());
        assertTrue(transcripts.isEmpty());
    }

    @Test
    void sampleRateChangeAndLateChunksAreRejectedButTheStreamCompletes() {
        List<AudioChunk> withChange = new ArrayList<>(chunks);
        AudioChunk c3 = chunks.get(3);
        withChange.set(3, new AudioChunk(c3.streamId(), c3.sequence(), 8000, c3.encoding(), c3.payload(),
                false, c3.utteranceId(), c3.captureTimeMs()));
        withChange.forEach(this::send);
        send(new AudioChunk("s1", chunks.size() + 5L, 16000, AudioEncoding.PCM_S16LE, new byte[320], false, "utt-1",
                0));
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(2, letters.size());
        assertTrue(letters.get(0).reason().contains("sample rate changed"), letters.get(0).reason());
        assertTrue(letters.get(1).reason().contains("after its end-of-stream"), letters.get(1).reason());
        assertEquals(1, finalsAndCompletion().stream().filter(Transcript::streamComplete).count());
    }

    /** Float PCM as a producer in another language might send it: NaN and infinity are representable. */
    private static AudioChunk float32(AudioChunk c, float poison) {
        float[] samples = c.samples();
        samples[samples.length / 2] = poison;
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(samples.length * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : samples) {
            bytes.putFloat(f);
        }
        return new AudioChunk(c.streamId(), c.sequence(), c.sampleRate(), AudioEncoding.PCM_F32LE, bytes.array(),
                c.endOfStream(), c.utteranceId(), c.captureTimeMs());
    }

    @Test
    void chunksWithNonFiniteSamplesAreDeadLetteredAndTheStreamGoesOnAndEnds() {
        int poisoned = chunks.size() / 2;
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk c = chunks.get(i);
            send(i == poisoned ? float32(c, Float.NaN) : i == chunks.size() - 1 ? float32(c, Float.POSITIVE_INFINITY)
                    : c);
        }
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(2, letters.size(), letters.toString());
        assertTrue(letters.get(0).reason().contains("chunk " + poisoned + " of stream 's1': sample 2000 is NaN"),
                letters.get(0).reason());
        assertTrue(letters.get(1).reason().contains("Infinity") && letters.get(1).reason().contains("ends without it"),
                letters.get(1).reason());
        List<Transcript> complete = finalsAndCompletion().stream().filter(Transcript::streamComplete).toList();
        assertEquals(1, complete.size(), "the stream still ends, once");
        assertFalse(complete.get(0).text().contains("NaN"));
    }

    @Test
    void aStreamWithoutEndOfStreamIsFinalizedAfterTheIdleTimeout() {
        chunks.subList(0, chunks.size() - 1).forEach(this::send);
        assertFalse(transcripts.readValuesToList().stream().anyMatch(Transcript::streamComplete));
        for (int s = 0; s < 7; s++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1)); // a running member sweeps every second
        }
        assertEquals(1, finalsAndCompletion().stream().filter(Transcript::streamComplete).count());
    }

    /**
     * Issue 31: the member crashes mid-stream and is back only 12 s later, and for 11 s more (model load, restore,
     * a crashed member's open transaction) its consumer reads nothing, while the producer never stopped. The new
     * member starts on the crashed one's stores (what a restore gives it); then it reads the backlog. The stream
     * must end once, on its own end-of-stream, with the finals of an uninterrupted run.
     */
    @Test
    void aRestartSlowerThanTheIdleTimeoutClosesNoStreamEarly() {
        closeDriver();
        long w0 = 1_790_000_000_000L;
        startDriverAt(stateDir.resolve("uninterrupted"), w0);
        List<AudioChunk> live = realTime(w0);
        live.forEach(c -> sendLive(c));
        List<String> uninterrupted = texts(finalsAndCompletion());
        closeDriver();

        startDriverAt(stateDir.resolve("crashed"), w0);
        int half = live.size() / 2;
        live.subList(0, half).forEach(c -> sendLive(c));
        List<Transcript> out = new ArrayList<>(finalsAndCompletion());
        Map<String, List<KeyValue<String, Object>>> stores = storeContents();
        closeDriver(); // kill -9

        long crashMs = wallMs;
        startDriverAt(stateDir.resolve("restarted"), crashMs + 12_000);
        restore(stores);
        idleFor(11_000); // running, sweeping, and not a record yet
        assertEquals(List.of(), finalsAndCompletion().stream().filter(Transcript::streamComplete).toList(),
                "nothing is closed while the consumer has not caught up");
        for (AudioChunk c : live.subList(half, live.size())) {
            sendAt(c, c.captureTimeMs()); // the backlog, 23 s behind its producer, read as fast as it decodes
        }
        out.addAll(finalsAndCompletion());
        assertEquals(List.of(), dlq.readValuesToList());
        assertEquals(uninterrupted, texts(out), "one stream-complete, on the stream's own end, and the same finals");
        assertTrue(out.stream().allMatch(t -> t.reopened() == 0), "never reopened");
    }

    /** A producer that pauses 7 s (idle timeout 5 s) and then sends more: two stream-completes, the second says so. */
    @Test
    void aProducerPauseLongerThanTheIdleTimeoutReopensTheStreamAndTheRecordsSaySo() {
        closeDriver();
        long w0 = 1_790_000_000_000L;
        startDriverAt(stateDir.resolve("pause"), w0);
        List<AudioChunk> live = realTime(w0);
        int half = live.size() / 2;
        live.subList(0, half).forEach(c -> sendLive(c));
        idleFor(7_000);
        List<Transcript> first = finalsAndCompletion();
        assertEquals(1, first.stream().filter(Transcript::streamComplete).count(), texts(first).toString());
        assertEquals(0, first.get(first.size() - 1).reopened());
        for (AudioChunk c : live.subList(half, live.size())) {
            sendLive(c.withCaptureTimeMs(c.captureTimeMs() + 7_000)); // the producer goes on after its pause
        }
        List<Transcript> second = transcripts.readValuesToList();
        assertEquals(List.of(), dlq.readValuesToList());
        Transcript end = second.get(second.size() - 1);
        assertTrue(end.streamComplete(), texts(second).toString());
        assertTrue(second.stream().allMatch(t -> t.reopened() == 1), "every record after the pause says reopened=1");
    }

    @Test
    void aBacklogReadSlowerThanRealTimeIsNotCutShortByTheWallClock() {
        List<Transcript> uninterrupted = runInOrder();
        closeDriver();
        startDriverFresh();
        long t0 = 1_800_000_000_000L;
        int half = chunks.size() / 2;
        for (int i = 0; i < half; i++) {
            send(chunks.get(i), t0 + i * 250L);
        }
        // another stream's backlog is read while the wall clock runs 12 s ahead of 1.2 s of data: s1 sent nothing
        // in those 1.2 s of data time, far less than the 5 s idle timeout, so it must stay open
        List<AudioChunk> other = new AudioChunker(100).split("s2", "utt-2", new float[1600 * 12], 16000, t0);
        for (int k = 0; k < 12; k++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            send(other.get(k), t0 + half * 250L + k * 100L);
        }
        for (int i = half; i < chunks.size(); i++) {
            send(chunks.get(i), t0 + half * 250L + 1_200L + (i - half) * 250L);
        }
        List<Transcript> out = finalsAndCompletion().stream().filter(t -> t.streamId().equals("s1")).toList();
        assertEquals(List.of(), dlq.readValuesToList(), "no chunk of s1 may arrive after an early finalization");
        assertEquals(texts(uninterrupted), texts(out), "the same finals as without the backlog");
    }

    @Test
    void aStreamWhoseProducerStopsIsFinalizedOnceStreamTimeMovesOnWithoutIt() {
        long t0 = 1_800_000_000_000L;
        for (int i = 0; i < chunks.size() - 1; i++) {
            send(chunks.get(i), t0 + i * 250L); // no end-of-stream: the producer went away
        }
        List<AudioChunk> other = new AudioChunker(100).split("s2", "utt-2", new float[1600 * 80], 16000, t0);
        for (int k = 0; k < other.size() - 1; k++) {
            send(other.get(k), t0 + 4_000L + k * 100L); // s2 runs 8 s of data time on in the same partition
        }
        driver.advanceWallClockTime(Duration.ofMillis(1_000)); // one sweep; the partition was never quiet
        List<Transcript> complete = finalsAndCompletion().stream().filter(Transcript::streamComplete).toList();
        assertEquals(List.of("s1"), complete.stream().map(Transcript::streamId).toList(),
                "s1 closed by stream time, s2 still open");
    }

    @Test
    void audioAfterAnIdleCloseReopensTheStreamInsteadOfBeingLost() {
        int half = chunks.size() / 2;
        chunks.subList(0, half).forEach(this::send);
        idleFor(7_000); // producer silent: the partition is quiet, s1 is closed
        List<Transcript> first = finalsAndCompletion();
        Transcript firstEnd = first.get(first.size() - 1);
        assertTrue(firstEnd.streamComplete());
        chunks.subList(half, chunks.size()).forEach(this::send); // ... and then it goes on
        List<Transcript> second = finalsAndCompletion();
        assertEquals(List.of(), dlq.readValuesToList(), "the late audio is decoded, not dead-lettered");
        Transcript secondEnd = second.get(second.size() - 1);
        assertTrue(secondEnd.streamComplete(), texts(second).toString());
        List<Long> segments = new ArrayList<>();
        first.stream().filter(t -> t.kind() == Transcript.Kind.FINAL).forEach(t -> segments.add(t.segment()));
        second.stream().filter(t -> t.kind() == Transcript.Kind.FINAL).forEach(t -> segments.add(t.segment()));
        assertEquals(segments.stream().distinct().sorted().toList(), segments, "segment numbers continue");
        String allFinals = String.join(" ", java.util.stream.Stream.concat(first.stream(), second.stream())
                .filter(t -> t.kind() == Transcript.Kind.FINAL).map(Transcript::text).filter(x -> !x.isBlank())
                .toList());
        assertEquals(allFinals, secondEnd.text(), "the new stream-complete record holds every final");
    }

    @Test
    void recordKindsAreUnambiguous() {
        List<Transcript> all = new ArrayList<>();
        chunks.forEach(c -> {
            send(c);
            all.addAll(transcripts.readValuesToList());
        });
        Map<Long, Long> finalsPerSegment = new java.util.TreeMap<>();
        for (Transcript t : all) {
            if (t.kind() == Transcript.Kind.FINAL) {
                finalsPerSegment.merge(t.segment(), 1L, Long::sum);
            }
            assertFalse(t.isFinal() && t.streamComplete(), "a record is a final or the stream's end, not both");
        }
        assertEquals(1, all.stream().filter(t -> t.kind() == Transcript.Kind.STREAM_COMPLETE).count());
        assertTrue(!finalsPerSegment.isEmpty() && finalsPerSegment.values().stream().allMatch(n -> n == 1),
                "one final per segment: " + finalsPerSegment);
    }

    @Test
    void aGapLongerThanTheReorderWindowIsReportedAndSkipped() {
        closeDriver();
        StreamsAppConfig narrow = StreamsAppConfig.builder().bootstrapServers("dummy:9092").stateDir(stateDir)
                .reorderWindow(3).build();
        driver = new TopologyTestDriver(RecognitionTopology.build(narrow, recognizer), narrow.toProperties());
        wireTopics();
        for (int i = 0; i < chunks.size(); i++) {
            if (i != 2) {
                send(chunks.get(i));
            }
        }
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(1, letters.size());
        assertTrue(letters.get(0).reason().contains("chunks 2..2 never arrived"), letters.get(0).reason());
        assertEquals(1, finalsAndCompletion().stream().filter(Transcript::streamComplete).count());
    }

    @Test
    void aSnapshotThisModelCannotReadIsDeadLetteredAndTheStreamGoesOn() {
        List<String> expected = texts(runInOrder());
        closeDriver();
        startDriverFresh();
        // what a restart with another model finds: the stream's status, and a snapshot this model cannot read
        KeyValueStore<String, StreamState> states = driver.getKeyValueStore(RecognitionProcessor.STATE_STORE);
        KeyValueStore<String, byte[]> snapshots = driver.getKeyValueStore(RecognitionProcessor.SNAPSHOT_STORE);
        states.put("s1", StreamState.start("utt-1", 16000, 1_000L));
        snapshots.put("s1", new byte[] {99, 0, 0, 0});
        chunks.forEach(this::send);
        assertEquals(expected, texts(finalsAndCompletion()), "decoding went on from the journal");
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(1, letters.size(), letters.toString());
        assertTrue(letters.get(0).reason().contains("snapshot cannot be restored (corrupt recognizer stream snapshot (4 bytes): snapshot version 99"),
                letters.get(0).reason());
        assertEquals(RecognitionProcessor.SNAPSHOT_STORE, letters.get(0).sourceTopic());
        assertEquals(4, letters.get(0).originalValue().length, "the unreadable snapshot is kept in the dead letter");
    }

    @Test
    void aStreamTheRecognizerFailsOnIsDeadLetteredWhileItsNeighbourGoesOn() {
        List<String> expected = texts(runInOrder());
        closeDriver();
        startDriverFresh();
        // a snapshot that restores but whose feature offset is far off (as a buggy older version could have written):
        // the recognizer throws on this stream's windows
        RecognizerStream donor = recognizer.createStream();
        for (AudioChunk c : chunks.subList(0, 8)) {
            donor.acceptWaveform(c.samples(), c.sampleRate());
        }
        byte[] snapshot = donor.snapshot();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(snapshot);
        int featureBaseAt = 1 + 4 + b.getInt(1);
        b.putInt(featureBaseAt, b.getInt(featureBaseAt) + 100_000);
        List<AudioChunk> bad = plantRestoredStream("bad", snapshot);
        for (int i = 0; i < chunks.size(); i++) {
            send(chunks.get(i));
            send(bad.get(i));
        }
        List<Transcript> all = transcripts.readValuesToList();
        List<Transcript> healthy = all.stream().filter(t -> t.streamId().equals("s1") && t.kind() != Transcript.Kind.PARTIAL)
                .toList();
        assertEquals(expected, texts(healthy), "the healthy stream in the same partition is unaffected");
        List<DeadLetter> letters = dlq.readValuesToList();
        assertFalse(letters.isEmpty());
        assertTrue(letters.stream().allMatch(l -> "bad".equals(l.key())), letters.toString());
        String first = letters.get(0).reason();
        assertTrue(first.startsWith("stream 'bad': decoding failed after")
                && first.contains("the stream is closed"), first);
        assertEquals(1, all.stream().filter(t -> t.streamId().equals("bad") && t.streamComplete()).count(),
                "the failing stream is closed once, cleanly");
        assertTrue(letters.subList(1, letters.size()).stream()
                .allMatch(l -> l.reason().contains("arrived after its end-of-stream")), letters.toString());
    }

    @Test
    void chunksTheRecognizerThrowsOnAreDeadLetteredWithTheExceptionAndTheApplicationGoesOn() {
        List<String> expected = texts(runInOrder());
        closeDriver();
        startDriverFresh();
        // a stream whose restored recognizer state has already finished its input: the real recognizer throws
        // IllegalStateException on every chunk given to it, which a poison pill must not turn into a crash loop
        RecognizerStream donor = recognizer.createStream();
        for (AudioChunk c : chunks.subList(0, 4)) {
            donor.acceptWaveform(c.samples(), c.sampleRate());
        }
        donor.inputFinished();
        while (donor.pollFinal() != null) {
            // drained: a snapshot holds no undelivered finals
        }
        List<AudioChunk> bad = plantRestoredStream("bad", donor.snapshot());
        long t0 = 1_800_000_000_000L;
        for (int i = 0; i < chunks.size(); i++) {
            send(chunks.get(i), t0 + i * 250L);
            send(bad.get(i), t0 + i * 250L);
        }
        List<Transcript> all = transcripts.readValuesToList();
        assertEquals(expected, texts(all.stream()
                        .filter(t -> t.streamId().equals("s1") && t.kind() != Transcript.Kind.PARTIAL).toList()),
                "the healthy stream in the same partition is unaffected");
        List<DeadLetter> letters = dlq.readValuesToList();
        assertEquals(bad.size(), letters.size(), "each chunk the recognizer threw on is dead-lettered once");
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter l = letters.get(i);
            assertEquals("bad", l.key());
            assertTrue(l.reason().equals("stream 'bad': chunk " + i + " made the recognizer fail (stream input already"
                    + " finished; create a new stream for more audio); the stream goes on without it"), l.reason());
            assertEquals(IllegalStateException.class.getName(), l.errorClass(), "the exception travels with it");
            assertEquals(bad.get(i), AsrSerdes.audioChunk().deserializer().deserialize(Topics.AUDIO,
                    l.originalValue()), "the dead letter keeps the chunk itself");
        }
        // the stream is still open (its end-of-stream was among the failures): it closes once on data time
        List<AudioChunk> other = new AudioChunker(100).split("s2", "utt-2", new float[1600 * 80], 16000, t0);
        for (int k = 0; k < other.size() - 1; k++) {
            send(other.get(k), t0 + 4_000L + k * 100L);
        }
        driver.advanceWallClockTime(Duration.ofMillis(1_000));
        assertEquals(1, transcripts.readValuesToList().stream()
                .filter(t -> t.streamId().equals("bad") && t.streamComplete()).count(), "closed once, cleanly");
        assertEquals(List.of(), dlq.readValuesToList(), "closing it throws nothing more");
    }

    /**
     * What a restarted instance finds for stream {@code id}: its status and {@code snapshot} in the stores (the
     * journal empty); returns the stream's chunks (the same 4 s of the dev utterance) for the test to send.
     */
    private List<AudioChunk> plantRestoredStream(String id, byte[] snapshot) {
        KeyValueStore<String, StreamState> states = driver.getKeyValueStore(RecognitionProcessor.STATE_STORE);
        KeyValueStore<String, byte[]> snapshots = driver.getKeyValueStore(RecognitionProcessor.SNAPSHOT_STORE);
        states.put(id, StreamState.start("utt-" + id, 16000, 1_000L));
        snapshots.put(id, snapshot);
        return new AudioChunker(250).split(id, "utt-" + id,
                java.util.Arrays.copyOf(AudioDecoder.load(DEV_FLAC, 16000).samples(), 16000 * 4), 16000, 1_000L);
    }

    /** The driver's wall clock, for drivers started by {@link #startDriverAt}. */
    private long wallMs;

    private void startDriverAt(Path dir, long wall) {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(dir).withIdleTimeoutMs(5_000);
        driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer), config.toProperties(),
                java.time.Instant.ofEpochMilli(wall));
        wallMs = wall;
        wireTopics();
    }

    /** The test utterance as a real-time producer sends it from {@code startMs}: one 250 ms chunk every 250 ms. */
    private static List<AudioChunk> realTime(long startMs) {
        return chunks.stream().map(c -> c.withCaptureTimeMs(startMs + c.sequence() * 250L)).toList();
    }

    /** Sends a chunk when its producer sends it: the wall clock moves to its capture time, the record carries it. */
    private void sendLive(AudioChunk c) {
        if (c.captureTimeMs() > wallMs) {
            driver.advanceWallClockTime(Duration.ofMillis(c.captureTimeMs() - wallMs));
            wallMs = c.captureTimeMs();
        }
        sendAt(c, c.captureTimeMs());
    }

    private void sendAt(AudioChunk c, long recordTimeMs) {
        audio.pipeInput(c.streamId(), AsrSerdes.audioChunk().serializer().serialize(Topics.AUDIO, c), recordTimeMs);
        driver.advanceWallClockTime(Duration.ofMillis(25));
        wallMs += 25;
    }

    /** Lets the wall clock run with no record, a second at a time as the member's sweeps run. */
    private void idleFor(long ms) {
        for (long t = 0; t < ms; t += 1_000) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            wallMs += 1_000;
        }
    }

    private static final List<String> STORES = List.of(RecognitionProcessor.STATE_STORE,
            RecognitionProcessor.SNAPSHOT_STORE, RecognitionProcessor.JOURNAL_STORE);

    /** What the changelogs hold for the three stores when the member dies. */
    private Map<String, List<KeyValue<String, Object>>> storeContents() {
        Map<String, List<KeyValue<String, Object>>> contents = new java.util.HashMap<>();
        for (String name : STORES) {
            List<KeyValue<String, Object>> entries = new ArrayList<>();
            KeyValueStore<String, Object> store = driver.getKeyValueStore(name);
            try (var it = store.all()) {
                it.forEachRemaining(entries::add);
            }
            contents.put(name, entries);
        }
        return contents;
    }

    /** A restarted member's stores, as its restore from the changelogs leaves them. */
    private void restore(Map<String, List<KeyValue<String, Object>>> contents) {
        contents.forEach((name, entries) -> {
            KeyValueStore<String, Object> store = driver.getKeyValueStore(name);
            entries.forEach(kv -> store.put(kv.key, kv.value));
        });
    }

    private void startDriverFresh() {
        StreamsAppConfig config = StreamsAppConfig.defaults().withStateDir(stateDir.resolve("fresh"))
                .withIdleTimeoutMs(5_000);
        driver = new TopologyTestDriver(RecognitionTopology.build(config, recognizer), config.toProperties());
        wireTopics();
    }

    private void wireTopics() {
        audio = driver.createInputTopic(Topics.AUDIO, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        transcripts = driver.createOutputTopic(Topics.TRANSCRIPTS, Serdes.String().deserializer(),
                AsrSerdes.transcript().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, Serdes.String().deserializer(),
                AsrSerdes.deadLetter().deserializer());
    }
}
