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
 * @param batchedMsPerAudioSecond streaming graphs with several utterances decoded in lockstep (one chunk of each
 *     per call) at the first thread count: median encoder ms per second of audio by variant and streams per call;
 *     empty when only one stream per call was timed
 */
public record CodaBenchReport(String modelDir, String dataDir, int utterances, double audioSeconds, int repeats,
        List<Integer> threads, String provider, int cpus, List<VariantResult> variants, boolean streaming,
        Map<CodaVariant, Map<Integer, Double>> batchedMsPerAudioSecond) {

    public static final String MARKDOWN_FILE = "coda-bench.md";
    public static final String JSON_FILE = "coda-bench.json";
    public static final String CHART_FILE = "coda-tradeoff.png";

    public CodaBenchReport {
        threads = List.copyOf(threads);
        variants = List.copyOf(variants);
        Map<CodaVariant, Map<Integer, Double>> batched = new java.util.TreeMap<>();
        if (batchedMsPerAudioSecond != null) {
            batchedMsPerAudioSecond.forEach((v, m) -> batched.put(v, new java.util.TreeMap<>(m)));
        }
        batchedMsPerAudioSecond = batched;
    }

    /** One stream per call only. */
    public CodaBenchReport(String modelDir, String dataDir, int utterances, double audioSeconds, int repeats,
            List<Integer> threads, String provider, int cpus, List<VariantResult> variants, boolean streaming) {
        this(modelDir, dataDir, utterances, audioSeconds, repeats, threads, provider, cpus, variants, streaming,
                Map.of());
    }

    /** Streams-per-call counts above 1 that were timed, ascending. */
    public List<Integer> batchedCounts() {
        return batchedMsPerAudioSecond.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted()
                .toList();
    }

    /** Dense backbone encoder time over {@code v}'s with {@code perCall} streams per call; null without both. */
    public Double batchedSpeedupVsDense(VariantResult v, int perCall) {
        Double dense = batchedMsPerAudioSecond.getOrDefault(CodaVariant.DENSE, Map.of()).get(perCall);
        Double own = batchedMsPerAudioSecond.getOrDefault(v.variant(), Map.of()).get(perCall);
        return dense == null || own == null || own <= 0 ? null : dense / own;
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
                                + (batchedMsPerAudioSecond.isEmpty() ? "" : " Streams per call: that many "
                                        + "utterances decoded in lockstep, one chunk of each per call (chunks of one "
                                        + "frame count share a call), as the live path batches a thread's streams.")
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
        List<Integer> batched = batchedCounts();
        String first = threads.get(0) + (threads.get(0) == 1 ? " thread" : " threads");
        for (int p : batched) {
            sb.append(" encoder ms per s of audio, ").append(p).append(" streams per call (").append(first)
                    .append(") |");
        }
        for (int p : batched) {
            sb.append(" speed-up vs dense, ").append(p).append(" streams per call (").append(first).append(") |");
        }
        sb.append("\n|---|---:|---:|---:|");
        sb.append("---:|".repeat(3 * threads.size() + 2 * batched.size()));
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
            for (int p : batched) {
                Double ms = batchedMsPerAudioSecond.getOrDefault(v.variant(), Map.of()).get(p);
                sb.append(ms == null ? " n/a |" : String.format(Locale.ROOT, " %.2f |", ms));
            }
            for (int p : batched) {
                Double s = batchedSpeedupVsDense(v, p);
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
        if (!batchedMsPerAudioSecond.isEmpty()) {
            Map<String, Map<Integer, Double>> ms = new LinkedHashMap<>();
            Map<String, Map<Integer, Double>> speedups = new LinkedHashMap<>();
            for (VariantResult v : variants) {
                ms.put(v.label(), batchedMsPerAudioSecond.getOrDefault(v.variant(), Map.of()));
                Map<Integer, Double> byCount = new LinkedHashMap<>();
                batchedCounts().forEach(p -> byCount.put(p, batchedSpeedupVsDense(v, p)));
                speedups.put(v.label(), byCount);
            }
            m.put("batched_threads", threads.get(0));
            m.put("batched_ms_per_audio_second", ms);
            m.put("batched_speedup_vs_dense", speedups);
        }
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
