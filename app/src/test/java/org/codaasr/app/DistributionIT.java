package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary distribution as a user installs it: {@code asr-<version>.tar.gz} (made by {@code mvn package}) unpacked
 * into an empty folder, its {@code bin/asr} started from another working directory with an empty home folder (so no
 * {@code ~/.cache}), with only the Java runtime running these tests: no Maven, no source tree.
 */
class DistributionIT {

    @TempDir
    static Path root;

    static Path home;

    static Path elsewhere;

    @BeforeAll
    static void unpack() throws Exception {
        String archive = System.getProperty("asr.distribution");
        assertTrue(archive != null && Files.isRegularFile(Path.of(archive)),
                "mvn package makes the distribution and failsafe names it in asr.distribution: " + archive);
        Path unpacked = Files.createDirectories(root.resolve("install"));
        Run tar = run(new ProcessBuilder("tar", "-xzf", archive, "-C", unpacked.toString()), 120);
        assertEquals(0, tar.exit, tar.output);
        try (Stream<Path> top = Files.list(unpacked)) {
            List<Path> folders = top.toList();
            assertEquals(1, folders.size(), "one top folder asr-<version>: " + folders);
            home = folders.get(0);
        }
        assertTrue(home.getFileName().toString().startsWith("asr-"), home.toString());
        elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    }

    @Test
    void holdsTheLauncherTheJarsTheModelAndTheNotices() throws IOException {
        assertTrue(Files.isExecutable(home.resolve("bin/asr")), "bin/asr is executable");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("app-")), "the app jar: " + names);
            assertTrue(names.stream().anyMatch(n -> n.startsWith("onnxruntime-")), "ONNX Runtime: " + names);
            assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka-streams-")), "Kafka Streams: " + names);
        }
        Path model = home.resolve("asr-model/models/conformer-ctc-small");
        for (String file : List.of("model.onnx", "model.streaming.onnx", "tokens.txt", "model-card.json")) {
            assertTrue(Files.isRegularFile(model.resolve(file)), "the shipped model's " + file);
        }
        String notice = Files.readString(home.resolve("NOTICE"), StandardCharsets.UTF_8);
        assertTrue(notice.contains("LibriSpeech") && notice.contains("CC BY 4.0")
                && notice.contains("Project Gutenberg"), "NOTICE attributes the data: " + notice);
        assertTrue(Files.isRegularFile(home.resolve("LICENSE")), "LICENSE");
        try (Stream<Path> all = Files.walk(home)) {
            assertFalse(all.anyMatch(p -> p.toString().endsWith(".java") || p.endsWith("pom.xml")),
                    "no source tree in the distribution");
        }
    }

    @Test
    void transcribesAFileFromAnotherFolder() throws Exception {
        AudioItem utterance = demoSet().get(0);
        Run asr = asr(180, "transcribe", utterance.audio().toString());
        assertEquals(0, asr.exit, asr.output);
        String line = asr.stdout.lines().filter(l -> l.startsWith(utterance.utteranceId() + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("a line '<stem> <TRANSCRIPT>': " + asr.output));
        String hypothesis = line.substring(utterance.utteranceId().length() + 1);
        WerResult wer = WerCalculator.compare(utterance.referenceText(), hypothesis);
        // the shipped model's dev WER is about 60 %: most words of a dev utterance, not all, come out right
        assertTrue(wer.correct() >= 3 && wer.wer() < 0.9,
                "a transcript of the speech: REF " + utterance.referenceText() + " / HYP " + hypothesis);
    }

    @Test
    void runsTheDemoOnTheShippedDemoSetFromAnotherFolder() throws Exception {
        demoSet();
        Run asr = asr(300, "demo", "--limit", "2", "--no-realtime", "--no-partials");
        assertEquals(0, asr.exit, asr.output);
        assertTrue(asr.stdout.lines().anyMatch(l -> l.startsWith("streams sent 2 ") && l.contains("completed 2, scored 2")),
                asr.output);
        assertTrue(asr.stdout.lines().anyMatch(l -> l.matches("corpus WER \\d+\\.\\d\\d% \\(\\d+ errors / \\d+ words\\)")),
                asr.output);
        if (Files.isDirectory(home.resolve("asr-model/models/lm"))) {
            assertFalse(asr.output.contains("no language model"), "decodes with the shipped LM: " + asr.output);
        }
    }

    /** The demo set the distribution ships (the utterances the demo replays by default). */
    private static List<AudioItem> demoSet() {
        Path demo = home.resolve("demo-data/LibriSpeech/test-other");
        assumeTrue(Files.isDirectory(demo), "the distribution has no demo set (demo-data/ missing in the checkout)");
        return LibriSpeechSource.items(demo);
    }

    /** bin/asr in its own process, started from another folder, with an empty home folder and no model override. */
    private static Run asr(int timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/asr").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(elsewhere.toFile());
        Path userHome = Files.createDirectories(root.resolve("user-home"));
        pb.environment().keySet().removeIf(k -> k.startsWith("ASR_"));
        pb.environment().put("HOME", userHome.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ASR_JAVA_OPTS", "-Djava.io.tmpdir=" + Files.createDirectories(root.resolve("tmp"))
                + " -Duser.home=" + userHome);
        return run(pb, timeoutSeconds);
    }

    private static Run run(ProcessBuilder pb, int timeoutSeconds) throws Exception {
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(pb.command() + " did not end within " + timeoutSeconds + " s:\n"
                    + Files.readString(out) + Files.readString(err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        return new Run(p.exitValue(), stdout, stdout + Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Run(int exit, String stdout, String output) {
    }
}
