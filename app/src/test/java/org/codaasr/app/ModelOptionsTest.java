package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.codaasr.app.lm.DefaultLanguageModel;
import org.codaasr.model.ctc.BeamSearchConfig;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.DecodingConfig;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The decoding every recognizing command gets by default, and the switches that change it. */
class ModelOptionsTest {

    private static ModelOptions parse(String... args) {
        TranscribeCommand command = new TranscribeCommand();
        String[] withFile = new String[args.length + 1];
        System.arraycopy(args, 0, withFile, 0, args.length);
        withFile[args.length] = "x.wav";
        new CommandLine(command).parseArgs(withFile);
        return command.model;
    }

    @Test
    void theDefaultIsBeam32WithTheLanguageModel(@TempDir Path dir) throws IOException {
        Path arpa = Files.writeString(dir.resolve("given.arpa"), "\\data\\\n");
        DecodingConfig d = parse("--lm", arpa.toString()).toConfig().decoding();
        assertEquals(DecodingConfig.Method.BEAM, d.method());
        assertEquals(32, d.beamSize());
        assertEquals(arpa, d.languageModel());
        assertEquals(BeamSearchConfig.DEFAULT_LM_WEIGHT, d.lmWeight());
        assertEquals(CodaVariant.DENSE, parse().variant);
    }

    @Test
    void greedyAndNoLmTurnItOff() {
        assertEquals(DecodingConfig.greedy(), parse("--decoder", "greedy").toConfig().decoding());
        DecodingConfig beamOnly = parse("--no-lm").toConfig().decoding();
        assertEquals(DecodingConfig.Method.BEAM, beamOnly.method());
        assertNull(beamOnly.languageModel());
        assertEquals(0.0, beamOnly.lmWeight());
        RecognizerConfig acoustic = parse("--coda-r", "4").toAcousticConfig();
        assertEquals(DecodingConfig.greedy(), acoustic.decoding());
        assertEquals(CodaVariant.CODA_R4, acoustic.variant());
    }

    @Test
    void contradictoryOptionsAreRefusedNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--lm", "a.arpa", "--no-lm").toConfig());
        assertTrue(e.getMessage().contains("--no-lm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--decoder", "greedy", "--lm", "a.arpa")
                .toConfig());
        assertTrue(e.getMessage().contains("--lm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--decoder", "viterbi").toConfig());
        assertTrue(e.getMessage().contains("viterbi"), e.getMessage());
    }

    @Test
    void aMissingModelThatCannotBeBuiltIsReportedOnceWithTheCommandThatBuildsIt(@TempDir Path home) {
        String userHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString()); // an empty cache
        try {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Optional<Path> lm = DefaultLanguageModel.resolve(home.resolve("no-text.txt"),
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            assertTrue(lm.isEmpty());
            String said = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, said.lines().count(), said);
            assertTrue(said.contains("./asr lm") && said.contains("no-text.txt"), said);
        } finally {
            System.setProperty("user.home", userHome);
        }
    }

    @Test
    void aCachedModelIsUsedAsItIs(@TempDir Path home) throws IOException {
        String userHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            Path cached = home.resolve(".cache/coda-asr/lm/librivox-char6gram.arpa.gz");
            Files.createDirectories(cached.getParent());
            Files.writeString(cached, "cached");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            assertEquals(Optional.of(cached), DefaultLanguageModel.resolve(home.resolve("no-text.txt"),
                    new PrintStream(log, true, StandardCharsets.UTF_8)));
            assertEquals("", log.toString(StandardCharsets.UTF_8), "nothing to say when the model is there");
        } finally {
            System.setProperty("user.home", userHome);
        }
    }
}
