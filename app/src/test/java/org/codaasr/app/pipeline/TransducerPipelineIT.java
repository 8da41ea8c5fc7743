package org.codaasr.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.recognizer.DecodingConfig;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.model.recognizer.StreamingConfig;
import org.codaasr.streams.PipelineMonitor;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sherpa-onnx streaming transducer folder (the tiny random zipformer2 fixture) through the whole pipeline (Kafka,
 * cross-stream batching, journaling, snapshots): each stream's finals, segment by segment, are what the library's own
 * streaming decoding of the same file gives. A short trailing silence makes the random model's output several
 * segments per stream.
 */
class TransducerPipelineIT {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-zipformer2");

    @TempDir
    Path stateDir;

    @Test
    void pipelineFinalsEqualDirectStreamingDecoding() throws Exception {
        RecognizerConfig rc = RecognizerConfig.defaults().withModelDir(TINY).withDecoding(DecodingConfig.greedy())
                .withStreaming(new StreamingConfig(0, 0, 0.3, 25.0));
        List<AudioItem> items = LibriSpeechSource.items(DataSets.demoSet()).stream().limit(4).toList();
        Map<String, Map<Long, String>> finals = new ConcurrentHashMap<>();
        try (Recognizer recognizer = Recognizer.load(rc)) {
            assertEquals(ModelLayout.ZIPFORMER2_TRANSDUCER, recognizer.modelInfo().layout());
            Map<String, Map<Long, String>> direct = new TreeMap<>();
            for (AudioItem item : items) {
                Map<Long, String> segments = new TreeMap<>();
                for (RecognitionResult r : recognizer.transcribeStreaming(AudioDecoder.load(item.audio(), 16000),
                        1600)) {
                    segments.put(r.segment(), r.text());
                }
                direct.put(item.utteranceId(), segments);
            }
            PipelineConfig config = PipelineConfig.embedded().withStateDir(stateDir).withStreams(
                    StreamsAppConfig.builder().applicationId("transducer").streamThreads(2).idleTimeoutMs(60_000)
                            .build());
            try (Pipeline pipeline = Pipeline.start(config, recognizer, e -> {
                if (e instanceof PipelineMonitor.TranscriptEvent te && te.transcript().isFinal()) {
                    Transcript t = te.transcript();
                    finals.computeIfAbsent(t.streamId(), k -> new ConcurrentHashMap<>()).put(t.segment(), t.text());
                }
            })) {
                PipelineMonitor monitor = pipeline.monitor();
                pipeline.ingest(items, IngestConfig.defaults().withRunId("transducer").withConcurrency(4),
                        AudioLoader.decoder());
                assertTrue(monitor.awaitCompleted(items.size(), items.size(), Duration.ofSeconds(300)));
            }
            Map<String, Map<Long, String>> got = new TreeMap<>();
            finals.forEach((stream, segments) -> got.put(stream, new TreeMap<>(segments)));
            List<Integer> counts = new ArrayList<>();
            direct.values().forEach(s -> counts.add(s.size()));
            assertTrue(counts.stream().mapToInt(Integer::intValue).sum() > items.size(),
                    "several segments per stream: " + counts);
            assertEquals(direct, got);
        }
    }
}
