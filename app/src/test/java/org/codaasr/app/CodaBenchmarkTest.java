package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.codaasr.eval.bench.CodaBenchConfig;
import org.codaasr.eval.bench.CodaBenchReport;
import org.codaasr.eval.bench.CodaBenchmark;
import org.codaasr.eval.bench.TradeoffChart;
import org.codaasr.eval.bench.VariantResult;
import org.codaasr.model.onnx.CodaVariant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark end to end on the tiny random-weight CoDA models and two dev utterances. */
class CodaBenchmarkTest {

    static final Path TINY_CODA = Path.of("asr-model/src/test/resources/models/tiny-coda");

    @TempDir
    static Path out;

    static CodaBenchReport report;

    @BeforeAll
    static void runBenchmarkCommand() {
        assumeTrue(Files.isRegularFile(TINY_CODA.resolve("model.coda-r4.onnx")),
                "tiny CoDA models not present in " + TINY_CODA);
        int code = new CommandLine(new BenchCommand()).execute("coda", "--model", TINY_CODA.toString(),
                "--limit", "2", "--threads", "1,2", "--repeats", "2", "--out", out.toString());
        assertEquals(0, code);
        report = new CodaBenchmark(CodaBenchConfig.defaults().withModelDir(TINY_CODA).withLimit(2)
                .withThreads(List.of(1)).withRepeats(1), m -> { }).run();
    }

    @Test
    void reportHasOneRowPerVariantFileInTheFolder() {
        List<CodaVariant> expected = Arrays.stream(CodaVariant.values())
                .filter(v -> Files.isRegularFile(v.file(TINY_CODA))).toList();
        assertEquals(expected, report.variants().stream().map(VariantResult::variant).toList());
        assertEquals(2, report.utterances());
        for (VariantResult v : report.variants()) {
            assertTrue(v.encoderMsPerAudioSecond().get(1) > 0, v.label());
            assertTrue(v.words() > 0 && v.werPercent() >= 0, v.label());
            if (v.variant() == CodaVariant.DENSE) {
                assertEquals(null, v.selectedFraction(), v.label());
            } else if (v.variant() == CodaVariant.ADAPTER && v.selectedFraction() != null) {
                assertEquals(1.0, v.selectedFraction(), 1e-12, "the adapter runs every frame through every layer");
            }
        }
    }

    @Test
    void theStreamingBenchTimesEveryVariantsStreamingGraph(@TempDir Path dir) {
        Path folder = TINY_CODA.resolveSibling("tiny-coda-streaming");
        int code = new CommandLine(new BenchCommand()).execute("coda", "--streaming", "--model", folder.toString(),
                "--limit", "2", "--threads", "1", "--repeats", "1", "--out", dir.toString());
        assertEquals(0, code);
        CodaBenchReport streaming = new CodaBenchmark(CodaBenchConfig.defaults().withModelDir(folder).withLimit(2)
                .withThreads(List.of(1)).withRepeats(1).withStreaming(true), m -> { }).run();
        assertTrue(streaming.streaming());
        assertEquals(List.of(CodaVariant.values()), streaming.variants().stream().map(VariantResult::variant).toList());
        for (VariantResult v : streaming.variants()) {
            assertTrue(v.file().startsWith("model.streaming"), v.file());
            assertTrue(v.encoderMsPerAudioSecond().get(1) > 0 && v.words() > 0, v.label());
            assertTrue(streaming.speedupVsDense(v, 1) > 0, v.label());
        }
    }

    @Test
    void streamsPerCallAddBatchedColumnsAndKeepTheOneStreamColumn(@TempDir Path dir) throws IOException {
        Path folder = TINY_CODA.resolveSibling("tiny-coda-streaming");
        int code = new CommandLine(new BenchCommand()).execute("coda", "--streaming", "--model", folder.toString(),
                "--limit", "3", "--threads", "1", "--repeats", "1", "--streams-per-call", "2,3", "--out",
                dir.toString());
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(dir.resolve(CodaBenchReport.JSON_FILE).toFile());
        for (VariantResult v : report.variants()) {
            assertTrue(json.path("speedup_vs_dense").path(v.label()).path("1").asDouble() > 0, v.label());
            for (String p : List.of("2", "3")) {
                assertTrue(json.path("batched_ms_per_audio_second").path(v.label()).path(p).asDouble() > 0, v.label());
                assertTrue(json.path("batched_speedup_vs_dense").path(v.label()).path(p).asDouble() > 0, v.label());
            }
        }
        String md = Files.readString(dir.resolve(CodaBenchReport.MARKDOWN_FILE));
        assertTrue(md.contains("3 streams per call (1 thread)") && md.contains("encoder ms per s of audio (1 thread)"),
                md);
    }

