package org.codaasr.app.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.streams.web.LiveState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Brings up {@code docker/docker-compose.yml} (building the image) and waits for the live view to answer.
 * Skipped where no Docker engine runs; {@code streams}' {@code LiveViewIT} is the test of the view itself.
 */
@Testcontainers(disabledWithoutDocker = true)
@Tag("shared-data")
@DisabledIf(value = "noDevSet", disabledReason = "shared data missing: the compose demo's ingest replays the data"
        + " folder's dev set (ASR_DATA, else ../shared/data beside the repository)")
class DockerComposeDemoIT {

    private static final File COMPOSE_FILE = new File("docker/docker-compose.yml");
    private static final int LIVEVIEW_PORT = 8080;
    private static final String TOKEN = "compose-it-token-4b2e";

    @Container
    private static final ComposeContainer DEMO = new ComposeContainer(COMPOSE_FILE)
            .withBuild(true)
            // the host ports of the file must not clash with anything on this machine
            .withEnv("LIVEVIEW_PORT", Integer.toString(freePort()))
            .withEnv("KAFKA_HOST_PORT", Integer.toString(freePort()))
            .withEnv("ASR_SHARED_DATA", DataSets.dataDir().map(d -> d.toAbsolutePath().toString()).orElse(""))
            .withEnv("ASR_WEBSOCKET_TOKEN", TOKEN)
            .withExposedService("liveview", 1, LIVEVIEW_PORT, Wait.forHttp("/api/state")
                    .withHeader("Authorization", "Bearer " + TOKEN).forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(15)))
            .withRemoveVolumes(true);

    @Test
    void liveViewAnswersWithItsState() throws Exception {
        URI uri = URI.create("http://" + DEMO.getServiceHost("liveview", LIVEVIEW_PORT) + ":"
                + DEMO.getServicePort("liveview", LIVEVIEW_PORT) + "/api/state");
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(401, http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the state is not served without the token");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonNode state = new ObjectMapper().readTree(response.body());
        assertEquals(LiveState.DEFAULT_MAX_STREAMS, state.get("maxStreams").asInt());
        assertTrue(state.get("streams").isArray(), response.body());
    }

    static boolean noDevSet() {
        return DataSets.devSet().isEmpty();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port", e);
        }
    }
}
