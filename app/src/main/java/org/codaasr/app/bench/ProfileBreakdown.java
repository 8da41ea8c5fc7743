package org.codaasr.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
 * Where the CPU goes in a JFR recording of the pipeline: execution samples (Java) and native-method samples (ONNX
 * Runtime, compression, sockets) of every thread, each put in the category of the first frame from the top of its
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

    /** Samples per category, per thread group, from {@code recording}. */
    public static Map<String, Map<String, Long>> byThreadGroup(Path recording) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                RecordedThread thread = e.getThread("sampledThread");
                String group = threadGroup(thread == null ? "" : thread.getJavaName());
                out.computeIfAbsent(group, g -> new LinkedHashMap<>())
                        .merge(category(e.getStackTrace()), 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JFR recording " + recording, e);
        }
        return out;
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
        return "other";
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
