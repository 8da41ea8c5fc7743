package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.codaasr.app.pipeline.Pipeline;
import org.codaasr.app.pipeline.PipelineConfig;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.ingest.IngestConfig;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with the shipped model counting into the endpoint {@code asr streams}, {@code serve} and {@code demo}
 * serve: after one dev utterance and one malformed record, a scrape of {@code /metrics} parses as the Prometheus
 * text format (the Prometheus project's Python parser, Debian's {@code python3-prometheus-client}) and carries the
 * pipeline's figures and Kafka Streams' client metrics, with no stream id and no transcript text.
 */
class MetricsIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = DataSets.demoSet();
    /** Debian's Python, where {@code python3-prometheus-client} installs (as the training smoke test's). */
    static final String PYTHON = "/usr/bin/python3";
    /** Prints each family as JSON: {name: {type, samples: [[sample name, labels, value]]}}. */
    static final String PARSER = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = {}",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    out[f.name] = {'type': f.type, 'samples': [[s.name, s.labels, s.value] for s in f.samples]}",
            "print(json.dumps(out))");

    @TempDir
    Path stateDir;

    @Test
    void aScrapeParsesAsPrometheusTextAndCarriesThePipelinesFigures() throws Exception {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(MODEL);
        assumeTrue(Files.isRegularFile(config.modelFile()), "shipped model missing");
        assumeTrue(Files.isDirectory(DEV), "demo set missing");
        assumeTrue(run("import prometheus_client", "").exit() == 0,
                "python3-prometheus-client (the Prometheus text-format parser) not installed");
        List<AudioItem> items = LibriSpeechSource.items(DEV).subList(0, 1);
        try (Recognizer recognizer = Recognizer.load(config);
                MetricsEndpoint endpoint = MetricsEndpoint.start(0);
                Pipeline pipeline = Pipeline.start(PipelineConfig.embedded().withStateDir(stateDir).withStreams(
                        StreamsAppConfig.builder().applicationId("metrics-it").streamThreads(1).build()),
                        recognizer, e -> { }, endpoint.registry())) {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.AUDIO, "not-audio", new byte[] {1, 2, 3})).get();
            }
            pipeline.ingest(items, IngestConfig.defaults().withRunId("metrics"), AudioLoader.decoder());
            assertTrue(pipeline.monitor().awaitCompleted(1, 1, Duration.ofSeconds(120)));
            Transcript complete = pipeline.monitor().completed().values().iterator().next();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode families = scrape(endpoint);
            while (System.nanoTime() < deadline && (value(families, "asr_streams_completed", "true") < 0
                    || value(families, "asr_dead_letters", "malformed") < 1)) {
                Thread.sleep(200);
                families = scrape(endpoint);
            }
            assertEquals(1.0, value(families, "asr_streams_started", null));
            assertEquals(complete.audioEndSeconds(), value(families, "asr_audio_seconds", null), 0.11);
            assertEquals(1.0, value(families, "asr_streams_completed", "false"));
            assertEquals(1.0, value(families, "asr_dead_letters", "malformed"), "dead letters by reason");
            double finals = value(families, "asr_finals", Integer.toString(complete.codaR()));
            assertTrue(finals >= 1, "finals out, by the CoDA r that made them");
            assertEquals("histogram", families.get("asr_final_latency_seconds").get("type").asText());
            assertEquals(finals, sample(families, "asr_final_latency_seconds", "asr_final_latency_seconds_count"));
            assertTrue(families.has("asr_coda_variant_loaded"), "the CoDA variants in use");
            assertTrue(sample(families, "asr_cpu_per_audio_second", "asr_cpu_per_audio_second") > 0);
            assertTrue(families.has("asr_audio_lag_records"), "the lag on asr.audio");
            assertTrue(families.has("kafka_stream_thread_process_total")
                    || families.properties().stream().anyMatch(f -> f.getKey().startsWith("kafka_stream_")),
                    "Kafka Streams' own client metrics: " + families.properties().stream().map(Map.Entry::getKey)
                            .filter(n -> n.startsWith("kafka")).limit(20).toList());
            String text = http(endpoint);
            for (String secret : List.of(items.get(0).utteranceId(), "not-audio", complete.text())) {
                assertFalse(text.contains(secret), "/metrics holds '" + secret + "'");
            }
        }
    }

    /** The value of a family's first sample whose label values include {@code label} (any when null); -1: none. */
    private static double value(JsonNode families, String family, String label) {
        JsonNode f = families.get(family);
        if (f == null) {
            return -1;
        }
        for (JsonNode s : f.get("samples")) {
            boolean matches = label == null;
            for (JsonNode v : s.get(1)) {
                matches |= v.asText().equals(label);
            }
            if (matches) {
                return s.get(2).asDouble();
            }
        }
        return -1;
    }

    private static double sample(JsonNode families, String family, String sampleName) {
        for (JsonNode s : families.get(family).get("samples")) {
            if (s.get(0).asText().equals(sampleName)) {
                return s.get(2).asDouble();
            }
        }
        throw new AssertionError("no sample " + sampleName + " in " + families.get(family));
    }

    private static JsonNode scrape(MetricsEndpoint endpoint) throws Exception {
        Ran parser = run(PARSER, http(endpoint));
        assertEquals(0, parser.exit(), "the Prometheus parser refused the scrape: " + parser.output());
        return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
                .readTree(parser.output());
    }

    private static String http(MetricsEndpoint endpoint) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.uri())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    private record Ran(int exit, String output) {
    }

    private static Ran run(String script, String stdin) throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Ran(-1, output);
        }
        return new Ran(p.exitValue(), output);
    }
}
