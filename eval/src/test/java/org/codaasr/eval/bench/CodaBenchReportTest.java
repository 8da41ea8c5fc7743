package org.codaasr.eval.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.FontMetrics;
import java.util.List;
import java.util.Map;
import org.codaasr.model.onnx.CodaVariant;
import org.junit.jupiter.api.Test;

/** Report arithmetic, the bar and text layout, on hand-made figures (no model needed). */
class CodaBenchReportTest {

    private static VariantResult variant(int codaR, double wer, double ms1, double ms2) {
        return new VariantResult(CodaVariant.of(codaR), "f.onnx", codaR == 0 ? null : 1000L, 50_000L, 100,
                (int) Math.round(wer), wer, Map.of(1, ms1, 2, ms2), Map.of(), codaR >= 2 ? 1.0 / codaR : null, 0.25);
    }

    private static CodaBenchReport report(double r4Wer, double r4Ms) {
        List<VariantResult> rows = CodaBenchmark.withSpeedups(List.of(variant(0, 9.0, 8.0, 5.0),
                variant(1, 10.0, 9.0, 6.0), variant(4, r4Wer, r4Ms, 2.0)));
        return new CodaBenchReport("m", "d", 2, 20.0, 3, List.of(1, 2), "CPU", 2, rows);
    }

    @Test
    void speedupsAreAdapterTimeOverOwnTimePerThreadCount() {
        CodaBenchReport r = report(10.5, 3.0);
        VariantResult coda = r.variant(CodaVariant.of(4)).orElseThrow();
        assertEquals(9.0 / 3.0, coda.speedupVsAdapter().get(1), 1e-12);
        assertEquals(6.0 / 2.0, coda.speedupVsAdapter().get(2), 1e-12);
        assertEquals(9.0 / 8.0, r.variant(CodaVariant.of(0)).orElseThrow().speedupVsAdapter().get(1), 1e-12);
        assertEquals(2.0, r.variant(CodaVariant.of(4)).orElseThrow().newParamsPercent(), 1e-12);
    }

    @Test
    void barNeedsTwiceTheSpeedAndWerWithinTenPercent() {
        assertEquals(BenchVerdict.Status.PASS, report(10.9, 4.5).verdict().status());
        assertEquals(BenchVerdict.Status.FAIL, report(11.1, 4.5).verdict().status());
        assertEquals(BenchVerdict.Status.FAIL, report(10.0, 4.6).verdict().status());
        CodaBenchReport noCoda = new CodaBenchReport("m", "d", 1, 1, 1, List.of(1), "CPU", 1,
                List.of(variant(1, 10, 1, 1)));
        assertEquals(BenchVerdict.Status.SKIP, noCoda.verdict().status());
        assertTrue(report(10.9, 4.5).verdict().line().startsWith("BAR PASS"));
    }

    @Test
    void markdownHasATableRowPerVariantAndTheBar() {
        String md = report(10.5, 3.0).markdown();
        // speed-ups against dense (8 / 3, 5 / 2), then against the adapter (9 / 3, 6 / 2)
        assertTrue(md.contains("| CoDA r=4 | 1,000 (2.00%) | 10.50% | 25.0% | 3.00 | 2.00 | 2.67x | 2.50x | 3.00x "
                + "| 3.00x |"), md);
        assertTrue(md.contains("| dense backbone | 0 (0%) |"), md);
        assertTrue(md.contains("BAR PASS"), md);
    }

    @Test
    void aStreamingReportSaysSoAndKeepsTheSpeedupsVsDenseInItsJson() {
        CodaBenchReport r = report(10.5, 3.0);
        CodaBenchReport streaming = new CodaBenchReport(r.modelDir(), r.dataDir(), r.utterances(), r.audioSeconds(),
                r.repeats(), r.threads(), r.provider(), r.cpus(), r.variants(), true);
        assertTrue(streaming.markdown().startsWith("# CoDA benchmark (streaming)"));
        assertTrue(streaming.markdown().contains("Cache-based streaming graphs"));
        @SuppressWarnings("unchecked")
        Map<String, Map<Integer, Double>> vsDense = (Map<String, Map<Integer, Double>>) streaming.toJson()
                .get("speedup_vs_dense");
        assertEquals(8.0 / 3.0, vsDense.get("CoDA r=4").get(1), 1e-12);
        assertEquals(true, streaming.toJson().get("streaming"));
    }

    @Test
    void nonBlankFramesCountsFramesWhoseBestTokenIsNotTheBlank() {
        float[][] logProbs = {{-0.1f, -3f, -4f}, {-2f, -0.2f, -3f}, {-3f, -2f, -0.5f}, {-0.7f, -0.9f, -5f}};
        assertEquals(2, CodaBenchmark.nonBlankFrames(logProbs, 0));
        assertEquals(3, CodaBenchmark.nonBlankFrames(logProbs, 2));
        assertEquals(0, CodaBenchmark.nonBlankFrames(new float[0][], 0));
    }

    @Test
    void nonBlankShareOutsideZeroToOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new VariantResult(CodaVariant.of(0), "f.onnx", null,
                null, 1, 0, 0.0, Map.of(), Map.of(), null, 1.5));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, CodaBenchmark.median(new double[] {3, 1, 2}));
        assertEquals(2.5, CodaBenchmark.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0.5, Charts.niceStep(2.9, 6), 1e-12);
        assertEquals(2.0, Charts.niceStep(11, 6), 1e-12);
        assertEquals(5.0, Charts.niceStep(26, 6), 1e-12);
    }

    @Test
    void captionWrapEllipsizesBeyondTheLineLimit() {
        FontMetrics fm = Charts.graphics(Charts.canvas(10, 10)).getFontMetrics();
        List<String> lines = RoutingPlot.wrap(fm, "word ".repeat(400).strip(), 300, 3);
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).endsWith("\u2026"));
        lines.forEach(line -> assertTrue(fm.stringWidth(line) <= 300, line));
    }

    @Test
    void chartHasItsFixedSize() {
        var image = TradeoffChart.render(report(10.5, 3.0));
        assertEquals(TradeoffChart.WIDTH, image.getWidth());
        assertEquals(TradeoffChart.HEIGHT, image.getHeight());
    }
}
