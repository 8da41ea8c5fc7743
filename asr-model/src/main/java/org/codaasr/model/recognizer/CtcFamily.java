package org.codaasr.model.recognizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.codaasr.model.AsrException;
import org.codaasr.model.ctc.BeamSearchConfig;
import org.codaasr.model.ctc.CtcDecoder;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.GreedyCtcDecoder;
import org.codaasr.model.ctc.PrefixBeamSearchDecoder;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.lm.LanguageModel;
import org.codaasr.model.onnx.AcousticModel;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.EncoderCache;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.OnnxStreamingEncoder;

/**
 * The CTC family: one acoustic model per CoDA variant (chunked encoder windows), optionally a cache-based streaming
 * encoder per variant, greedy partials and greedy or prefix-beam finals.
 */
final class CtcFamily implements ModelFamily {

    private final Map<CodaVariant, AcousticModel> models;
    private final AcousticModel model;
    private final Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders;
    private final CtcDecoder partialDecoder;
    private final CtcDecoder finalDecoder;
    private final int chunkFrames;
    private final int leftContextFrames;
    private final int receptiveField;

    /**
     * @throws AsrException naming the file of a streaming encoder that is not from this model's export
     */
    CtcFamily(Map<CodaVariant, AcousticModel> models, CodaVariant defaultVariant, Vocabulary vocabulary,
            RecognizerConfig config, LanguageModel lm, Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders) {
        this.models = Map.copyOf(models);
        this.model = models.get(defaultVariant);
        ModelInfo info = model.info();
        this.partialDecoder = new GreedyCtcDecoder(vocabulary);
        DecodingConfig d = config.decoding();
        this.finalDecoder = d.method() == DecodingConfig.Method.GREEDY
                ? partialDecoder
                : new PrefixBeamSearchDecoder(vocabulary,
                        new BeamSearchConfig(d.beamSize(), BeamSearchConfig.defaults().tokenTopK(), d.lmWeight(),
                                d.wordBonus()),
                        lm);
        StreamingConfig s = config.streaming();
        this.chunkFrames = s.chunkFrames() > 0 ? s.chunkFrames() : info.chunkFrames();
        this.leftContextFrames = s.chunkFrames() > 0 || s.leftContextFrames() > 0
                ? s.leftContextFrames() : info.leftContextFrames();
        this.receptiveField = 2 * info.subsamplingFactor() - 1;
        this.streamingEncoders = Map.copyOf(streamingEncoders);
        OnnxStreamingEncoder dense = streamingEncoders.get(CodaVariant.DENSE);
        for (Map.Entry<CodaVariant, OnnxStreamingEncoder> e : streamingEncoders.entrySet()) {
            AcousticModel variantModel = models.get(e.getKey());
            if (variantModel == null) {
                throw new AsrException("a streaming encoder for the " + e.getKey().label() + " ("
                        + e.getValue().path() + ") needs that variant among the loaded ones " + models.keySet());
            }
            ModelInfo variantInfo = variantModel.info();
            // a CoDA variant's graph comes from its own export; its backbone must be the dense graph's
            String version = variantInfo.metadata().getOrDefault("version", "");
            String backbone = dense != null ? dense.version()
                    : models.containsKey(CodaVariant.DENSE)
                            ? models.get(CodaVariant.DENSE).info().metadata().getOrDefault("version", "")
                            : e.getValue().backboneVersion();
            checkStreamingEncoder(e.getValue(), e.getKey(), version, backbone, variantInfo.vocabSize(),
                    chunkFrames, leftContextFrames, variantInfo.subsamplingFactor());
        }
    }

    /**
     * The checks of a multi-variant model set: each model is the variant it is registered as, and all share the
     * default one's vocabulary and subsampling.
     */
    static void checkVariants(Map<CodaVariant, AcousticModel> models, ModelInfo info) {
        for (Map.Entry<CodaVariant, AcousticModel> e : models.entrySet()) {
            ModelInfo other = e.getValue().info();
            if (other.variant() != e.getKey()) {
                throw new AsrException("model loaded as the " + e.getKey().label() + " says it is the "
                        + other.variant().label() + " (metadata coda_r=" + other.variant().reductionFactor()
                        + "): expected " + e.getKey().fileStem() + ".onnx from the same export");
            }
            if (other.vocabSize() != info.vocabSize() || other.subsamplingFactor() != info.subsamplingFactor()) {
                throw new AsrException(e.getKey().label() + " does not share the backbone's vocabulary and "
                        + "subsampling (" + other.vocabSize() + "/" + other.subsamplingFactor() + " vs "
                        + info.vocabSize() + "/" + info.subsamplingFactor() + ")");
            }
        }
    }

