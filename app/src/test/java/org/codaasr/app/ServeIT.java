package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.codaasr.app.pipeline.Pipeline;
import org.codaasr.app.pipeline.PipelineConfig;
import org.codaasr.ingest.WebSocketPolicy;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Transcript;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.recognizer.RecognitionResult;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.codaasr.streams.StreamsAppConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code asr serve} and the page against the in-JVM broker pipeline, with the shipped model: every endpoint refuses a
 * missing or wrong token (401); a Vosk client and a sherpa-onnx client, each written from that project's protocol
 * description (Vosk: {@code websocket/test.py} and {@code asr_server.py} of alphacep/vosk-server; sherpa-onnx:
 * {@code online-websocket-client-decode-file.py} and {@code online-websocket-server-impl.cc}), get the transcript the
 * library's own streaming decoding gives for the same file; bad input gets an error and vanished clients' streams
 * end with the abort marker.
 */
class ServeIT {

    static final Path MODEL = Path.of("asr-model/models/conformer-ctc-small");
    static final Path DEV = DataSets.demoSet().resolve("1688").resolve("142285");
    static final String TOKEN = "serve-it-token-7c1d";
    static final ObjectMapper JSON = new ObjectMapper();

    static Recognizer recognizer;
    static Pipeline pipeline;
    static WebConsole page;
    static ProtocolServers servers;
    static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        RecognizerConfig config = RecognizerConfig.defaults().withModelDir(MODEL);
        assumeTrue(Files.isRegularFile(config.modelFile()), "shipped model missing");
        assumeTrue(Files.isDirectory(DEV), "demo set missing");
        recognizer = Recognizer.load(config);
        stateDir = Files.createTempDirectory("serve-it");
        pipeline = Pipeline.start(PipelineConfig.embedded().withStateDir(stateDir).withStreams(StreamsAppConfig
                .builder().applicationId("serve-it").streamThreads(1).build()), recognizer, e -> { });
        WebSocketPolicy policy = WebSocketPolicy.withToken(TOKEN);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        page = WebConsole.start(pipeline.bootstrapServers(), KafkaClientProperties.NONE, loopback, 0, 0, policy,
                WebConsole.routingOf(recognizer), WebConsole.defaultRoutingOf(recognizer));
        servers = ProtocolServers.start(pipeline.bootstrapServers(), KafkaClientProperties.NONE, loopback, 0, 0,
                policy);
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.close();
        }
        if (page != null) {
            page.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (recognizer != null) {
            recognizer.close();
        }
        if (stateDir != null) {
            Pipeline.deleteTree(stateDir);
        }
    }

    // ------------------------------------------------------------------------------------------------ the token

    @Test
    void everyEndpointAnswers401WithoutTheTokenOrWithAWrongOne() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + page.view().port();
        for (String path : List.of("/api/state", "/api/config", "/events", "/api/streams/s1/transcript.txt",
                "/api/streams/s1/transcript.srt", "/api/streams/s1/transcript.vtt")) {
            assertEquals(401, status(http, base + path, null), path + " without a token");
            assertEquals(401, status(http, base + path, "wrong-token-123"), path + " with a wrong token");
            assertEquals(401, status(http, base + path + "?token=wrong-token-123", null), path + " ?token=wrong");
            int allowed = status(http, base + path, TOKEN);
            assertEquals(path.startsWith("/api/streams/") ? 404 : 200, allowed, path + " with the token");
            assertEquals(allowed, status(http, base + path + "?token=" + TOKEN, null), path + " ?token=");
        }
        assertEquals(200, status(http, base + "/", null), "the page's own files hold no data");
        assertEquals(200, status(http, base + "/app.js", null));

        for (String socket : List.of("ws://127.0.0.1:" + page.audioPort() + "/s-refused",
                "ws://127.0.0.1:" + servers.voskPort(), "ws://127.0.0.1:" + servers.sherpaOnnxPort())) {
            assertEquals(401, handshakeStatus(socket, null), socket + " without a token");
            assertEquals(401, handshakeStatus(socket, "wrong-token-123"), socket + " with a wrong token");
            assertEquals(401, handshakeStatus(socket + "?token=wrong-token-123", null), socket + " ?token=wrong");
            ProtocolClient.connect(socket + (socket.contains("/s-refused") ? "x" : "") + "?token=" + TOKEN, null)
                    .close();
            ProtocolClient.connect(socket + (socket.contains("/s-refused") ? "y" : ""), TOKEN).close();
        }
    }

    @Test
    void serversListenOnLoopbackAndLetLoopbackClientsInWithoutATokenOnlyWhenAsked() throws Exception {
        assertTrue(page.view().address().getAddress().isLoopbackAddress());
        WebSocketPolicy demo = WebSocketPolicy.withToken(TOKEN).withLoopbackWithoutToken();
        try (ProtocolServers open = ProtocolServers.start(pipeline.bootstrapServers(), KafkaClientProperties.NONE,
                InetAddress.getLoopbackAddress(), 0, 0, demo)) {
            ProtocolClient.connect("ws://127.0.0.1:" + open.voskPort(), null).close();
            ProtocolClient.connect("ws://localhost:" + open.sherpaOnnxPort(), null).close();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProtocolServers.start(
                pipeline.bootstrapServers(), KafkaClientProperties.NONE, InetAddress.getByName("0.0.0.0"), 0, 0,
                demo));
        assertTrue(e.getMessage().contains("without a token"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProtocolServers.start(pipeline.bootstrapServers(),
                KafkaClientProperties.NONE, InetAddress.getByName("0.0.0.0"), 0, 0, WebSocketPolicy.anonymous()));
    }

    private static int status(HttpClient http, String uri, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close(); // /events streams until closed
        return response.statusCode();
    }

    private static int handshakeStatus(String uri, String bearer) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> ProtocolClient.connect(uri, bearer));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), uri);
        return refused.getResponse().statusCode();
    }

    // ------------------------------------------------------------------------------------------------ protocols

    /** The library's streaming decoding of the file, its finals joined: what every client must get. */
    private static String directStreaming(AudioData audio) {
        return recognizer.transcribeStreaming(audio, 1600).stream().map(RecognitionResult::text)
                .filter(t -> !t.isBlank()).collect(Collectors.joining(" "));
    }

    private static AudioData dev(String utterance) {
        return AudioDecoder.load(DEV.resolve(utterance + ".flac"), 16000);
    }

    @Test
    void aVoskClientGetsTheStreamingTranscript() throws Exception {
        for (String utterance : List.of("1688-142285-0000", "1688-142285-0007")) {
            AudioData audio = dev(utterance);
            byte[] pcm = AudioChunk.encodeS16le(audio.samples(), 0, audio.samples().length);
            ProtocolClient vosk = ProtocolClient.connect("ws://localhost:" + servers.voskPort() + "/vosk-" + utterance,
                    TOKEN);
            vosk.text("{ \"config\" : { \"sample_rate\" : 16000 } }");
            List<String> texts = new ArrayList<>();
            int messages = 0;
            for (int at = 0; at < pcm.length; at += 6400) { // 0.2 s per message, one reply each, as test.py does
                vosk.binary(Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 6400)));
                JsonNode reply = JSON.readTree(vosk.next(30));
                messages++;
                assertTrue(reply.has("partial") || reply.has("text"), reply.toString());
                textOf(reply, texts);
            }
            vosk.text("{\"eof\" : 1}");
            JsonNode last = JSON.readTree(vosk.next(120));
            assertTrue(last.has("text"), "the final result after eof: " + last);
            textOf(last, texts);
            assertEquals(1000, vosk.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS), "then the server closes");
            if (last.has("result")) {
                JsonNode word = last.get("result").get(0);
                assertTrue(word.has("conf") && word.has("start") && word.has("end") && word.has("word"), word.toString());
            }
            String expected = directStreaming(audio);
            System.out.printf("vosk %s: %d audio messages, transcript '%s', direct streaming '%s'%n", utterance,
                    messages, String.join(" ", texts), expected);
            assertEquals(expected, String.join(" ", texts));
            Transcript complete = awaitComplete("vosk-" + utterance);
            assertFalse(complete.aborted(), "a stream ended by eof is complete, not aborted");
            assertEquals(expected, complete.text());
        }
    }

    private static void textOf(JsonNode reply, List<String> texts) {
        if (reply.has("text") && !reply.get("text").asText().isBlank()) {
            texts.add(reply.get("text").asText());
        }
    }

    @Test
    void aSherpaOnnxClientGetsTheStreamingTranscript() throws Exception {
        String utterance = "1688-142285-0007";
        AudioData audio = dev(utterance);
        float[] samples = audio.samples();
        ProtocolClient sherpa = ProtocolClient.connect("ws://localhost:" + servers.sherpaOnnxPort() + "/sherpa-"
                + utterance, TOKEN);
        for (int at = 0; at < samples.length; at += 8000) { // the client's default: 8000 samples per message
            int end = Math.min(samples.length, at + 8000);
            ByteBuffer bytes = ByteBuffer.allocate((end - at) * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = at; i < end; i++) {
                bytes.putFloat(samples[i]);
            }
            sherpa.binary(bytes.array());
        }
        sherpa.text("Done");
        List<JsonNode> results = new ArrayList<>();
        for (String message = sherpa.next(120); !"Done!".equals(message); message = sherpa.next(120)) {
            JsonNode json = JSON.readTree(message);
            for (String field : List.of("text", "segment", "is_final", "is_eof", "tokens", "timestamps", "start_time")) {
                assertTrue(json.has(field), field + " in " + json);
            }
            results.add(json);
        }
        JsonNode last = results.get(results.size() - 1);
        assertTrue(last.get("is_eof").asBoolean() && last.get("is_final").asBoolean(), last.toString());
        assertTrue(results.subList(0, results.size() - 1).stream().noneMatch(r -> r.get("is_eof").asBoolean()));
        String transcript = results.stream().filter(r -> r.get("is_final").asBoolean()).map(r -> r.get("text").asText())
                .filter(t -> !t.isBlank()).collect(Collectors.joining(" "));
        String expected = directStreaming(audio);
        System.out.printf("sherpa-onnx %s: %d results, transcript '%s', direct streaming '%s'%n", utterance,
                results.size(), transcript, expected);
        assertEquals(expected, transcript);
        assertEquals(1000, sherpa.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(awaitComplete("sherpa-" + utterance).aborted());
    }

    // ------------------------------------------------------------------------------------------------ bad input

    @Test
    void badInputGetsAnErrorAndEndsTheStreamWithTheAbortMarker() throws Exception {
        String vosk = "ws://localhost:" + servers.voskPort() + "/";
        String sherpa = "ws://localhost:" + servers.sherpaOnnxPort() + "/";
        refused(vosk + "bad-json", c -> c.text("eof please"), "expected a JSON object");
        refused(vosk + "bad-rate", c -> c.text("{\"config\": {\"sample_rate\": 96000}}"), "cannot be resampled");
        refused(vosk + "bad-odd", c -> c.binary(new byte[3201]), "not a whole number of 2-byte samples");
        refused(vosk + "bad-late-config", c -> {
            c.binary(new byte[3200]);
            c.next(30);
            c.text("{\"config\": {\"sample_rate\": 8000}}");
        }, "before the audio");
        refused(sherpa + "bad-floats", c -> c.binary(new byte[6]), "not a whole number of 4-byte samples");
        refused(sherpa + "bad-text", c -> c.text("{\"eof\" : 1}"), "expected binary float32 samples");

        ProtocolClient big = ProtocolClient.connect(vosk + "bad-big", TOKEN);
        big.binaryNoWait(new byte[WebSocketPolicy.DEFAULT_MAX_MESSAGE_BYTES + 2]);
        assertEquals(1009, big.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS), "a message over the limit");
        assertTrue(awaitComplete("bad-big").aborted());

        float[] second = Arrays.copyOf(dev("1688-142285-0000").samples(), 16000);
        ProtocolClient gone = ProtocolClient.connect(vosk + "vanished-vosk", TOKEN);
        gone.binary(AudioChunk.encodeS16le(second, 0, second.length));
        gone.next(30);
        gone.vanish();
        Transcript vanished = awaitComplete("vanished-vosk");
        assertTrue(vanished.aborted(), "a client gone without eof: " + vanished);
        assertEquals(1.0, vanished.audioEndSeconds(), 0.01, "the audio it sent is kept");

        ProtocolClient closed = ProtocolClient.connect(sherpa + "closed-sherpa", TOKEN);
        closed.binary(new byte[16000 * 4 / 10]);
        closed.close();
        assertTrue(awaitComplete("closed-sherpa").aborted(), "a client that closes without Done");
    }

    interface Misbehaviour {
        void apply(ProtocolClient client) throws Exception;
    }

    private static void refused(String uri, Misbehaviour misbehaviour, String why) throws Exception {
        ProtocolClient client = ProtocolClient.connect(uri, TOKEN);
        misbehaviour.apply(client);
        JsonNode error = JSON.readTree(client.next(10));
        assertTrue(error.has("error") && error.get("error").asText().contains(why), uri + ": " + error);
        assertEquals(1003, client.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS), uri);
        assertTrue(client.closeReason.contains(why), client.closeReason);
        String id = uri.substring(uri.lastIndexOf('/') + 1);
        assertTrue(awaitComplete(id).aborted(), id + " ends with the abort marker");
    }

    private static Transcript awaitComplete(String streamId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Transcript t = pipeline.monitor().completed().get(streamId);
            if (t != null) {
                return t;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("stream " + streamId + " did not complete within 60 s");
    }
}
