package org.codaasr.eval.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.codaasr.model.AsrException;
import org.codaasr.model.onnx.CodaVariant;

/**
 * Result of a {@link CodaBenchmark} run: the setup and one {@link VariantResult} per model variant found.
 *
 * @param modelDir model folder benchmarked
 * @param dataDir dev utterances
 * @param utterances utterances timed and scored
 * @param audioSeconds total audio of those utterances
 * @param repeats timed passes per variant and thread count (median reported)
 * @param threads intra-op thread counts timed, in column order
 * @param provider execution provider actually used
 * @param cpus processors available to the JVM
 * @param variants figures per variant, in {@link CodaVariant} order
 * @param streaming true when the cache-based streaming graphs were timed chunk by chunk
 */
public record CodaBenchReport(String modelDir, String dataDir, int utterances, double audioSeconds, int repeats,
        List<Integer> threads, String provider, int cpus, List<VariantResult> variants, boolean streaming) {

    public static final String MARKDOWN_FILE = "coda-bench.md";
    public static final String JSON_FILE = "coda-bench.json";
    public static final String CHART_FILE = "coda-tradeoff.png";

    public CodaBenchReport {
        threads = List.copyOf(threads);
        variants = List.copyOf(variants);
    }

    /** A report of the whole-utterance graphs. */
    public CodaBenchReport(String modelDir, String dataDir, int utterances, double audioSeconds, int repeats,
            List<Integer> threads, String provider, int cpus, List<VariantResult> variants) {
        this(modelDir, dataDir, utterances, audioSeconds, repeats, threads, provider, cpus, variants, false);
    }

    /** Dense backbone encoder time over {@code v}'s at {@code threads}; null without a dense row. */
    public Double speedupVsDense(VariantResult v, int threads) {
        Double dense = variant(CodaVariant.DENSE).map(d -> d.encoderMsPerAudioSecond().get(threads)).orElse(null);
        Double own = v.encoderMsPerAudioSecond().get(threads);
        return dense == null || own == null || own <= 0 ? null : dense / own;
    }

    /** The figures of {@code variant}, if the folder had its file. */
    public Optional<VariantResult> variant(CodaVariant variant) {
        return variants.stream().filter(v -> v.variant() == variant).findFirst();
    }

    /** The CoDA bar, judged on the first thread count. */
    public BenchVerdict verdict() {
        return BenchVerdict.judge(variant(CodaVariant.CODA_R4).orElse(null), variant(CodaVariant.ADAPTER).orElse(null), threads.get(0));
    }

    /** The paper-style table plus setup and the bar line, as Markdown. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# CoDA benchmark").append(streaming ? " (streaming)" : "").append("\n\n");
        sb.append(String.format(Locale.ROOT, "model folder `%s`, %d utterances of `%s` (%.1f s of audio), "
                + "greedy CTC, %s, %d CPUs; encoder time only (features computed once), median of %d passes.%s%n%n",
                modelDir, utterances, dataDir, audioSeconds, provider, cpus, repeats, streaming
                        ? " Cache-based streaming graphs (model.streaming*.onnx), one chunk per call, one stream, a "
                                + "fresh cache per utterance; routed layers take the top-k of each chunk."
                        : ""));
        sb.append("| model | new params (% of backbone) | dev WER | non-blank frames |");
        for (int t : threads) {
            sb.append(" encoder ms per s of audio (").append(t).append(t == 1 ? " thread) |" : " threads) |");
        }
        for (int t : threads) {
            sb.append(" speed-up vs dense (").append(t).append(t == 1 ? " thread) |" : " threads) |");
        }
        for (int t : threads) {
            sb.append(" speed-up vs parallel adapter (").append(t).append(t == 1 ? " thread) |" : " threads) |");
        }
        sb.append("\n|---|---:|---:|---:|");
        sb.append("---:|".repeat(3 * threads.size()));
        sb.append('\n');
        for (VariantResult v : variants) {
            sb.append("| ").append(v.label()).append(" | ").append(params(v)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f%% | %.1f%%", v.werPercent(), 100 * v.nonBlankFraction()))
                    .append(" |");
            for (int t : threads) {
                sb.append(String.format(Locale.ROOT, " %.2f |", v.encoderMsPerAudioSecond().get(t)));
            }
            for (int t : threads) {
                Double s = speedupVsDense(v, t);
                sb.append(s == null ? " n/a |" : String.format(Locale.ROOT, " %.2fx |", s));
            }
            for (int t : threads) {
                Double s = v.speedupVsAdapter().get(t);
                sb.append(s == null ? " n/a |" : String.format(Locale.ROOT, " %.2fx |", s));
            }
            sb.append('\n');
        }
        sb.append('\n');
        for (VariantResult v : variants) {
            if (v.selectedFraction() != null) {
                sb.append(String.format(Locale.ROOT, "- %s: %.1f%% of (layer, frame) pairs processed "
                        + "(coda_selected, all utterances)%n", v.label(), 100 * v.selectedFraction()));
            }
        }
        sb.append('\n').append(verdict().line()).append('\n');
        return sb.toString();
    }

    private static String params(VariantResult v) {
        if (v.newParams() == null) {
            return v.variant() == CodaVariant.DENSE ? "0 (0%)" : "n/a";
        }
        Double pct = v.newParamsPercent();
        return String.format(Locale.ROOT, "%,d", v.newParams())
                + (pct == null ? "" : String.format(Locale.ROOT, " (%.2f%%)", pct));
    }

    /** Writes {@value #MARKDOWN_FILE}, {@value #JSON_FILE} and {@value #CHART_FILE} into {@code outDir}. */
    public void write(Path outDir) {
        try {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve(MARKDOWN_FILE), markdown(), StandardCharsets.UTF_8);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(outDir.resolve(JSON_FILE).toFile(), toJson());
        } catch (IOException e) {
            throw new AsrException("cannot write the CoDA benchmark report into " + outDir + ": " + e.getMessage(), e);
        }
        TradeoffChart.write(this, outDir.resolve(CHART_FILE));
    }

    /** The JSON document: the record's fields plus the bar. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_dir", modelDir);
        m.put("data_dir", dataDir);
        m.put("utterances", utterances);
        m.put("audio_seconds", audioSeconds);
        m.put("repeats", repeats);
        m.put("threads", threads);
        m.put("provider", provider);
        m.put("cpus", cpus);
        m.put("streaming", streaming);
        m.put("variants", variants);
        Map<String, Map<Integer, Double>> vsDense = new LinkedHashMap<>();
        for (VariantResult v : variants) {
            Map<Integer, Double> byThreads = new LinkedHashMap<>();
            threads.forEach(t -> byThreads.put(t, speedupVsDense(v, t)));
            vsDense.put(v.label(), byThreads);
        }
        m.put("speedup_vs_dense", vsDense);
        BenchVerdict verdict = verdict();
        Map<String, Object> bar = new LinkedHashMap<>();
        bar.put("status", verdict.status().name());
        bar.put("threads", verdict.threads());
        bar.put("speedup", Double.isNaN(verdict.speedup()) ? null : verdict.speedup());
        bar.put("line", verdict.line());
        m.put("bar", bar);
        return m;
    }
}