    /**
     * One error naming the file when a streaming encoder is not the one this folder's graphs ask for: another
     * variant, version, backbone, chunk, cache size, vocabulary or subsampling.
     */
    static void checkStreamingEncoder(OnnxStreamingEncoder encoder, CodaVariant variant, String version,
            String backboneVersion, int vocab, int chunk, int cacheFrames, int subsampling) {
        List<String> wrong = new ArrayList<>();
        if (encoder.variant() != variant) {
            wrong.add("it runs the " + encoder.variant().label() + " (metadata coda_r), not the " + variant.label());
        }
        if (!encoder.version().equals(version)) {
            wrong.add("version '" + encoder.version() + "' vs '" + version + "' of " + variant.fileStem() + ".onnx");
        }
        if (!encoder.backboneVersion().equals(backboneVersion)) {
            wrong.add("backbone version '" + encoder.backboneVersion() + "' vs the dense graph's '" + backboneVersion
                    + "'");
        }
        if (encoder.shape().chunkFrames() != chunk) {
            wrong.add("chunk " + encoder.shape().chunkFrames() + " output frames vs " + chunk);
        }
        if (encoder.shape().cacheFrames() != cacheFrames) {
            wrong.add("cache " + encoder.shape().cacheFrames() + " frames of left context vs " + cacheFrames);
        }
        if (encoder.shape().vocab() != vocab) {
            wrong.add("vocabulary " + encoder.shape().vocab() + " vs " + vocab);
        }
        if (encoder.subsamplingFactor() != subsampling) {
            wrong.add("subsampling " + encoder.subsamplingFactor() + " vs " + subsampling);
        }
        if (!wrong.isEmpty()) {
            throw new AsrException(encoder.path() + " does not match this model folder's graphs: "
                    + String.join("; ", wrong) + " (re-run export_streaming.py" + (variant == CodaVariant.DENSE ? ""
                            : " --coda") + " on this folder, or stream windowed with another chunking)");
        }
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public Set<CodaVariant> variants() {
        return models.keySet();
    }

    @Override
    public CtcHypothesis transcribe(float[][] features, double frameSeconds) {
        return finalDecoder.decode(model.logProbs(features), frameSeconds);
    }

    @Override
    public float[][] logProbs(float[][] features) {
        return model.logProbs(features);
    }

    @Override
    public int chunkFrames() {
        return chunkFrames;
    }

    @Override
    public int leftContextFrames() {
        return leftContextFrames;
    }

    @Override
    public int receptiveField() {
        return receptiveField;
    }

    /**
     * None when every variant a stream can run has a streaming encoder (a stream changes variant only where its cache
     * starts afresh), the windowed left context otherwise.
     */
    @Override
    public int featureContextFrames() {
        return streamingEncoders.keySet().containsAll(models.keySet()) ? 0 : leftContextFrames;
    }

    @Override
    public SegmentDecoder newSegment(CodaVariant variant, double frameSeconds) {
        return new CtcSegment(partialDecoder, finalDecoder, this::newCache, frameSeconds, variant);
    }

    private EncoderCache newCache(CodaVariant variant) {
        OnnxStreamingEncoder encoder = streamingEncoders.get(variant);
        return encoder == null ? null : encoder.newCache();
    }

    @Override
    public EncoderRun run(CodaVariant variant, boolean cached, List<SegmentDecoder> states, List<EncoderWindow> windows) {
        return cached ? runCached(streamingEncoders.get(variant), states, windows)
                : runWindowed(models.get(variant), states, windows);
    }

    private static EncoderRun runCached(OnnxStreamingEncoder encoder, List<SegmentDecoder> states,
            List<EncoderWindow> windows) {
        if (encoder.isBatchDependent() && states.size() > 1) {
            // one stream per call keeps each stream's output independent of its neighbours (and of restarts)
            EncoderRun total = new EncoderRun(0, 0);
            for (int i = 0; i < states.size(); i++) {
                total = total.plus(runCached(encoder, List.of(states.get(i)), List.of(windows.get(i))));
            }
            return total;
        }
        float[][][] batch = new float[windows.size()][][];
        List<EncoderCache> caches = new ArrayList<>(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            batch[i] = windows.get(i).features();
            caches.add(((CtcSegment) states.get(i)).cache);
        }
        long cpuStart = EncoderRun.threadCpuNanos();
        float[][][] out = encoder.encode(batch, caches);
        EncoderRun run = EncoderRun.oneCallSince(cpuStart);
        for (int i = 0; i < states.size(); i++) {
            ((CtcSegment) states.get(i)).accept(windows.get(i), out[i]);
        }
        return run;
    }

    private static EncoderRun runWindowed(AcousticModel model, List<SegmentDecoder> states, List<EncoderWindow> windows) {
        float[][][] batch = new float[windows.size()][][];
        int[] lengths = new int[windows.size()];
        for (int i = 0; i < windows.size(); i++) {
            batch[i] = windows.get(i).features();
            lengths[i] = batch[i].length;
        }
        long cpuStart = EncoderRun.threadCpuNanos();
        float[][][] out = model.logProbs(batch, lengths);
        EncoderRun run = EncoderRun.oneCallSince(cpuStart);
        for (int i = 0; i < states.size(); i++) {
            ((CtcSegment) states.get(i)).accept(windows.get(i), out[i]);
        }
        return run;
    }

    @Override
    public Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders() {
        return streamingEncoders;
    }

    @Override
    public void close() {
        try {
            models.values().forEach(AcousticModel::close);
        } finally {
            streamingEncoders.values().forEach(OnnxStreamingEncoder::close);
        }
    }
}
