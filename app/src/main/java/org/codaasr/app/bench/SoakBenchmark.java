package org.codaasr.app.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.codaasr.app.pipeline.Pipeline;
import org.codaasr.app.pipeline.PipelineConfig;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsAppConfig;
import org.codaasr.streams.recognition.RecognitionProcessor;
import org.codaasr.streams.recognition.StreamState;

/**
 * A long run: {@code streams} real-time streams for {@code minutes}, a new utterance starting whenever one ends,
 * sampled every {@code sampleSeconds}: heap after the last collection, resident memory, state-store entries and the
 * bytes of the open streams' chunk journals and recognizer snapshots, the recognition group's lag on
 * {@code asr.audio}, streams and audio completed, final latency. Memory per open stream is the heap above the level
 * measured before the load started, divided by the streams. It passes when neither
 * memory (heap after GC, resident set) nor lag grows: the last third of the samples may not exceed the first third
 * (after the warm-up sample) by more than the allowances below.
 */
public final class SoakBenchmark {

    /**
     * Heap after GC may grow by this share of its early level, or by {@link #HEAP_GROWTH_ALLOWED_BYTES}, whichever is
     * more, before it counts as a leak: the monitor in this JVM keeps every result (about 2 KB per utterance) and
     * ended streams keep a small status entry for 10 minutes, while a leaked recognizer stream would hold megabytes.
     */
    static final double HEAP_GROWTH_ALLOWED = 0.25;
    static final long HEAP_GROWTH_ALLOWED_BYTES = 64L << 20;
    /**
     * Resident memory may grow by this share of its early level, or by {@link #RSS_GROWTH_ALLOWED_BYTES}: the JVM
     * commits heap lazily and ONNX Runtime's arenas grow to the largest batch seen, both bounded.
     */
    static final double RSS_GROWTH_ALLOWED = 0.25;
    static final long RSS_GROWTH_ALLOWED_BYTES = 256L << 20;
    /** Lag may grow by this many records (a few chunks per stream in flight) before it counts as falling behind. */
    static final long LAG_GROWTH_ALLOWED_PER_STREAM = 20;

    /**
     * One sample of a soak run.
     *
     * @param stateEntries  stream status entries: open streams, and ended ones kept a while against late chunks
     * @param openStreams   status entries of streams not yet ended
     * @param journalBytes  serialized chunks in the journal (chunks since each open stream's last snapshot)
     * @param snapshotBytes recognizer snapshots of the open streams
     */
    public record Sample(double atSeconds, long heapAfterGcBytes, long rssBytes, long stateEntries, long openStreams,
            long journalEntries, long journalBytes, long snapshotEntries, long snapshotBytes, long lagRecords,
            int completed, double audioSecondsCompleted, long finalP95Ms) {}

    /**
     * Mean memory per open stream over the judged samples; -1 where no sample had a figure.
     *
     * @param heapBytes             heap above the idle pipeline, per open stream: the recognizer's state and what the
     *                              Kafka clients buffer for the load (producer batches, fetched records)
     * @param recognizerStreamBytes the recognizer's own state alone (features, encoder caches, the beam search),
     *                              measured apart before the run
     */
    public record PerStream(long heapBytes, long recognizerStreamBytes, long journalBytes, long snapshotBytes) {}

    /** What a soak run measured, and whether it held. */
    public record Result(int streams, double minutes, long baselineHeapBytes, PerStream perStream,
            List<Sample> samples, boolean memoryHeld, boolean lagHeld, String verdict) {
        public boolean passed() {
            return memoryHeld && lagHeld;
        }
    }

    private final Recognizer recognizer;
    private final List<AudioItem> items;
    private final Map<Path, float[]> decoded = new ConcurrentHashMap<>();

