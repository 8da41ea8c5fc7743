package org.codaasr.streams.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.kafka.common.errors.SerializationException;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioChunkSerde;
import org.codaasr.messages.DeadLetter;
import org.codaasr.messages.Transcript;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.Recognizer;

/**
 * What the recognition application counts for Prometheus, with no stream id and no text in any name or tag: streams
 * and audio seconds in, finals out by CoDA reduction factor, final latency (histogram), streams completed (and
 * aborted), dead letters by a fixed reason category, the CoDA variants loaded, and this process's CPU per second of
 * audio taken in. {@link MeteringTap}s in the topology feed it.
 */
public final class PipelineMetrics {

    /** Dead-letter reasons, matched in order on the reason text; the first that matches names the category. */
    private static final Map<String, Pattern> REASONS = orderedReasons();

    private final MeterRegistry registry;
    private final Counter streamsStarted;
    private final DoubleAdder audioSeconds = new DoubleAdder();
    private final Timer finalLatency;
    /** Process CPU nanoseconds when the first audio came (start-up and model loading are not audio's cost). */
    private volatile long cpuAtFirstAudio = -1;

    public PipelineMetrics(MeterRegistry registry, Recognizer recognizer) {
        this.registry = registry;
        this.streamsStarted = Counter.builder("asr.streams.started")
                .description("streams whose first chunk the recognition application has taken in").register(registry);
        registry.more().counter("asr.audio.seconds", List.of(), audioSeconds, DoubleAdder::sum);
        this.finalLatency = Timer.builder("asr.final.latency")
                .description("from the capture of a segment's last chunk to its final transcript")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        for (CodaVariant variant : recognizer.variants()) {
            Gauge.builder("asr.coda.variant.loaded", () -> variant == recognizer.defaultVariant() ? 2 : 1)
                    .description("CoDA variants the recognizer has loaded (2: the default one)")
                    .tag("coda_r", Integer.toString(variant.reductionFactor())).register(registry);
        }
        Gauge.builder("asr.cpu.per.audio.second", this, PipelineMetrics::cpuPerAudioSecond)
                .description("this process's CPU seconds per second of audio taken in, since the first audio")
                .register(registry);
    }

    /** A record of {@code asr.audio}, as the recognition application reads it. */
    public void audio(byte[] raw) {
        try {
            AudioChunk chunk = AudioChunkSerde.decode(raw);
            if (chunk.sequence() == 0) {
                streamsStarted.increment();
            }
            if (cpuAtFirstAudio < 0) {
                cpuAtFirstAudio = processCpuNanos();
            }
            audioSeconds.add(chunk.durationMs() / 1000.0);
        } catch (SerializationException e) {
            // malformed: counted as a dead letter by the processor
        }
    }

    /** A record the recognition application writes to {@code asr.transcripts}. */
    public void transcript(Object value) {
        if (!(value instanceof Transcript t)) {
            return;
        }
        switch (t.kind()) {
            case FINAL -> {
                registry.counter("asr.finals", "coda_r", Integer.toString(t.codaR())).increment();
                finalLatency.record(Duration.ofMillis(Math.max(0, t.latencyMs())));
            }
            case STREAM_COMPLETE -> registry.counter("asr.streams.completed", "aborted",
                    Boolean.toString(t.aborted())).increment();
            case PARTIAL -> registry.counter("asr.partials").increment();
        }
    }

    /** A record the recognition application writes to {@code asr.dlq}. */
    public void deadLetter(Object value) {
        if (value instanceof DeadLetter d) {
            registry.counter("asr.dead.letters", "reason", reasonCategory(d.reason())).increment();
        }
    }

    /** A fixed category of a dead letter's reason (never the reason itself: it names streams). */
    public static String reasonCategory(String reason) {
        String text = reason == null ? "" : reason;
        return REASONS.entrySet().stream().filter(e -> e.getValue().matcher(text).find()).map(Map.Entry::getKey)
                .findFirst().orElse("other");
    }

    private static Map<String, Pattern> orderedReasons() {
        Map<String, Pattern> reasons = new java.util.LinkedHashMap<>();
        reasons.put("malformed", Pattern.compile("malformed|not an AudioChunk|truncated"));
        reasons.put("key_mismatch", Pattern.compile("does not match"));
        reasons.put("sample_rate_change", Pattern.compile("sample rate changed"));
        reasons.put("after_end", Pattern.compile("after its end-of-stream"));
        reasons.put("gap", Pattern.compile("never arrived"));
        reasons.put("non_finite", Pattern.compile("expected finite audio"));
        reasons.put("recognizer_failed", Pattern.compile("made the recognizer fail|decoding failed"));
        reasons.put("snapshot", Pattern.compile("snapshot"));
        reasons.put("invalid", Pattern.compile("sample ?rate|payload|sequence|streamId|chunk"));
        return java.util.Collections.unmodifiableMap(reasons);
    }

    private double cpuPerAudioSecond() {
        double audio = audioSeconds.sum();
        long now = processCpuNanos();
        if (audio <= 0 || now < 0 || cpuAtFirstAudio < 0) {
            return Double.NaN;
        }
        return (now - cpuAtFirstAudio) / 1e9 / audio;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
