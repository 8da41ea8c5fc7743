package org.codaasr.eval.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.ctc.GreedyCtcDecoder;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.features.FbankExtractor;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.onnx.RoutingTrace;
import org.codaasr.model.wer.WerCalculator;
import org.codaasr.model.wer.WerResult;

/**
 * Times the encoder of every variant in a CoDA model folder (dense backbone, parallel adapter, CoDA r=2/4/8) at
 * several ONNX Runtime thread counts and scores each with greedy CTC on the dev utterances: the whole-utterance
 * graphs, or with {@link CodaBenchConfig#streaming()} the cache-based streaming graphs chunk by chunk
 * ({@link BenchEncoder}).
 *
 * <p>Features are computed once and shared; only {@code AcousticModel.logProbs} calls are timed. Per thread count
 * every variant gets its own session, all loaded together and warmed up, and the timed passes alternate between
 * them (pass 1 of every variant, then pass 2, ...), so a slow spell of a shared machine (another tenant, frequency
 * changes) spreads over all variants instead of landing on whichever one was being timed, and the speed-up ratios
 * stay comparable. The first thread count's warm-up pass is also the one whose hypotheses are scored (WER does not
 * depend on threads).
 */
public final class CodaBenchmark {

    private final CodaBenchConfig config;
    private final Consumer<String> progress;

