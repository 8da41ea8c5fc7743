package org.codaasr.app.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codaasr.app.AsrCli;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The Docker Compose demo and its image, checked where no Docker engine runs: the Compose file against the Compose
 * specification's JSON schema and through DCLint (both from the {@code dclint} npm package that {@code .ci/run}
 * installs under {@code .ci/tools}), and the rules below on the Compose file, the Dockerfile and the README next to
 * them. {@link DockerComposeDemoIT} brings the demo up where Docker exists.
 */
class ComposeFileTest {

    static final Path DOCKER = Path.of("docker");
    static final Path COMPOSE = DOCKER.resolve("docker-compose.yml");
    static final Path DOCKERFILE = DOCKER.resolve("Dockerfile");
    static final Path DCLINT = Path.of(System.getProperty("asr.test.dclint", ".ci/tools/node_modules/dclint"));
    static final String INSTALL = "npm install --no-save --prefix .ci/tools dclint@3.1.0 (.ci/run does)";
    /** {@code ${NAME:-default}} in the Compose file. */
    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?}");

    /** The Compose file as Compose reads it: YAML merge keys ({@code <<: *asr}) resolved. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> compose() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(COMPOSE, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    @Test
    void theComposeFileFollowsTheComposeSpecificationSchema() throws IOException {
        Path schemaFile = DCLINT.resolve("schemas/compose.schema.json");
        assumeTrue(Files.isRegularFile(schemaFile), "no Compose specification schema at " + schemaFile + ": " + INSTALL);
        // given an absolute base, against which the schema's relative $id (compose_spec.json) resolves; nothing is
        // fetched: every $ref in it points inside the file
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(
                SchemaLocation.of("https://compose-spec.io/schema/compose_spec.json"),
                new ObjectMapper().readTree(schemaFile.toFile()));
        String json = new ObjectMapper().writeValueAsString(compose());
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        assertEquals(List.of(), errors.stream().map(Error::toString).toList());

        Map<String, Object> broken = compose();
        @SuppressWarnings("unchecked")
        Map<String, Object> kafka = (Map<String, Object>) ((Map<String, Object>) broken.get("services")).get("kafka");
        kafka.put("restart_policy", "always");
        kafka.put("ports", "29092");
        assertTrue(schema.validate(new ObjectMapper().writeValueAsString(broken), InputFormat.JSON).size() >= 2,
                "the schema catches an unknown key and a wrongly typed one");
    }

    @Test
    void dclintFindsNothingInTheComposeFile() throws Exception {
        Path cli = DCLINT.resolve("bin/dclint.cjs");
        assumeTrue(Files.isRegularFile(cli), "no DCLint at " + cli + ": " + INSTALL);
        Process p = new ProcessBuilder("node", cli.toAbsolutePath().toString(), "docker-compose.yml")
                .directory(DOCKER.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "no errors and no warnings (docker/.dclintrc turns off only ordering rules)");
    }

    @Test
    void everyAsrServiceRunsACommandTheCliAccepts() throws IOException {
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            if (!"coda-asr:latest".equals(service.getValue().get("image"))) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<String> command = (List<String>) service.getValue().get("command");
            // the same parser ./asr and the image's entry point run; a renamed option fails here
            CommandLine cli = new CommandLine(new AsrCli());
            cli.parseArgs(command.toArray(String[]::new));
            checked++;
        }
        assertEquals(3, checked, "streams, ingest and liveview");
    }

    @Test
    void theImageRunsTheSameEntryPointAsTheAsrLauncher() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE, StandardCharsets.UTF_8);
        String launcher = Files.readString(Path.of("asr"), StandardCharsets.UTF_8);
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(dockerfile);
        assertTrue(entry.find(), "an exec-form ENTRYPOINT");
        String mainClass = AsrCli.class.getName();
        assertTrue(entry.group(1).contains("\"" + mainClass + "\""), entry.group(1));
        assertTrue(launcher.contains(mainClass + " \"$@\""), "./asr runs " + mainClass);
        assertTrue(entry.group(1).contains("-Dasr.home=/opt/asr") && launcher.contains("-Dasr.home="),
                "both set asr.home, where the shipped model is found");
    }

    @Test
    void dockerfileRules() throws IOException {
        List<String> lines = instructions(Files.readString(DOCKERFILE, StandardCharsets.UTF_8));
        Set<String> stages = new LinkedHashSet<>();
        boolean runsAsUser = false;
        Set<String> exposed = new LinkedHashSet<>();
        for (String line : lines) {
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "FROM" -> {
                    assertTrue(words[1].matches("[^:@]+[:@][^:]+") && !words[1].endsWith(":latest"),
                            "base image with an explicit tag: " + line);
                    if (words.length == 4 && words[2].equalsIgnoreCase("AS")) {
                        stages.add(words[3]);
                    }
                }
                case "COPY" -> {
                    List<String> args = new ArrayList<>(List.of(words).subList(1, words.length));
                    String from = null;
                    while (args.get(0).startsWith("--")) {
                        String flag = args.remove(0);
                        if (flag.startsWith("--from=")) {
                            from = flag.substring(7);
                        }
                    }
                    if (from != null) {
                        assertTrue(stages.contains(from), "COPY --from names an earlier stage: " + line);
                        continue;
                    }
                    for (String source : args.subList(0, args.size() - 1)) {
                        // the build context is the repository root (context: .. in the Compose file)
                        assertTrue(Files.exists(Path.of(source)), "COPY source exists in the build context: " + source);
                    }
                }
                case "USER" -> runsAsUser = !words[1].equals("root") && !words[1].equals("0");
                case "EXPOSE" -> exposed.addAll(List.of(words).subList(1, words.length));
                case "ADD" -> throw new AssertionError("COPY, not ADD (no remote sources, no implicit unpacking): " + line);
                default -> {
                    // RUN, WORKDIR, ENTRYPOINT, CMD: checked elsewhere or free
                }
            }
        }
        assertTrue(runsAsUser, "the image does not run as root");
        assertEquals(Set.of("8080", "8081"), exposed, "the liveview ports");
        String ignore = Files.readString(DOCKER.resolve("Dockerfile.dockerignore"), StandardCharsets.UTF_8);
        for (String excluded : List.of("**/target", ".git", "asr-model/training/data", "asr-model/training/runs")) {
            assertTrue(ignore.lines().anyMatch(excluded::equals), "the build context leaves out " + excluded);
        }
    }

    @Test
    void theLiveviewServicePublishesThePortsItsCommandListensOn() throws IOException {
        Map<String, Object> liveview = services().get("liveview");
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) liveview.get("command");
        @SuppressWarnings("unchecked")
        List<String> ports = (List<String>) liveview.get("ports");
        Set<String> published = new LinkedHashSet<>();
        for (String mapping : ports) {
            assertTrue(mapping.startsWith("127.0.0.1:"), "published on this machine only: " + mapping);
            published.add(mapping.substring(mapping.lastIndexOf(':') + 1));
        }
        assertEquals(Set.of(option(command, "--port"), option(command, "--audio-port")), published);
        // published ports reach the container's own interface, not its loopback; off loopback a token is a must
        assertEquals("0.0.0.0", option(command, "--listen"), "the page listens where the published ports arrive");
        assertFalse(command.contains("--no-auth"), "a page reachable from outside its container needs its token");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesTheStreamsServiceWhereItsCommandServesMetrics() throws IOException {
        List<String> command = (List<String>) services().get("streams").get("command");
        assertEquals("0.0.0.0", option(command, "--metrics-listen"), "reachable from the Prometheus container");
        Map<String, Object> prometheus = new Yaml().load(Files.readString(DOCKER.resolve("prometheus.yml"),
                StandardCharsets.UTF_8));
        Map<String, Object> job = ((List<Map<String, Object>>) prometheus.get("scrape_configs")).get(0);
        Map<String, Object> dns = ((List<Map<String, Object>>) job.get("dns_sd_configs")).get(0);
        assertEquals(List.of("streams"), dns.get("names"), "every streams replica");
        assertEquals(option(command, "--metrics-port"), dns.get("port").toString());
        for (String service : List.of("prometheus", "grafana")) {
            for (String mapping : (List<String>) services().get(service).get("ports")) {
                assertTrue(mapping.startsWith("127.0.0.1:"), "published on this machine only: " + mapping);
            }
            for (String volume : (List<String>) services().get(service).get("volumes")) {
                Path source = DOCKER.resolve(volume.substring(0, volume.indexOf(':')));
                assertTrue(Files.exists(source), "mounted from the repository: " + source);
            }
        }
    }

    @Test
    void theDashboardQueriesOnlyMetricsTheCodeRegisters() throws IOException {
        String dashboard = Files.readString(DOCKER.resolve("grafana/dashboards/coda-asr.json"), StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.JsonNode panels = new ObjectMapper().readTree(dashboard).get("panels");
        assertTrue(panels.size() >= 8, "one panel per figure");
        String code = Files.readString(Path.of("streams/src/main/java/org/codaasr/streams/metrics/PipelineMetrics.java"),
                StandardCharsets.UTF_8) + Files.readString(Path.of("streams/src/main/java/org/codaasr/streams/StreamsApp.java"),
                StandardCharsets.UTF_8);
        Matcher metric = Pattern.compile("\\b(asr_[a-z_]+?)(_total|_bucket)?\\b").matcher("");
        Set<String> named = new LinkedHashSet<>();
        for (com.fasterxml.jackson.databind.JsonNode panel : panels) {
            for (com.fasterxml.jackson.databind.JsonNode target : panel.get("targets")) {
                metric.reset(target.get("expr").asText());
                while (metric.find()) {
                    named.add(metric.group(1));
                }
            }
        }
        assertTrue(named.size() >= 8, named.toString());
        for (String name : named) {
            // Micrometer writes asr.final.latency as asr_final_latency_seconds, counters with _total
            String registered = "\"" + name.replaceFirst("_seconds$", "").replace('_', '.') + "\"";
            assertTrue(code.contains(registered) || name.equals("asr_audio_seconds") && code.contains("\"asr.audio.seconds\""),
                    "the dashboard queries " + name + ", which the code does not register as " + registered);
        }
    }

    @Test
    void everyVariableOfTheComposeFileIsInTheReadmeWithItsDefault() throws IOException {
        String composeText = Files.readString(COMPOSE, StandardCharsets.UTF_8);
        String readme = Files.readString(DOCKER.resolve("README.md"), StandardCharsets.UTF_8);
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher m = VARIABLE.matcher(composeText);
        while (m.find()) {
            String previous = variables.put(m.group(1), m.group(2) == null ? "" : m.group(2));
            assertTrue(previous == null || previous.equals(variables.get(m.group(1))),
                    m.group(1) + " has one default throughout");
        }
        assertFalse(variables.isEmpty());
        for (Map.Entry<String, String> v : variables.entrySet()) {
            String row = readme.lines().filter(l -> l.startsWith("| `" + v.getKey() + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("docker/README.md has no row for " + v.getKey()));
            String shown = v.getValue().isEmpty() ? "(none)" : "`" + v.getValue() + "`";
            assertTrue(row.contains(shown), v.getKey() + " defaults to " + shown + " in the README: " + row);
        }
    }

    private static String option(List<String> command, String name) {
        int i = command.indexOf(name);
        assertTrue(i >= 0 && i + 1 < command.size(), "the command gives " + name + ": " + command);
        return command.get(i + 1);
    }

    /** Dockerfile instructions, one per entry: comments dropped, continuation lines joined. */
    static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : dockerfile.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            boolean continued = line.endsWith("\\");
            current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return out;
    }
}
