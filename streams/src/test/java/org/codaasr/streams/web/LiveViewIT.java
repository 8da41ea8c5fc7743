package org.codaasr.streams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Topics;
import org.codaasr.messages.Transcript;
import org.codaasr.messages.WerAggregate;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.RoutingRequest;
import org.codaasr.streams.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The live view against a real in-JVM broker: records produced with the project's serdes show up over HTTP. */
class LiveViewIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, byte[]> producer;
    private static LiveView view;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start();
        // one partition each, so that the order of records on a topic is the order they were sent
        broker.createTopics(Map.of(Topics.TRANSCRIPTS, 1, Topics.WER_AGGREGATES, 1, Topics.DLQ, 1));
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "liveview-it"),
                new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        view = LiveView.start(broker.bootstrapServers(), 0);
    }

    @AfterAll
    static void stop() {
        if (view != null) {
            view.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static void send(List<ProducerRecord<String, byte[]>> records, boolean commit) {
        producer.beginTransaction();
        records.forEach(producer::send);
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    private static ProducerRecord<String, byte[]> transcript(org.codaasr.messages.Transcript t) {
        return new ProducerRecord<>(Topics.TRANSCRIPTS, t.streamId(),
                AsrSerdes.transcript().serializer().serialize(Topics.TRANSCRIPTS, t));
    }

    private static ProducerRecord<String, byte[]> wer(WerAggregate a) {
        String key = WerAggregate.RUN_SCOPE.equals(a.scope()) ? "run:" + a.runId() : a.scope();
        return new ProducerRecord<>(Topics.WER_AGGREGATES, key,
                AsrSerdes.werAggregate().serializer().serialize(Topics.WER_AGGREGATES, a));
    }

    private static ProducerRecord<String, byte[]> deadLetter(long offset, String reason) {
        return new ProducerRecord<>(Topics.DLQ, "s" + offset,
                AsrSerdes.deadLetter().serializer().serialize(Topics.DLQ, LiveStateTest.deadLetter(offset, reason)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(view.uri().resolve(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitState(Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode state;
        do {
            HttpResponse<String> response = get("/api/state");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            state = LiveView.JSON.readTree(response.body());
            if (done.test(state)) {
                return state;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("state did not reach the expected content in " + WAIT.toSeconds() + " s: " + state);
    }

    private static JsonNode stream(JsonNode state, String id) {
        for (JsonNode s : state.get("streams")) {
            if (s.get("streamId").asText().equals(id)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void apiStateAndEventStreamShowCommittedRecords() throws Exception {
        send(List.of(transcript(LiveStateTest.partial("aborted", 0, "NEVER SEEN", 0.5, 1))), false);
        send(List.of(
                transcript(LiveStateTest.partial("s1", 0, "HELLO", 0.5, 1_000)),
                transcript(LiveStateTest.fin("s1", 0, "HELLO WORLD", 123, 1_100)),
                transcript(LiveStateTest.complete("s1", 1, "HELLO WORLD", 1_110)),
                transcript(LiveStateTest.partial("s2", 0, "GOOD MOR", 0.7, 1_200)),
                wer(new WerAggregate("run-a", WerAggregate.RUN_SCOPE, 1, 2, 0, 0.0)),
                wer(new WerAggregate("run-a", WerAggregate.speakerScope("1688"), 1, 2, 0, 0.0)),
                deadLetter(7, "chunk sequence went backwards")), true);

        JsonNode state = awaitState(s -> s.get("deadLetters").asLong() == 1 && s.get("runs").size() == 1
                && stream(s, "s2") != null);
        JsonNode s1 = stream(state, "s1");
        assertNotNull(s1, state.toString());
        assertEquals("HELLO WORLD", s1.get("finals").get(0).get("text").asText());
        assertTrue(s1.get("partial").isNull());
        assertEquals(123, s1.get("lastFinalLatencyMs").asLong());
        assertTrue(s1.get("complete").asBoolean());
        assertEquals("GOOD MOR", stream(state, "s2").get("partial").get("text").asText());
        assertEquals(List.of("s2", "s1"), ids(state), "newest first; the aborted transaction is invisible");
        assertEquals("speaker:1688", state.get("speakers").get(0).get("scope").asText());
        assertEquals("chunk sequence went backwards", state.get("latestDeadLetters").get(0).get("reason").asText());
        assertEquals(4, state.get("transcripts").asLong());
        assertEquals(500, state.get("maxStreams").asInt());

        try (SseReader events = SseReader.open(http, view.uri().resolve("/events"))) {
            SseReader.Event snapshot = events.next();
            assertEquals("snapshot", snapshot.name());
            assertEquals(List.of("s2", "s1"), ids(LiveView.JSON.readTree(snapshot.data())));

            send(List.of(
                    transcript(LiveStateTest.fin("s2", 0, "GOOD MORNING", 88, 2_000)),
                    wer(new WerAggregate("run-a", WerAggregate.RUN_SCOPE, 2, 4, 1, 25.0)),
                    deadLetter(8, "not a PCM chunk")), true);
            SseReader.Event transcript = events.next();
            assertEquals("transcript", transcript.name());
            JsonNode t = LiveView.JSON.readTree(transcript.data());
            assertEquals("s2", t.get("streamId").asText());
            assertEquals("GOOD MORNING", t.get("text").asText());
            assertTrue(t.get("isFinal").asBoolean());

            // the three topics are consumed independently: the other two events may come in either order
            List<SseReader.Event> rest = List.of(events.next(), events.next());
            SseReader.Event werEvent = rest.stream().filter(e -> e.name().equals("wer")).findFirst().orElseThrow();
            SseReader.Event dlqEvent = rest.stream().filter(e -> e.name().equals("dlq")).findFirst().orElseThrow();
            assertEquals(25.0, LiveView.JSON.readTree(werEvent.data()).get("wer").asDouble(), 1e-9);
            JsonNode dlq = LiveView.JSON.readTree(dlqEvent.data());
            assertEquals("not a PCM chunk", dlq.get("reason").asText());
            assertFalse(dlq.has("originalValue"), "the original bytes stay out of the page");
        }
        JsonNode after = awaitState(s -> s.get("deadLetters").asLong() == 2);
        assertEquals("GOOD MORNING", stream(after, "s2").get("finals").get(0).get("text").asText());
        assertEquals(25.0, after.get("runs").get(0).get("wer").asDouble(), 1e-9);
    }

    @Test
    void servesTheSelfContainedPageAndRejectsUnknownPaths() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"app.js\">"), page.body());
        HttpResponse<String> script = get("/app.js");
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(script.body().contains("new EventSource(\"events\" + tokenQuery())"), "the page listens to /events");
        for (String asset : List.of("/", "/app.js", "/app.css", "/pcm-worklet.js")) {
            HttpResponse<String> r = get(asset);
            assertEquals(200, r.statusCode(), asset);
            assertFalse(r.body().contains("http://") || r.body().contains("https://") || r.body().contains("@import"),
                    asset + ": no resources from other hosts, so the page works offline");
        }
        JsonNode config = LiveView.JSON.readTree(get("/api/config").body());
        assertTrue(config.get("audio").isNull(), "no audio endpoint unless configured: " + config);
        assertEquals(404, get("/nope").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(view.uri().resolve("/api/state"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void aStreamsFinalsDownloadAsTextAndSubtitles() throws Exception {
        List<org.codaasr.messages.Transcript.Word> words = List.of(
                new org.codaasr.messages.Transcript.Word("HELLO", 0.10, 0.50, 0.9),
                new org.codaasr.messages.Transcript.Word("WORLD", 0.60, 1.00, 0.3),
                new org.codaasr.messages.Transcript.Word("AGAIN", 2.00, 2.40, 0.8));
        send(List.of(transcript(new org.codaasr.messages.Transcript("w1", null, 0, true, "HELLO WORLD AGAIN", words,
                "m", 0, 0, 2.5, 50, 2_000, false))), true);
        awaitState(state -> stream(state, "w1") != null);
        HttpResponse<String> srt = get("/api/streams/w1/transcript.srt");
        assertEquals(200, srt.statusCode());
        assertEquals("1\n00:00:00,100 --> 00:00:01,000\nHELLO WORLD\n\n2\n00:00:02,000 --> 00:00:02,400\nAGAIN\n\n",
                srt.body(), "cut at the 1 s pause, as asr transcribe --format srt cuts it");
        assertTrue(srt.headers().firstValue("Content-Disposition").orElse("").contains("w1.srt"));
        assertTrue(get("/api/streams/w1/transcript.vtt").body().startsWith("WEBVTT\n\n00:00:00.100 --> 00:00:01.000"));
        assertEquals("HELLO WORLD AGAIN\n", get("/api/streams/w1/transcript.txt").body());
        JsonNode segment = stream(awaitState(state -> true), "w1").get("finals").get(0);
        assertEquals(0.3, segment.get("words").get(1).get("confidence").asDouble(), 1e-9, "words reach the page");
        assertEquals(404, get("/api/streams/nobody/transcript.txt").statusCode());
        assertEquals(404, get("/api/streams/w1/transcript.doc").statusCode());
    }

    @Test
    void theConfigTellsThePageWhereToSendAudioAndWhichRoutingItMayAskFor() throws Exception {
        LiveViewConfig.AudioEndpoint audio = new LiveViewConfig.AudioEndpoint(8081, true, 262_144, 600,
                List.of(RoutingRequest.pinned(CodaVariant.DENSE), RoutingRequest.pinned(CodaVariant.CODA_R4),
                        RoutingRequest.ADAPTIVE), RoutingRequest.pinned(CodaVariant.DENSE));
        try (LiveView configured = LiveView.start(broker.bootstrapServers(), KafkaClientProperties.NONE,
                LiveViewConfig.defaults().withPort(0).withAudio(audio).withMaxUploadBytes(1_000_000))) {
            JsonNode config = LiveView.JSON.readTree(http.send(HttpRequest.newBuilder(
                    configured.uri().resolve("/api/config")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(8081, config.get("audio").get("port").asInt());
            assertTrue(config.get("audio").get("tokenRequired").asBoolean());
            assertEquals(16000, config.get("audio").get("sampleRate").asInt());
            assertEquals("0", config.get("audio").get("defaultRouting").asText());
            List<String> values = new ArrayList<>();
            config.get("audio").get("routing").forEach(c -> values.add(c.get("value").asText()));
            assertEquals(List.of("0", "4", "adaptive"), values);
            assertEquals(1_000_000, config.get("maxUploadBytes").asLong());
        }
        assertThrows(IllegalArgumentException.class, () -> new LiveViewConfig.AudioEndpoint(8081, false, 100, 60,
                List.of(RoutingRequest.ADAPTIVE), RoutingRequest.pinned(CodaVariant.CODA_R2)));
    }

    @Test
    void closeStopsServingAndIsIdempotent() throws Exception {
        LiveView second = LiveView.start(broker.bootstrapServers(), 0);
        URI uri = second.uri();
        assertEquals(200, http.send(HttpRequest.newBuilder(uri.resolve("/api/state")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        second.close();
        second.close();
        assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(uri.resolve("/api/state"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static List<String> ids(JsonNode state) {
        List<String> ids = new ArrayList<>();
        state.get("streams").forEach(s -> ids.add(s.get("streamId").asText()));
        return ids;
    }

    /** Reads Server-Sent Events from a GET on a background thread. */
    private static final class SseReader implements AutoCloseable {

        record Event(String name, String data) {
        }

        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final Stream<String> lines;
        private final Thread thread;

        private SseReader(Stream<String> lines) {
            this.lines = lines;
            this.thread = new Thread(this::read, "sse-reader");
            thread.setDaemon(true);
            thread.start();
        }

        static SseReader open(HttpClient http, URI uri) throws Exception {
            HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            return new SseReader(response.body());
        }

        private void read() {
            String name = "message";
            StringBuilder data = new StringBuilder();
            try {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new Event(name, data.toString()));
                        }
                        name = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    }
                }
            } catch (RuntimeException e) {
                // the stream was closed under us
            }
        }

        Event next() throws InterruptedException {
            Event event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(event, "no server-sent event within " + WAIT.toSeconds() + " s");
            return event;
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