    public CodaBenchmark(CodaBenchConfig config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs every variant found in the model folder. */
    public CodaBenchReport run() {
        List<CodaVariant> variants = Arrays.stream(CodaVariant.values())
                .filter(v -> Files.isRegularFile(BenchEncoder.file(config.modelDir(), v, config.streaming())))
                .toList();
        if (variants.isEmpty()) {
            throw new AsrException("no model variant in " + config.modelDir() + ": expected " + (config.streaming()
                    ? "model.streaming.onnx, model.streaming.adapter.onnx or model.streaming.coda-r{2,4,8}.onnx "
                            + "(export_streaming.py [--coda])"
                    : "model.onnx, model.adapter.onnx or model.coda-r{2,4,8}.onnx"));
        }
        Vocabulary vocabulary = Vocabulary.load(config.modelDir().resolve("tokens.txt"));
        DevSet dev = DevSet.load(config.dataDir(), config.limit());
        progress.accept(String.format(Locale.ROOT, "%d utterances, %.1f s of audio; variants: %s", dev.size(),
                dev.audioSeconds, variants.stream().map(CodaVariant::label).toList()));
        String provider = null;
        Map<CodaVariant, VariantResult> scored = new LinkedHashMap<>();
        Map<CodaVariant, Map<Integer, Double>> msPerSecond = new LinkedHashMap<>();
        Map<CodaVariant, Map<Integer, Double>> batchedMsPerSecond = new LinkedHashMap<>();
        variants.forEach(v -> msPerSecond.put(v, new LinkedHashMap<>()));
        variants.forEach(v -> batchedMsPerSecond.put(v, new LinkedHashMap<>()));
        for (int threads : config.threads()) {
            OnnxConfig onnx = OnnxConfig.defaults().withThreads(threads).withProvider(config.provider());
            List<BenchEncoder> models = new ArrayList<>();
            try {
                for (CodaVariant variant : variants) {
                    BenchEncoder model = BenchEncoder.load(config.modelDir(), variant, config.streaming(), onnx);
                    models.add(model);
                    provider = model.provider();
                    if (!scored.containsKey(variant)) {
                        scored.put(variant, score(variant, model, vocabulary, dev));
                    } else {
                        warmUp(model, dev);
                    }
                }
                double[][] passMs = timeInterleaved(models, dev);
                for (int v = 0; v < variants.size(); v++) {
                    double median = median(passMs[v]);
                    msPerSecond.get(variants.get(v)).put(threads, median / dev.audioSeconds);
                    progress.accept(String.format(Locale.ROOT, "%-16s %d thread%s: %8.2f ms per s of audio "
                            + "(passes %s ms), WER %.2f%%", variants.get(v).label(), threads,
                            threads == 1 ? " " : "s", median / dev.audioSeconds, format(passMs[v]),
                            scored.get(variants.get(v)).werPercent()));
                }
                if (threads == config.threads().get(0)) {
                    for (int perCall : config.batchedCounts()) {
                        double[][] batchedMs = timeInterleaved(models, dev, perCall);
                        for (int v = 0; v < variants.size(); v++) {
                            double median = median(batchedMs[v]);
                            batchedMsPerSecond.get(variants.get(v)).put(perCall, median / dev.audioSeconds);
                            progress.accept(String.format(Locale.ROOT, "%-16s %d thread%s, %d streams per call: "
                                    + "%8.2f ms per s of audio (passes %s ms)", variants.get(v).label(), threads,
                                    threads == 1 ? " " : "s", perCall, median / dev.audioSeconds,
                                    format(batchedMs[v])));
                        }
                    }
                }
            } finally {
                models.forEach(BenchEncoder::close);
            }
        }
        List<VariantResult> results = new ArrayList<>();
        for (CodaVariant variant : variants) {
            VariantResult r = scored.get(variant);
            results.add(new VariantResult(r.variant(), r.file(), r.newParams(), r.backboneParams(),
                    r.words(), r.errors(), r.werPercent(), msPerSecond.get(variant), Map.of(),
                    r.selectedFraction(), r.nonBlankFraction()));
        }
        return new CodaBenchReport(config.modelDir().toString(), config.dataDir().toString(), dev.size(),
                dev.audioSeconds, config.repeats(), config.threads(), provider,
                Runtime.getRuntime().availableProcessors(), withSpeedups(results), config.streaming(),
                config.batchedCounts().isEmpty() ? Map.of() : batchedMsPerSecond);
    }

    /** Speed-up of each variant = parallel-adapter encoder time / its own, per thread count. */
    static List<VariantResult> withSpeedups(List<VariantResult> results) {
        VariantResult adapter = results.stream().filter(r -> r.variant() == CodaVariant.ADAPTER).findFirst().orElse(null);
        if (adapter == null) {
            return results;
        }
        List<VariantResult> out = new ArrayList<>();
        for (VariantResult r : results) {
            Map<Integer, Double> speedups = new LinkedHashMap<>();
            r.encoderMsPerAudioSecond().forEach((threads, ms) -> {
                Double adapterMs = adapter.encoderMsPerAudioSecond().get(threads);
                if (adapterMs != null && ms > 0) {
                    speedups.put(threads, adapterMs / ms);
                }
            });
            out.add(r.withSpeedups(speedups));
        }
        return out;
    }

    /** The untimed first pass: warms the session up and yields the WER and routing figures. */
    private static VariantResult score(CodaVariant variant, BenchEncoder model, Vocabulary vocabulary,
            DevSet dev) {
        if (model.vocabSize() != vocabulary.size()) {
            throw new AsrException(model.path() + " outputs " + model.vocabSize() + " tokens but tokens.txt "
                    + "has " + vocabulary.size());
        }
        GreedyCtcDecoder decoder = new GreedyCtcDecoder(vocabulary);
        double frameSeconds = model.subsamplingFactor() * dev.frameShiftSeconds;
        WerResult total = WerResult.empty();
        long frames = 0;
        long labelled = 0;
        for (int i = 0; i < dev.size(); i++) {
            float[][] logProbs = model.logProbs(dev.features.get(i));
            frames += logProbs.length;
            labelled += nonBlankFrames(logProbs, vocabulary.blankId());
            String hypothesis = decoder.decode(logProbs, frameSeconds).text();
            WerResult w = WerCalculator.compare(dev.references.get(i), hypothesis);
            total = total.plus(new WerResult(w.referenceWords(), w.correct(), w.substitutions(), w.deletions(),
                    w.insertions(), List.of()));
        }
        Double selected = processedShare(model, dev);
        Map<String, String> meta = model.metadata();
        return new VariantResult(variant, model.path().getFileName().toString(),
                longMeta(meta, "new_params"), longMeta(meta, "backbone_params"), total.referenceWords(),
                total.errors(), 100 * total.wer(), Map.of(), Map.of(), selected,
                frames == 0 ? 0.0 : labelled / (double) frames);
    }

    /** Frames whose most likely token is not {@code blankId}. */
    static int nonBlankFrames(float[][] logProbs, int blankId) {
        int count = 0;
        for (float[] frame : logProbs) {
            int best = 0;
            for (int k = 1; k < frame.length; k++) {
                if (frame[k] > frame[best]) {
                    best = k;
                }
            }
            if (best != blankId) {
                count++;
            }
        }
        return count;
    }

    /**
     * Share of (layer, valid output frame) pairs that ran through a layer, over all utterances; null when the graph
     * has no routing output.
     */
    private static Double processedShare(BenchEncoder model, DevSet dev) {
        long selected = 0;
        long pairs = 0;
        for (float[][] f : dev.features) {
            RoutingTrace trace = model.routing(f).orElse(null);
            if (trace != null) {
                for (int l = 0; l < trace.layers(); l++) {
                    selected += trace.selectedCount(l);
                }
                pairs += (long) trace.layers() * trace.frames();
            }
        }
        return pairs == 0 ? null : selected / (double) pairs;
    }

    /** A fresh session's first calls allocate its memory arena; run the longest and the first utterance once. */
    private static void warmUp(BenchEncoder model, DevSet dev) {
        model.logProbs(dev.features.get(dev.longest()));
        model.logProbs(dev.features.get(0));
    }

    /**
     * passMs[variant][pass]: encoder milliseconds of one pass over the dev set. Passes alternate between the variants
     * (the starting variant rotates), one whole pass at a time: interleaving per utterance would let one session's
     * idle ONNX Runtime threads, which spin for a while after each run, compete with the next session's threads.
     */
    private double[][] timeInterleaved(List<BenchEncoder> models, DevSet dev) {
        return timeInterleaved(models, dev, 1);
    }

    /**
     * The same with {@code perCall} utterances decoded in lockstep (consecutive groups of the dev set, the last one
     * smaller), one chunk of each per call.
     */
    private double[][] timeInterleaved(List<BenchEncoder> models, DevSet dev, int perCall) {
        double[][] passMs = new double[models.size()][config.repeats()];
        for (int pass = 0; pass < config.repeats(); pass++) {
            for (int v = 0; v < models.size(); v++) {
                int m = (v + pass) % models.size();
                long nanos = 0;
                for (int from = 0; from < dev.size(); from += perCall) {
                    List<float[][]> group = dev.features.subList(from, Math.min(dev.size(), from + perCall));
                    long start = System.nanoTime();
                    if (perCall == 1) {
                        models.get(m).logProbs(group.get(0));
                    } else {
                        models.get(m).logProbs(group);
                    }
                    nanos += System.nanoTime() - start;
                }
                passMs[m][pass] = nanos / 1e6;
            }
        }
        return passMs;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String format(double[] ms) {
        StringBuilder sb = new StringBuilder();
        for (double v : ms) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return sb.toString();
    }

    private static Long longMeta(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new AsrException("model metadata " + key + " must be an integer, got '" + v + "'", e);
        }
    }

    /** Dev utterances decoded and turned into features once, shared by every variant. */
    private static final class DevSet {
        final List<float[][]> features = new ArrayList<>();
        final List<String> references = new ArrayList<>();
        double audioSeconds;
        double frameShiftSeconds;

        static DevSet load(Path dataDir, int limit) {
            List<AudioItem> items = LibriSpeechSource.items(dataDir);
            if (limit > 0 && limit < items.size()) {
                items = items.subList(0, limit);
            }
            FbankExtractor fbank = FbankExtractor.withDefaults();
            int rate = fbank.config().sampleRate();
            DevSet dev = new DevSet();
            dev.frameShiftSeconds = fbank.config().frameShiftMs() / 1000.0;
            for (AudioItem item : items) {
                float[] samples = AudioDecoder.load(item.audio(), rate).samples();
                dev.features.add(fbank.compute(samples));
                dev.references.add(item.reference().orElse(""));
                dev.audioSeconds += samples.length / (double) rate;
            }
            return dev;
        }

        int size() {
            return features.size();
        }

        int longest() {
            int best = 0;
            for (int i = 1; i < features.size(); i++) {
                if (features.get(i).length > features.get(best).length) {
                    best = i;
                }
            }
            return best;
        }
    }
}
