package org.codaasr.app.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.codaasr.app.pipeline.Pipeline;
import org.codaasr.app.pipeline.PipelineConfig;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.ingest.IngestReport;
import org.codaasr.messages.AudioChunker;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.recognizer.EncoderWork;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsAppConfig;

/**
 * Measures the streaming pipeline in one run, against decoding the same audio directly with the same recognizer:
 * throughput (audio seconds per wall second), the pipeline's overhead over direct decoding, and for real-time loads
 * of N concurrent streams the partial and final latencies and whether the lag stays flat.
 */
public final class PipelineBenchmark {

    /** Settings of one benchmark run. */
    public record Settings(int partitions, int streamThreads, int throughputStreams, List<Integer> realtimeStreams,
            double realtimeSeconds, double heldP95Ms, int chunkMs) {

        public Settings {
            if (partitions < 1 || streamThreads < 1 || throughputStreams < 1 || realtimeSeconds <= 0 || chunkMs < 1) {
                throw new IllegalArgumentException("partitions, threads, streams and chunk ms must be >= 1, seconds > 0");
            }
            realtimeStreams = List.copyOf(realtimeStreams);
        }

        /** The pipeline's own chunking: 100 ms. */
        public Settings(int partitions, int streamThreads, int throughputStreams, List<Integer> realtimeStreams,
                double realtimeSeconds, double heldP95Ms) {
            this(partitions, streamThreads, throughputStreams, realtimeStreams, realtimeSeconds, heldP95Ms,
                    IngestConfig.defaults().chunkMs());
        }
    }

    /**
     * Throughput of one path over the same audio.
     *
     * @param cpuSeconds CPU time of the threads that do the recognition work: the calling thread for the direct
     *     path, the recognition application's stream threads for the pipeline (the broker, the ingest producer and
     *     the WER application, which share this JVM only in the benchmark, are not counted)
     * @param encoder the recognizer's encoder work during the measured part (warm-ups excluded)
     */
    public record Throughput(String path, double audioSeconds, double wallSeconds, double cpuSeconds,
            EncoderWork encoder) {
        public double audioPerWallSecond() {
            return audioSeconds / wallSeconds;
        }
    }

    /**
     * One real-time load level.
     *
     * @param finalsByCodaR final results by the CoDA r that produced them (load-adaptive routing moves streams)
     */
    public record RealtimeLevel(int streams, int completed, long partialP50, long partialP95, long partialP99,
            long finalP50, long finalP95, long finalP99, double lagGrowthMs, boolean held,
            Map<Integer, Long> finalsByCodaR) {}

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final Recognizer recognizer;
    private final List<AudioItem> items;
    private final Settings settings;
    private final List<float[]> audio = new ArrayList<>();
    private final Map<java.nio.file.Path, float[]> decoded = new java.util.HashMap<>();
    private final double totalSeconds;

    public PipelineBenchmark(Recognizer recognizer, List<AudioItem> items, Settings settings) {
        this.recognizer = recognizer;
        this.items = List.copyOf(items);
        this.settings = settings;
        double seconds = 0;
        for (AudioItem item : items) {
            float[] s = AudioLoader.decoder().load16k(item.audio());
            audio.add(s);
            decoded.put(item.audio(), s);
            seconds += s.length / 16000.0;
        }
        this.totalSeconds = seconds;
    }

