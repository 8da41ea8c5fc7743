package org.codaasr.eval.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.codaasr.model.AsrException;

/**
 * sherpa-onnx as the reference implementation, for parity tests and {@code asr bench peer} only (never on the
 * recognizer's run-time path): the npm package {@code sherpa-onnx-node} (which brings {@code sherpa-onnx-linux-x64},
 * sherpa-onnx's C++ library with ONNX Runtime) installed by npm into a cache folder on first use, and a small Node
 * script ({@code sherpa-onnx-decode.js}) that decodes WAV files with its Offline/OnlineRecognizer and prints JSON.
 */
public final class SherpaOnnxPeer {

    /** The package version the parity tests were written against. */
    public static final String VERSION = "1.13.8";
    static final String PACKAGE = "sherpa-onnx-node";
    static final String SCRIPT = "sherpa-onnx-decode.js";
    private static final long INSTALL_MINUTES = 10;
    private static final long DECODE_MINUTES = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    private SherpaOnnxPeer(Path dir) {
        this.dir = dir;
    }

    /** {@code -Dasr.peer.dir}, else {@code ~/.cache/coda-asr/sherpa-onnx-node}. */
    public static Path defaultDir() {
        String prop = System.getProperty("asr.peer.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "coda-asr", "sherpa-onnx-node");
    }

    /**
     * The package in {@code dir}, installed there with npm where it is missing or another version.
     *
     * @throws PeerUnavailableException where node or npm is missing or the installation fails
     */
    public static SherpaOnnxPeer install(Path dir) {
        Path packageJson = dir.resolve("node_modules").resolve(PACKAGE).resolve("package.json");
        try {
            Files.createDirectories(dir);
            if (!installedVersion(packageJson).equals(VERSION)) {
                run(List.of("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
                        PACKAGE + "@" + VERSION), dir, INSTALL_MINUTES, "npm install " + PACKAGE + "@" + VERSION);
                if (!installedVersion(packageJson).equals(VERSION)) {
                    throw new PeerUnavailableException("npm install " + PACKAGE + "@" + VERSION + " left no "
                            + packageJson);
                }
            }
            try (InputStream script = SherpaOnnxPeer.class.getResourceAsStream(SCRIPT)) {
                if (script == null) {
                    throw new AsrException("the resource " + SCRIPT + " is missing from the eval jar");
                }
                Files.copy(script, dir.resolve(SCRIPT), StandardCopyOption.REPLACE_EXISTING);
            }
            run(List.of("node", "-e", "require('" + PACKAGE + "')"), dir, 1, "node loading " + PACKAGE);
        } catch (IOException e) {
            throw new PeerUnavailableException("cannot prepare " + dir + " for " + PACKAGE + ": " + e.getMessage(), e);
        }
        return new SherpaOnnxPeer(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Decodes the request's files in one Node process; the last pass's results, one per file, in order. */
    public List<PeerResult> decode(PeerRequest request) {
        List<List<PeerResult>> passes = decodePasses(request);
        return passes.get(passes.size() - 1);
    }

    /** Every pass's results (one list per pass, one result per file, in order), from one Node process. */
    public List<List<PeerResult>> decodePasses(PeerRequest request) {
        ObjectNode json = JSON.createObjectNode();
        json.put("layout", request.layout().key());
        json.put("model", request.model().toAbsolutePath().toString());
        json.put("tokens", request.tokens().toAbsolutePath().toString());
        json.put("threads", request.threads());
        json.put("repeats", request.repeats());
        ArrayNode files = json.putArray("files");
        request.files().forEach(f -> files.add(f.toAbsolutePath().toString()));
        String out = run(List.of("node", dir.resolve(SCRIPT).toString(), json.toString()), dir, DECODE_MINUTES,
                "sherpa-onnx on " + request.model());
        List<List<PeerResult>> passes = new ArrayList<>();
        for (int p = 0; p < request.repeats(); p++) {
            passes.add(new ArrayList<>());
        }
        try {
            for (String line : out.split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode n = JSON.readTree(line);
                    passes.get(n.get("pass").asInt()).add(parse(n));
                }
            }
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new AsrException("sherpa-onnx printed a line that is not one of its results: " + e.getMessage(), e);
        }
        for (List<PeerResult> pass : passes) {
            if (pass.size() != request.files().size()) {
                throw new AsrException("sherpa-onnx returned " + pass.size() + " results in a pass over "
                        + request.files().size() + " files: " + out);
            }
        }
        return passes;
    }

    private static PeerResult parse(JsonNode n) {
        List<String> tokens = new ArrayList<>();
        n.get("tokens").forEach(t -> tokens.add(t.asText()));
        JsonNode ts = n.get("timestamps");
        double[] times = new double[ts.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = ts.get(i).asDouble();
        }
        return new PeerResult(n.get("file").asText(), tokens, times, n.get("text").asText(),
                n.get("seconds").asDouble(), n.get("audio_seconds").asDouble());
    }

    private static String installedVersion(Path packageJson) throws IOException {
        return Files.isRegularFile(packageJson) ? JSON.readTree(packageJson.toFile()).path("version").asText() : "";
    }

    private static String run(List<String> command, Path dir, long minutes, String what) {
        Process process;
        Path output;
        try {
            output = Files.createTempFile("sherpa-onnx-peer-", ".out");
        } catch (IOException e) {
            throw new AsrException("cannot create a temporary file for " + what + ": " + e.getMessage(), e);
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().put("NODE_PATH", dir.resolve("node_modules").toString());
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new PeerUnavailableException("cannot start " + command.get(0) + " for " + what + " ("
                        + e.getMessage() + "): install Node.js and npm (Debian: apt-get install nodejs npm)", e);
            }
            try {
                if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    process.waitFor();
                    throw new AsrException(what + " took longer than " + minutes + " minutes; killed it");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AsrException("interrupted while running " + what, e);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                String tail = text.length() > 2000 ? text.substring(text.length() - 2000) : text;
                String message = what + " exited with status " + process.exitValue() + " (expected 0): " + tail;
                if (command.get(0).equals("npm") || command.get(1).equals("-e")) {
                    throw new PeerUnavailableException(message);
                }
                throw new AsrException(message);
            }
            return text;
        } catch (IOException e) {
            throw new AsrException("cannot read the output of " + what + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
