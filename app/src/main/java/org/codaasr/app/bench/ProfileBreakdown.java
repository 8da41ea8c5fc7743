package org.codaasr.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU goes in a JFR recording of the pipeline: execution samples (Java) and the native-method samples
 * that compute (ONNX Runtime, compression; threads waiting in epoll, sockets or sleeps are left out) of every thread, each put in the category of the first frame from the top of its
 * stack outside the JDK that belongs to a known part (a JDK call is charged to its caller), and counted per thread
 * group (stream threads, broker, ingest, other).
 */
public final class ProfileBreakdown {

    /** A part of the pipeline, recognized by the package or class prefix of a stack frame. */
    private record Category(String name, List<String> prefixes) {}

    private static final List<Category> CATEGORIES = List.of(
            new Category("ONNX Runtime (encoder)", List.of("ai.onnxruntime.", "org.codaasr.model.onnx.")),
            new Category("feature extraction (fbank)", List.of("org.codaasr.model.features.")),
            new Category("CTC decoding + LM", List.of("org.codaasr.model.ctc.", "org.codaasr.model.lm.")),
            new Category("recognizer stream state, snapshots", List.of("org.codaasr.model.recognizer.")),
            new Category("recognition processor, journal", List.of("org.codaasr.streams.recognition.")),
            new Category("serdes", List.of("org.codaasr.messages.", "com.fasterxml.jackson.")),
            new Category("compression", List.of("net.jpountz.", "org.apache.kafka.common.compress.",
                    "com.github.luben.", "org.xerial.snappy.")),
            new Category("state stores + changelog", List.of("org.apache.kafka.streams.state.",
                    "org.apache.kafka.streams.processor.internals.ProcessorStateManager",
                    "org.apache.kafka.streams.processor.internals.RecordCollector")),
            new Category("Kafka Streams runtime", List.of("org.apache.kafka.streams.")),
            new Category("Kafka broker", List.of("kafka.", "org.apache.kafka.storage.", "org.apache.kafka.raft.",
                    "org.apache.kafka.server.", "org.apache.kafka.controller.", "org.apache.kafka.metadata.",
                    "org.apache.kafka.coordinator.")),
            new Category("Kafka clients (network, records)", List.of("org.apache.kafka.clients.",
                    "org.apache.kafka.common.")),
            new Category("ingest", List.of("org.codaasr.ingest.")),
            new Category("monitor + benchmark", List.of("org.codaasr.streams.PipelineMonitor", "org.codaasr.app.")));
    private static final String JDK_ONLY = "JDK only (GC-free I/O, threads)";

    private ProfileBreakdown() {}

    /**
     * Approximate CPU milliseconds per category, per thread group, from {@code recording}: each sample weighs its
     * event's sampling period (JFR's profile settings sample Java every 10 ms but native methods every 20 ms).
     */
    public static Map<String, Map<String, Long>> byThreadGroup(Path recording) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        Map<Long, Long> periodMsByEventType = new HashMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.ActiveSetting") && "period".equals(e.getString("name"))) {
                    periodMsByEventType.put(e.getLong("id"), periodMs(e.getString("value")));
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                if (type.equals("jdk.NativeMethodSample") && !computingInNative(e.getStackTrace())) {
                    continue; // a thread parked in epoll, a socket read or a sleep: waiting, not using the CPU
                }
                RecordedThread thread = e.getThread("sampledThread");
                String group = threadGroup(thread == null ? "" : thread.getJavaName());
                long weight = periodMsByEventType.getOrDefault(e.getEventType().getId(),
                        type.equals("jdk.NativeMethodSample") ? 20L : 10L);
                out.computeIfAbsent(group, g -> new LinkedHashMap<>())
                        .merge(category(e.getStackTrace()), weight, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JFR recording " + recording, e);
        }
        return out;
    }

    /** "10 ms", "20 ms", "1 s" -> milliseconds; anything else (e.g. "everyChunk") -> 10. */
    static long periodMs(String value) {
        String v = value == null ? "" : value.strip();
        try {
            if (v.endsWith(" ms")) {
                return Math.max(1, Long.parseLong(v.substring(0, v.length() - 3).strip()));
            }
            if (v.endsWith(" s")) {
                return 1000 * Long.parseLong(v.substring(0, v.length() - 2).strip());
            }
        } catch (NumberFormatException e) {
            return 10;
        }
        return 10;
    }

    /** Native samples that burn CPU: inside ONNX Runtime or a compression codec. */
    static boolean computingInNative(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return false;
        }
        RecordedFrame top = stack.getFrames().get(0);
        String cls = top.getMethod() == null || top.getMethod().getType() == null ? ""
                : top.getMethod().getType().getName();
        return cls.startsWith("ai.onnxruntime.") || cls.startsWith("net.jpountz.") || cls.startsWith("com.github.luben.")
                || cls.startsWith("org.xerial.snappy.");
    }

    static String threadGroup(String name) {
        if (name == null) {
            return "other";
        }
        if (name.contains("StreamThread")) {
            return name.contains("-wer-") ? "WER stream threads" : "recognition stream threads";
        }
        if (name.startsWith("data-plane") || name.startsWith("kafka-") || name.contains("RequestHandler")
                || name.startsWith("broker-") || name.startsWith("controller-") || name.startsWith("raft")
                || name.contains("quorum") || name.startsWith("ExpirationReaper") || name.startsWith("LogDirFailure")) {
            return "Kafka broker";
        }
        if (name.contains("ingest") || name.contains("producer-network-thread | coda-asr-ingest")) {
            return "ingest";
        }
        return name.equals("main") ? "main (direct decoding, benchmark)" : "other";
    }

    static String category(RecordedStackTrace stack) {
        if (stack == null) {
            return "(no stack)";
        }
        boolean jdk = false;
        for (RecordedFrame frame : stack.getFrames()) {
            if (frame.getMethod() == null || frame.getMethod().getType() == null) {
                continue;
            }
            String cls = frame.getMethod().getType().getName();
            if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.")) {
                jdk = true; // a JDK call is charged to the first part of ours or Kafka's below it
                continue;
            }
            for (Category c : CATEGORIES) {
                for (String prefix : c.prefixes()) {
                    if (cls.startsWith(prefix)) {
                        return c.name();
                    }
                }
            }
        }
        return jdk ? JDK_ONLY : "(unattributed)";
    }
}
