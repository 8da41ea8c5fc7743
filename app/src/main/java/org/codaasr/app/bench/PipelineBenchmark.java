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
     * @param audioShareByCodaR share of the decoded audio (final segments) each CoDA r encoded
     * @param werPercent WER of what was decoded, over the streams scored ({@code scored}); NaN when none was
     * @param cpuMsPerAudioSecond CPU of the recognition stream threads per second of audio sent
     * @param encoder encoder calls and streams per call, over all variants and per CoDA r ({@code byCodaR})
     */
    public record RealtimeLevel(int streams, int completed, long partialP50, long partialP95, long partialP99,
            long finalP50, long finalP95, long finalP99, double lagGrowthMs, boolean held,
            Map<Integer, Long> finalsByCodaR, Map<Integer, Double> audioSecondsByCodaR,
            Map<Integer, Double> audioShareByCodaR, double werPercent, int scored, double cpuMsPerAudioSecond,
            Map<String, Object> encoder) {}

    /**
     * A load step: {@code before} real-time streams, then {@code after} from {@code stepAtSeconds} on.
     *
     * @param cheaperShareBySecond share of the audio captured in each second after the step that a variant cheaper
     *     than the dense backbone encoded (null for a second without audio)
     * @param reactionMs from the step until a second's audio is at least half cheaper (-1: never)
     * @param finalP95BeforeStep final-latency p95 of the segments captured before the step; {@code AfterStep}: after
     */
    public record StepResult(int before, int after, double stepAtSeconds, List<Double> cheaperShareBeforeStep,
            List<Double> cheaperShareBySecond, long reactionMs, long finalP95BeforeStep, long finalP95AfterStep,
            Map<Integer, Double> audioShareByCodaR, int completed, int total) {}

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
        return runPipeline(runId, List.of(new Wave(items, settings.throughputStreams(), 0)), false, 1,
                new LoadRecorder()).throughput();
    }

    /** Runs {@code streams} concurrent real-time streams for about {@code realtimeSeconds}. */
    public RealtimeLevel realtime(String runId, int streams) throws InterruptedException {
        List<AudioItem> load = BenchLoad.repeated(items, streamsFor(streams, settings.realtimeSeconds()), runId);
        LoadRecorder recorder = new LoadRecorder();
        Run run = runPipeline(runId, List.of(new Wave(load, streams, 0)), true, settings.streamThreads(), recorder);
        List<Long> finals = run.finalLatencies();
        List<Long> partials = run.partialLatencies();
        double growth = BenchLoad.lagGrowthMs(finals);
        long p95 = PipelineMonitor.percentile(finals, 95);
        boolean held = BenchLoad.held(run.completed(), load.size(), p95, growth, settings.heldP95Ms());
        java.util.Set<String> ids = ids(load);
        Map<Integer, Double> seconds = recorder.audioSecondsByCodaR(ids::contains);
        LoadRecorder.Wer wer = recorder.wer(ids::contains);
        Throughput t = run.throughput();
        return new RealtimeLevel(streams, run.completed(), PipelineMonitor.percentile(partials, 50),
                PipelineMonitor.percentile(partials, 95), PipelineMonitor.percentile(partials, 99),
                PipelineMonitor.percentile(finals, 50), p95, PipelineMonitor.percentile(finals, 99), growth, held,
                run.finalsByCodaR(), seconds, LoadRecorder.shares(seconds), wer.percent(), wer.scored(),
                1000 * t.cpuSeconds() / t.audioSeconds(), encoderFigures(t.encoder(), run.encoderByCodaR(),
                        t.cpuSeconds()));
    }

    /**
     * A load step: {@code before} real-time streams for about {@code realtimeSeconds}, joined by
     * {@code after - before} more from {@code stepAtSeconds} on; how fast adaptive routing moves audio to cheaper
     * variants after it.
     */
    public StepResult step(String runId, int before, int after, double stepAtSeconds) throws InterruptedException {
        if (after <= before || stepAtSeconds <= 0 || stepAtSeconds >= settings.realtimeSeconds()) {
            throw new IllegalArgumentException("a load step needs after > before and 0 < step at < seconds, got "
                    + before + ":" + after + " at " + stepAtSeconds + " s of " + settings.realtimeSeconds());
        }
        List<AudioItem> first = BenchLoad.repeated(items, streamsFor(before, settings.realtimeSeconds()),
                runId + "a");
        List<AudioItem> second = BenchLoad.repeated(items,
                streamsFor(after - before, settings.realtimeSeconds() - stepAtSeconds), runId + "b");
        LoadRecorder recorder = new LoadRecorder();
        Run run = runPipeline(runId, List.of(new Wave(first, before, 0),
                new Wave(second, after - before, Math.round(stepAtSeconds * 1000))), true,
                settings.streamThreads(), recorder);
        java.util.Set<String> ids = ids(first);
        ids.addAll(ids(second));
        List<LoadRecorder.Segment> segments = recorder.segments(ids::contains);
        long stepMs = run.waveStartMs().get(1);
        int beforeSeconds = (int) Math.floor(stepAtSeconds);
        int afterSeconds = (int) Math.ceil(settings.realtimeSeconds() - stepAtSeconds);
        double[] pre = LoadStep.cheaperShares(segments, stepMs - beforeSeconds * 1000L, 1000, beforeSeconds);
        double[] post = LoadStep.cheaperShares(segments, stepMs, 1000, afterSeconds);
        List<Long> preLatency = new ArrayList<>();
        List<Long> postLatency = new ArrayList<>();
        for (LoadRecorder.Segment seg : segments) {
            (seg.capturedToMs() < stepMs ? preLatency : postLatency).add(seg.latencyMs());
        }
        return new StepResult(before, after, stepAtSeconds, boxed(pre), boxed(post),
                LoadStep.reactionMs(post, 1000, 0.5), PipelineMonitor.percentile(preLatency, 95),
                PipelineMonitor.percentile(postLatency, 95),
                LoadRecorder.shares(recorder.audioSecondsByCodaR(ids::contains)), run.completed(),
                first.size() + second.size());
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0);
        }
        return out;
    }

    /** Items for {@code streams} concurrent streams over about {@code seconds}. */
    private int streamsFor(int streams, double seconds) {
        double perStream = totalSeconds / items.size();
        return Math.max(streams, (int) Math.ceil(streams * seconds / perStream));
    }

    private static java.util.Set<String> ids(List<AudioItem> load) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        load.forEach(i -> ids.add(i.utteranceId()));
        return ids;
    }

    /** Items sent {@code concurrency} at a time, starting {@code delayMs} after the run's start. */
    private record Wave(List<AudioItem> items, int concurrency, long delayMs) {}

    private record Run(Throughput throughput, int completed, List<Long> finalLatencies,
            List<Long> partialLatencies, Map<Integer, Long> finalsByCodaR, Map<Integer, EncoderWork> encoderByCodaR,
            List<Long> waveStartMs) {}

    /** One load through a pipeline of its own (fresh in-JVM broker, topics and state). */
    private Run runPipeline(String runId, List<Wave> waves, boolean realtime, int streamThreads,
            LoadRecorder recorder) throws InterruptedException {
        PipelineConfig pipelineConfig = PipelineConfig.embedded().withPartitions(settings.partitions())
                .withStreams(StreamsAppConfig.builder().applicationId("bench-" + runId).streamThreads(streamThreads)
                        .idleTimeoutMs(60_000).build());
        try (Pipeline pipeline = Pipeline.start(pipelineConfig, recognizer, recorder)) {
            PipelineMonitor monitor = pipeline.monitor();
            StreamsAppConfig config = pipeline.streamsConfig();
            warmUp(pipeline, runId);
            // only this run's streams count: the topics may hold earlier runs
            java.util.Set<String> ids = new java.util.HashSet<>();
            waves.forEach(w -> ids.addAll(ids(w.items())));
            long start = System.nanoTime();
            Map<Long, Long> cpuStart = streamThreadCpu(config.applicationId());
            EncoderWork workStart = recognizer.encoderWork();
            Map<org.codaasr.model.onnx.CodaVariant, EncoderWork> variantStart = new LinkedHashMap<>();
            recognizer.variants().forEach(v -> variantStart.put(v, recognizer.encoderWork(v)));
            List<Long> waveStartMs = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Thread> senders = new ArrayList<>();
            double[] audioSent = new double[waves.size()];
            for (int w = 0; w < waves.size(); w++) {
                Wave wave = waves.get(w);
                int index = w;
                Thread sender = new Thread(() -> {
                    try {
                        Thread.sleep(wave.delayMs());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    waveStartMs.add(System.currentTimeMillis());
                    audioSent[index] = pipeline.ingest(wave.items(), IngestConfig.defaults()
                            .withRunId(runId + "-" + index).withConcurrency(wave.concurrency())
                            .withRealtime(realtime).withChunkMs(settings.chunkMs()), BenchLoad.predecoded(decoded))
                            .audioSeconds();
                }, "bench-ingest-" + index);
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
            while (System.nanoTime() < deadline && BenchLoad.completed(monitor, ids) < ids.size()) {
                Thread.sleep(20);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = 0;
            for (Map.Entry<Long, Long> e : streamThreadCpu(config.applicationId()).entrySet()) {
                cpu += (e.getValue() - cpuStart.getOrDefault(e.getKey(), 0L)) / 1e9;
            }
            Map<Integer, EncoderWork> byCodaR = new java.util.TreeMap<>();
            variantStart.forEach((v, w) -> byCodaR.put(v.reductionFactor(), recognizer.encoderWork(v).minus(w)));
            EncoderWork work = recognizer.encoderWork().minus(workStart);
            // the WER application scores each stream after its stream-complete record
            long werDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < werDeadline && recorder.scored(ids::contains) < ids.size()) {
                Thread.sleep(20);
            }
            double sent = 0;
            for (double a : audioSent) {
                sent += a;
            }
            return new Run(new Throughput("Kafka Streams pipeline", sent, wall, cpu, work),
                    BenchLoad.completed(monitor, ids), monitor.finalLatencies(ids::contains),
                    monitor.partialLatencies(ids::contains), monitor.finalsByCodaR(ids::contains), byCodaR,
                    List.copyOf(waveStartMs));
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
        m.put("cpu_ms", w.cpuNanos() / 1e6);
        m.put("cpu_ms_per_call", w.calls() == 0 ? 0.0 : w.cpuNanos() / 1e6 / w.calls());
        m.put("cpu_ms_per_window", w.windows() == 0 ? 0.0 : w.cpuNanos() / 1e6 / w.windows());
        return m;
    }

    /** All variants together, then each CoDA r's calls and streams per call. */
    private static Map<String, Object> encoderFigures(EncoderWork all, Map<Integer, EncoderWork> byCodaR,
            double streamThreadCpuSeconds) {
        Map<String, Object> m = encoderFigures(all);
        // the encoder's share of the recognition threads' CPU: what routing can save at most
        m.put("share_of_stream_thread_cpu", streamThreadCpuSeconds <= 0 ? null
                : all.cpuNanos() / 1e9 / streamThreadCpuSeconds);
        Map<Integer, Object> each = new java.util.TreeMap<>();
        byCodaR.forEach((r, w) -> {
            if (w.calls() > 0) {
                each.put(r, encoderFigures(w));
            }
        });
        m.put("by_coda_r", each);
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

    /**
     * Runs everything the settings ask for on an in-JVM broker and returns the figures; with {@code dense} (a
     * benchmark of the dense default over the same items and settings) each real-time level runs first with it,
     * so the capacity ratio is one measurement; with {@code step} a load step measures how fast adaptive routing
     * reacts.
     */
    public Map<String, Object> runAll(java.io.PrintStream log, PipelineBenchmark dense, Step step)
            throws InterruptedException {
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
        List<RealtimeLevel> denseLevels = new ArrayList<>();
        for (int n : settings.realtimeStreams()) {
            if (dense != null) {
                // the dense default right before the same load: one session, one machine, alternating levels
                log.printf("real-time load, dense default: %d streams for ~%.0f s ...%n", n,
                        settings.realtimeSeconds());
                denseLevels.add(logged(log, dense.realtime("dense-rt" + n, n)));
            }
            log.printf("real-time load: %d streams for ~%.0f s ...%n", n, settings.realtimeSeconds());
            levels.add(logged(log, realtime("rt" + n, n)));
        }
        out.put("realtime", levels);
        int held = maxHeld(levels);
        out.put("max_realtime_streams_held", held);
        if (dense != null) {
            out.put("dense_realtime", denseLevels);
            int denseHeld = maxHeld(denseLevels);
            out.put("dense_max_realtime_streams_held", denseHeld);
            out.put("capacity_ratio_vs_dense", denseHeld == 0 ? null : (double) held / denseHeld);
        }
        if (step != null) {
            log.printf("load step: %d -> %d streams at %.0f s of ~%.0f s ...%n", step.before(), step.after(),
                    step.atSeconds(), settings.realtimeSeconds());
            StepResult r = step("step", step.before(), step.after(), step.atSeconds());
            log.printf("  reaction: %d ms until half of a second's audio is cheaper than dense; final p95 %d ms "
                    + "before, %d ms after the step%n", r.reactionMs(), r.finalP95BeforeStep(), r.finalP95AfterStep());
            out.put("load_step", r);
        }
        return out;
    }

    /** The load step {@link #runAll} measures: {@code before} streams, {@code after} from {@code atSeconds} on. */
    public record Step(int before, int after, double atSeconds) {}

    /** Runs everything the settings ask for on an in-JVM broker and returns the figures. */
    public Map<String, Object> runAll(java.io.PrintStream log) throws InterruptedException {
        return runAll(log, null, null);
    }

    private static RealtimeLevel logged(java.io.PrintStream log, RealtimeLevel level) {
        log.printf("  %d streams: final p95 %d ms, lag growth %.0f ms -> %s; audio by CoDA r %s, WER %.2f %% "
                + "(%d scored), %.1f streams per encoder call, encoder %s of the recognition threads' CPU%n",
                level.streams(), level.finalP95(), level.lagGrowthMs(), level.held() ? "held" : "NOT held",
                level.audioShareByCodaR(), level.werPercent(), level.scored(),
                (double) level.encoder().get("mean_batch"), level.encoder().get("share_of_stream_thread_cpu"));
        return level;
    }

    private static int maxHeld(List<RealtimeLevel> levels) {
        return levels.stream().filter(RealtimeLevel::held).mapToInt(RealtimeLevel::streams).max().orElse(0);
    }
}