    /** Decodes every item as a stream fed in 100 ms chunks, {@code concurrent} streams batched together. */
    public Throughput direct(int concurrent) {
        int step = new AudioChunker(settings.chunkMs()).samplesPerChunk(16000);
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        EncoderWork workStart = recognizer.encoderWork();
        for (int from = 0; from < audio.size(); from += concurrent) {
            List<float[]> group = audio.subList(from, Math.min(audio.size(), from + concurrent));
            List<RecognizerStream> streams = new ArrayList<>();
            group.forEach(a -> streams.add(recognizer.createStream()));
            int longest = group.stream().mapToInt(a -> a.length).max().orElse(0);
            for (int pos = 0; pos < longest; pos += step) {
                for (int i = 0; i < group.size(); i++) {
                    float[] a = group.get(i);
                    if (pos < a.length) {
                        streams.get(i).acceptWaveform(Arrays.copyOfRange(a, pos, Math.min(a.length, pos + step)),
                                16000);
                        if (pos + step >= a.length) {
                            streams.get(i).inputFinished();
                        }
                    }
                }
                recognizer.decode(streams);
                streams.forEach(s -> {
                    while (s.pollFinal() != null) {
                        // drained; the benchmark measures time only
                    }
                    s.partial();
                });
            }
        }
        return new Throughput("direct (no Kafka)", totalSeconds, (System.nanoTime() - start) / 1e9,
                (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9, recognizer.encoderWork().minus(workStart));
    }

    /** Sends every item as fast as possible through the pipeline and waits for all completions. */
    public Throughput pipeline(String runId) throws InterruptedException {
        // one stream thread: the same compute as the single-threaded direct path, so the ratio is the pipeline's cost
        return runPipeline(runId, items, settings.throughputStreams(), false, 1).throughput();
    }

    /** Runs {@code streams} concurrent real-time streams for about {@code realtimeSeconds}. */
    public RealtimeLevel realtime(String runId, int streams) throws InterruptedException {
        double perStream = totalSeconds / items.size();
        int total = Math.max(streams, (int) Math.ceil(streams * settings.realtimeSeconds() / perStream));
        List<AudioItem> load = BenchLoad.repeated(items, total, runId);
        Run run = runPipeline(runId, load, streams, true, settings.streamThreads());
        List<Long> finals = run.finalLatencies();
        List<Long> partials = run.partialLatencies();
        double growth = BenchLoad.lagGrowthMs(finals);
        long p95 = PipelineMonitor.percentile(finals, 95);
        boolean held = BenchLoad.held(run.completed(), load.size(), p95, growth, settings.heldP95Ms());
        return new RealtimeLevel(streams, run.completed(), PipelineMonitor.percentile(partials, 50),
                PipelineMonitor.percentile(partials, 95), PipelineMonitor.percentile(partials, 99),
                PipelineMonitor.percentile(finals, 50), p95, PipelineMonitor.percentile(finals, 99), growth, held,
                run.finalsByCodaR());
    }

    private record Run(Throughput throughput, int completed, List<Long> finalLatencies,
            List<Long> partialLatencies, Map<Integer, Long> finalsByCodaR) {}

    /** One load through a pipeline of its own (fresh in-JVM broker, topics and state). */
    private Run runPipeline(String runId, List<AudioItem> load, int concurrency, boolean realtime,
            int streamThreads) throws InterruptedException {
        PipelineConfig pipelineConfig = PipelineConfig.embedded().withPartitions(settings.partitions())
                .withStreams(StreamsAppConfig.builder().applicationId("bench-" + runId).streamThreads(streamThreads)
                        .idleTimeoutMs(60_000).build());
        try (Pipeline pipeline = Pipeline.start(pipelineConfig, recognizer, e -> {})) {
            PipelineMonitor monitor = pipeline.monitor();
            StreamsAppConfig config = pipeline.streamsConfig();
            warmUp(pipeline, runId);
            // only this run's streams count: the topics may hold earlier runs
            java.util.Set<String> ids = new java.util.HashSet<>();
            load.forEach(i -> ids.add(i.utteranceId()));
            long start = System.nanoTime();
            Map<Long, Long> cpuStart = streamThreadCpu(config.applicationId());
            EncoderWork workStart = recognizer.encoderWork();
            IngestReport sent;
            sent = pipeline.ingest(load, IngestConfig.defaults().withRunId(runId).withConcurrency(concurrency)
                    .withRealtime(realtime).withChunkMs(settings.chunkMs()), BenchLoad.predecoded(decoded));
            long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
            while (System.nanoTime() < deadline && BenchLoad.completed(monitor, ids) < load.size()) {
                Thread.sleep(20);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = 0;
            for (Map.Entry<Long, Long> e : streamThreadCpu(config.applicationId()).entrySet()) {
                cpu += (e.getValue() - cpuStart.getOrDefault(e.getKey(), 0L)) / 1e9;
            }
            return new Run(new Throughput("Kafka Streams pipeline", sent.audioSeconds(), wall, cpu,
                    recognizer.encoderWork().minus(workStart)),
                    BenchLoad.completed(monitor, ids), monitor.finalLatencies(ids::contains),
                    monitor.partialLatencies(ids::contains), monitor.finalsByCodaR(ids::contains));
        }
    }

    /**
     * Sends two short streams and waits for them, so that task assignment, state store opening and the first ONNX
     * runs (graph optimization, allocations) are not counted as latency of the measured load.
     */
    private void warmUp(Pipeline pipeline, String runId) throws InterruptedException {
        PipelineMonitor monitor = pipeline.monitor();
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<AudioItem> warm = new ArrayList<>();
        for (int i = 0; i < Math.min(2, items.size()); i++) {
            AudioItem base = items.get(i);
            AudioItem w = new AudioItem(base.utteranceId() + "~warmup~" + runId, base.speaker(), base.audio(),
                    base.referenceText());
            warm.add(w);
            ids.add(w.utteranceId());
        }
        pipeline.ingest(warm, IngestConfig.defaults().withRunId("warmup-" + runId).withConcurrency(2),
                AudioLoader.decoder());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && BenchLoad.completed(monitor, ids) < warm.size()) {
            Thread.sleep(20);
        }
    }

    private static Map<String, Object> encoderFigures(EncoderWork w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", w.calls());
        m.put("windows", w.windows());
        m.put("mean_batch", w.meanBatch());
        m.put("input_frames", w.inputFrames());
        return m;
    }

    /** CPU nanoseconds by thread id of the recognition application's stream threads (not the WER app's). */
    private static Map<Long, Long> streamThreadCpu(String applicationId) {
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.startsWith(applicationId + "-") && !name.startsWith(applicationId + "-wer-")
                    && name.contains("-StreamThread-")) {
                long ns = THREADS.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    cpu.put(t.getId(), ns);
                }
            }
        }
        return cpu;
    }

    /** Runs everything the settings ask for on an in-JVM broker and returns the figures. */
    public Map<String, Object> runAll(java.io.PrintStream log) throws InterruptedException {
        Map<String, Object> out = new LinkedHashMap<>();
        log.println("direct decoding ...");
        direct(settings.throughputStreams()); // warm-up pass: JIT and ONNX Runtime allocations, not measured
        Throughput direct = direct(settings.throughputStreams());
        log.println("pipeline throughput ...");
        Throughput pipe = pipeline("tp");
        out.put("direct_encoder", encoderFigures(direct.encoder()));
        out.put("pipeline_encoder", encoderFigures(pipe.encoder()));
        out.put("direct_audio_per_second", direct.audioPerWallSecond());
        out.put("pipeline_audio_per_second", pipe.audioPerWallSecond());
        out.put("pipeline_overhead_percent", 100.0 * (direct.audioPerWallSecond() / pipe.audioPerWallSecond() - 1));
        out.put("direct_cpu_ms_per_audio_second", 1000 * direct.cpuSeconds() / direct.audioSeconds());
        out.put("stream_thread_cpu_ms_per_audio_second", 1000 * pipe.cpuSeconds() / pipe.audioSeconds());
        out.put("stream_thread_cpu_overhead_percent",
                100.0 * (pipe.cpuSeconds() / pipe.audioSeconds() / (direct.cpuSeconds() / direct.audioSeconds()) - 1));
        List<RealtimeLevel> levels = new ArrayList<>();
        for (int n : settings.realtimeStreams()) {
            log.printf("real-time load: %d streams for ~%.0f s ...%n", n, settings.realtimeSeconds());
            RealtimeLevel level = realtime("rt" + n, n);
            levels.add(level);
            log.printf("  %d streams: final p95 %d ms, lag growth %.0f ms -> %s%n", n, level.finalP95(),
                    level.lagGrowthMs(), level.held() ? "held" : "NOT held");
        }
        out.put("realtime", levels);
        out.put("max_realtime_streams_held",
                levels.stream().filter(RealtimeLevel::held).mapToInt(RealtimeLevel::streams).max().orElse(0));
        return out;
    }
}