    public SoakBenchmark(Recognizer recognizer, List<AudioItem> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("expected utterances to replay, got none");
        }
        this.recognizer = recognizer;
        this.items = List.copyOf(items);
        for (AudioItem item : items) {
            decoded.put(item.audio(), AudioLoader.decoder().load16k(item.audio()));
        }
    }

    public Result run(int streams, double minutes, double sampleSeconds, int partitions, int streamThreads,
            PrintStream progress) throws InterruptedException {
        double perStream = decoded.values().stream().mapToDouble(a -> a.length / 16000.0).average().orElse(1);
        int total = (int) Math.ceil(streams * (minutes * 60 / perStream)) + streams;
        List<AudioItem> load = BenchLoad.repeated(items, total, "soak");
        Set<String> ids = new HashSet<>();
        load.forEach(i -> ids.add(i.utteranceId()));
        String appId = "soak-" + System.currentTimeMillis();
        PipelineConfig config = PipelineConfig.embedded().withPartitions(partitions)
                .withStreams(StreamsAppConfig.builder().applicationId(appId).streamThreads(streamThreads).build());
        List<Sample> samples = new ArrayList<>();
        long recognizerStreamBytes = recognizerStreamBytes(streams);
        progress.printf("recognizer state: %.2f MB of heap per open stream (%d streams, each %.1f s into an "
                + "utterance)%n", recognizerStreamBytes / 1e6, streams, perStream * 0.8);
        long baselineHeap;
        try (Pipeline pipeline = Pipeline.start(config, recognizer, e -> { })) {
            baselineHeap = heapAfterGc(); // model, language model, broker and empty stores: what streams add to
            progress.printf("heap after GC before the load: %.1f MB%n", baselineHeap / 1e6);
            AtomicReference<Throwable> ingestFailure = new AtomicReference<>();
            Thread ingest = new Thread(() -> {
                try {
                    pipeline.ingest(load, IngestConfig.defaults().withRunId(appId).withConcurrency(streams)
                            .withRealtime(true), BenchLoad.predecoded(decoded));
                } catch (Throwable t) {
                    ingestFailure.set(t);
                }
            }, "soak-ingest");
            ingest.setDaemon(true);
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            ingest.start();
            progress.printf("%8s %10s %10s %8s %6s %8s %10s %9s %10s %8s %9s %11s %9s%n", "t (s)", "heap MB",
                    "RSS MB", "states", "open", "journal", "journal kB", "snapshots", "snap kB", "lag", "completed",
                    "audio s", "final p95");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    pipeline.bootstrapServers()))) {
                while (System.nanoTime() < end && ingestFailure.get() == null) {
                    Thread.sleep((long) (sampleSeconds * 1000));
                    Sample s = sample((System.nanoTime() - start) / 1e9, pipeline, admin, appId, ids);
                    samples.add(s);
                    progress.printf("%8.0f %10.1f %10.1f %8d %6d %8d %10.1f %9d %10.1f %8d %9d %11.0f %9d%n",
                            s.atSeconds(), s.heapAfterGcBytes() / 1e6, s.rssBytes() / 1e6, s.stateEntries(),
                            s.openStreams(), s.journalEntries(), s.journalBytes() / 1e3, s.snapshotEntries(),
                            s.snapshotBytes() / 1e3, s.lagRecords(), s.completed(), s.audioSecondsCompleted(),
                            s.finalP95Ms());
                }
            }
            Throwable failure = ingestFailure.get();
            ingest.interrupt(); // the rest of the load is not needed; closing the pipeline ends the ingest
            if (failure != null) {
                return new Result(streams, minutes, baselineHeap, perStream(streams, baselineHeap,
                        recognizerStreamBytes, samples), samples, false, false, "ingest failed: " + failure);
            }
        }
        return judge(streams, minutes, baselineHeap, recognizerStreamBytes, samples);
    }

    /** Compares the last third of the samples with the first third (the first sample, warm-up, left out). */
    static Result judge(int streams, double minutes, long baselineHeap, long recognizerStreamBytes,
            List<Sample> samples) {
        PerStream perStream = perStream(streams, baselineHeap, recognizerStreamBytes, samples);
        if (samples.size() < 4) {
            return new Result(streams, minutes, baselineHeap, perStream, samples, false, false, "too few samples ("
                    + samples.size() + ") to judge growth: run longer or sample more often");
        }
        List<Sample> usable = samples.subList(1, samples.size());
        int third = Math.max(1, usable.size() / 3);
        List<Sample> early = usable.subList(0, third);
        List<Sample> late = usable.subList(usable.size() - third, usable.size());
        double earlyHeap = early.stream().mapToLong(Sample::heapAfterGcBytes).max().orElse(0);
        double lateHeap = late.stream().mapToLong(Sample::heapAfterGcBytes).min().orElse(0);
        double earlyLag = early.stream().mapToLong(Sample::lagRecords).average().orElse(0);
        double lateLag = late.stream().mapToLong(Sample::lagRecords).average().orElse(0);
        double earlyRss = early.stream().mapToLong(Sample::rssBytes).max().orElse(0);
        double lateRss = late.stream().mapToLong(Sample::rssBytes).min().orElse(0);
        boolean heapHeld = lateHeap <= earlyHeap + Math.max(earlyHeap * HEAP_GROWTH_ALLOWED,
                HEAP_GROWTH_ALLOWED_BYTES);
        boolean rssHeld = lateRss <= earlyRss + Math.max(earlyRss * RSS_GROWTH_ALLOWED, RSS_GROWTH_ALLOWED_BYTES);
        boolean memory = heapHeld && rssHeld;
        boolean lag = lateLag <= earlyLag + LAG_GROWTH_ALLOWED_PER_STREAM * streams;
        String verdict = String.format(java.util.Locale.ROOT,
                "heap after GC: early max %.1f MB, late min %.1f MB (%s); RSS: early max %.1f MB, late min %.1f MB "
                        + "(%s); lag: early mean %.0f, late mean %.0f records (%s); per open stream: heap %.2f MB "
                        + "(recognizer state %.2f MB), journal %.1f kB, snapshot %.1f kB",
                earlyHeap / 1e6, lateHeap / 1e6, heapHeld ? "held" : "GROWS", earlyRss / 1e6, lateRss / 1e6,
                rssHeld ? "held" : "GROWS", earlyLag, lateLag, lag ? "held" : "GROWS",
                perStream.heapBytes() / 1e6, perStream.recognizerStreamBytes() / 1e6, perStream.journalBytes() / 1e3,
                perStream.snapshotBytes() / 1e3);
        return new Result(streams, minutes, baselineHeap, perStream, samples, memory, lag, verdict);
    }

    /** Means over the samples after the warm-up one: heap above the baseline and store bytes, per open stream. */
    static PerStream perStream(int streams, long baselineHeap, long recognizerStreamBytes, List<Sample> samples) {
        List<Sample> usable = samples.size() > 1 ? samples.subList(1, samples.size()) : samples;
        double heap = usable.stream().mapToLong(Sample::heapAfterGcBytes).average().orElse(Double.NaN);
        double journal = usable.stream().filter(s -> s.openStreams() > 0 && s.journalBytes() >= 0)
                .mapToDouble(s -> s.journalBytes() / (double) s.openStreams()).average().orElse(-1);
        double snapshot = usable.stream().filter(s -> s.openStreams() > 0 && s.snapshotBytes() >= 0)
                .mapToDouble(s -> s.snapshotBytes() / (double) s.openStreams()).average().orElse(-1);
        long heapPerStream = Double.isNaN(heap) ? -1 : Math.max(0, Math.round((heap - baselineHeap) / streams));
        return new PerStream(heapPerStream, recognizerStreamBytes, Math.round(journal), Math.round(snapshot));
    }

    private Sample sample(double atSeconds, Pipeline pipeline, Admin admin, String appId, Set<String> ids) {
        PipelineMonitor monitor = pipeline.monitor();
        int completed = 0;
        double audio = 0;
        for (Map.Entry<String, Transcript> e : monitor.completed().entrySet()) {
            if (ids.contains(e.getKey())) {
                completed++;
                audio += e.getValue().audioEndSeconds();
            }
        }
        List<Long> finals = monitor.finalLatencies(ids::contains);
        List<Long> recent = finals.subList(Math.max(0, finals.size() - 200), finals.size());
        KafkaStreams streams = pipeline.streams().recognition();
        long[] journal = entriesAndBytes(streams, RecognitionProcessor.JOURNAL_STORE);
        long[] snapshots = entriesAndBytes(streams, RecognitionProcessor.SNAPSHOT_STORE);
        return new Sample(atSeconds, heapAfterGc(), residentBytes(), entries(streams, RecognitionProcessor.STATE_STORE),
                openStreams(streams), journal[0], journal[1], snapshots[0], snapshots[1], lag(admin, appId), completed,
                audio, PipelineMonitor.percentile(recent, 95));
    }

    /**
     * Heap held per recognizer stream: {@code n} streams, each fed 80 % of an utterance in 100 ms chunks and decoded
     * as the pipeline decodes them (so each holds an open segment, its caches and its beam), measured after GC
     * against the heap before they existed.
     */
    long recognizerStreamBytes(int n) {
        long before = heapAfterGc();
        List<RecognizerStream> open = new ArrayList<>();
        List<float[]> audio = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            open.add(recognizer.createStream());
            float[] a = decoded.get(items.get(i % items.size()).audio());
            audio.add(java.util.Arrays.copyOf(a, (int) (a.length * 0.8)));
        }
        int longest = audio.stream().mapToInt(a -> a.length).max().orElse(0);
        List<RecognitionResult> finals = new ArrayList<>();
        for (int at = 0; at < longest; at += 1600) {
            for (int i = 0; i < n; i++) {
                float[] a = audio.get(i);
                if (at < a.length) {
                    open.get(i).acceptWaveform(java.util.Arrays.copyOfRange(a, at, Math.min(a.length, at + 1600)),
                            16000);
                }
            }
            recognizer.decode(open);
            open.forEach(st -> st.drainFinals(finals));
        }
        audio.clear();
        finals.clear();
        long after = heapAfterGc();
        java.lang.ref.Reference.reachabilityFence(open);
        return Math.max(0, (after - before) / n);
    }

    /** Heap in use right after a full collection asked for here (once per sample: a short pause, on purpose). */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size of this process (Linux), 0 where /proc is not there. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static long entries(KafkaStreams streams, String store) {
        try {
            ReadOnlyKeyValueStore<Object, Object> s = streams.store(
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
            return s.approximateNumEntries();
        } catch (RuntimeException e) {
            return -1; // being rebalanced or restored: no figure this time
        }
    }

    /** Entries and value bytes of a store of serialized values; -1, -1 while it is being rebalanced or restored. */
    private static long[] entriesAndBytes(KafkaStreams streams, String store) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> s = streams.store(
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, byte[]>keyValueStore()));
            long n = 0;
            long bytes = 0;
            try (KeyValueIterator<String, byte[]> it = s.all()) {
                while (it.hasNext()) {
                    n++;
                    bytes += it.next().value.length;
                }
            }
            return new long[] {n, bytes};
        } catch (RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** Status entries of streams that have not ended; -1 while the store is being rebalanced or restored. */
    private static long openStreams(KafkaStreams streams) {
        try {
            ReadOnlyKeyValueStore<String, StreamState> s = streams.store(StoreQueryParameters.fromNameAndType(
                    RecognitionProcessor.STATE_STORE, QueryableStoreTypes.<String, StreamState>keyValueStore()));
            long open = 0;
            try (KeyValueIterator<String, StreamState> it = s.all()) {
                while (it.hasNext()) {
                    if (!it.next().value.ended()) {
                        open++;
                    }
                }
            }
            return open;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Records of asr.audio the recognition group has not committed yet. */
    private static long lag(Admin admin, String appId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().stream().filter(tp -> tp.topic().equals(Topics.AUDIO))
                    .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (java.util.concurrent.ExecutionException e) {
            return -1;
        }
    }
}