    @Test
    void streamsPerCallNeedTheStreamingGraphs(@TempDir Path dir) {
        int code = new CommandLine(new BenchCommand()).execute("coda", "--model", TINY_CODA.toString(), "--limit",
                "2", "--streams-per-call", "4", "--out", dir.toString());
        assertTrue(code != 0, "whole-utterance graphs with 4 streams per call must be refused");
    }

    @Test
    void speedupIsAdapterTimeOverVariantTime() {
        VariantResult adapter = report.variant(CodaVariant.ADAPTER).orElseThrow();
        assertEquals(1.0, adapter.speedupVsAdapter().get(1), 1e-12);
        for (VariantResult v : report.variants()) {
            assertEquals(adapter.encoderMsPerAudioSecond().get(1) / v.encoderMsPerAudioSecond().get(1),
                    v.speedupVsAdapter().get(1), 1e-9, v.label());
        }
    }

    @Test
    void codaVariantsSkipFramesButKeepAtLeastOneRth() {
        for (VariantResult v : report.variants()) {
            if (v.variant().isRouted()) {
                assertTrue(v.selectedFraction() >= 1.0 / v.variant().reductionFactor() && v.selectedFraction() < 1.0,
                        v.label() + " processed " + v.selectedFraction());
            }
        }
        assertTrue(report.variant(CodaVariant.CODA_R2).orElseThrow().selectedFraction()
                > report.variant(CodaVariant.CODA_R8).orElseThrow().selectedFraction());
    }

    @Test
    void severalModelsInOneRunGetOneTableEachAndAReportFolderEach(@TempDir Path dir) throws IOException {
        Path tinyCtc = TINY_CODA.resolveSibling("tiny-ctc");
        int code = new CommandLine(new BenchCommand()).execute("coda", "--model", TINY_CODA.toString(),
                "--model", tinyCtc.toString(), "--limit", "1", "--threads", "1", "--repeats", "1",
                "--out", dir.toString());
        assertEquals(0, code);
        String md = Files.readString(dir.resolve(CodaBenchReport.MARKDOWN_FILE));
        assertTrue(md.contains("## tiny-coda") && md.contains("## tiny-ctc"), md);
        assertTrue(md.indexOf("## tiny-coda") < md.indexOf("## tiny-ctc"), md);
        assertEquals(2, md.split("\\| model \\| new params", -1).length - 1, md);
        for (String name : List.of("tiny-coda", "tiny-ctc")) {
            assertTrue(Files.isRegularFile(dir.resolve(name).resolve(CodaBenchReport.JSON_FILE)), name);
        }
        JsonNode ctc = new ObjectMapper().readTree(dir.resolve("tiny-ctc").resolve(CodaBenchReport.JSON_FILE).toFile());
        assertEquals(1, ctc.get("variants").size(), "tiny-ctc has only the dense graph");
    }

    @Test
    void commandWritesMarkdownJsonAndChart() throws IOException {
        String md = Files.readString(out.resolve(CodaBenchReport.MARKDOWN_FILE));
        for (VariantResult v : report.variants()) {
            assertTrue(md.contains("| " + v.label() + " |"), "missing row " + v.label() + " in\n" + md);
        }
        assertTrue(md.contains("(1 thread)") && md.contains("(2 threads)"), md);
        assertTrue(md.contains("BAR PASS") || md.contains("BAR FAIL"), md);

        JsonNode json = new ObjectMapper().readTree(out.resolve(CodaBenchReport.JSON_FILE).toFile());
        assertEquals(2, json.get("utterances").asInt());
        assertEquals(report.variants().size(), json.get("variants").size());
        for (JsonNode v : json.get("variants")) {
            assertTrue(v.get("encoderMsPerAudioSecond").has("1") && v.get("encoderMsPerAudioSecond").has("2"));
            assertTrue(v.get("speedupVsAdapter").has("2"));
            double nonBlank = v.get("nonBlankFraction").asDouble(-1);
            assertTrue(nonBlank >= 0 && nonBlank <= 1, v.toString());
        }
        assertTrue(json.get("bar").get("line").asText().startsWith("BAR "));

        BufferedImage chart = ImageIO.read(out.resolve(CodaBenchReport.CHART_FILE).toFile());
        assertEquals(TradeoffChart.WIDTH, chart.getWidth());
        assertEquals(TradeoffChart.HEIGHT, chart.getHeight());
    }
}
