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
import org.codaasr.model.corpus.DataSets;
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
    void theDefaultLanguageModelIsTheShippedOneFoundFromTheInstallation() {
        Path shipped = DefaultLanguageModel.shippedPath();
        assertTrue(Files.isRegularFile(shipped), "the LM ships in the repository: " + shipped);
        assertEquals(DataSets.home().resolve("asr-model/models/lm/books-char6.arpa.gz"), shipped);
        ModelOptions options = parse();
        assertEquals(shipped, options.toConfig().decoding().languageModel());
        assertTrue(options.describeDecoding().contains("shipped LM books-char6.arpa.gz"), options.describeDecoding());
    }

    @Test
    void aMissingShippedModelIsReportedOnceWithWhatToDo(@TempDir Path dir) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Optional<Path> lm = DefaultLanguageModel.resolve(dir.resolve("books-char6.arpa.gz"),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(lm.isEmpty());
        String said = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("--lm") && said.contains("./asr lm") && said.contains(dir.toString()), said);
    }
}
