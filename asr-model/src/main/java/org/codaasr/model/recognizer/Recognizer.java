package org.codaasr.model.recognizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.Resampler;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.Vocabulary;
import org.codaasr.model.features.FbankConfig;
import org.codaasr.model.features.FbankExtractor;
import org.codaasr.model.features.NemoMelSpectrogram;
import org.codaasr.model.lm.ArpaLanguageModel;
import org.codaasr.model.lm.LanguageModel;
import org.codaasr.model.onnx.AcousticModel;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxStreamingEncoder;
import org.codaasr.model.transducer.OnnxTransducer;
import org.codaasr.model.transducer.TransducerFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared half of recognition (sherpa-onnx's recognizer/stream split): one per JVM, it holds the model family
 * (CTC, streaming transducer: {@link ModelFamily}), the vocabulary and the front end. Per-stream state lives in cheap
 * {@link RecognizerStream}s created here with an immutable {@link StreamSpec}. Thread-safe.
 */
public final class Recognizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recognizer.class);

    private final ModelFamily family;
    private final CodaVariant defaultVariant;
    private final Vocabulary vocabulary;
    private final FbankExtractor fbank;
    /** NeMo's whole-utterance front end for {@link ModelLayout#NEMO_CTC} models; null for this project's own. */
    private final NemoMelSpectrogram nemoFrontEnd;
    private final RecognizerConfig config;
    /** What every stream of this recognizer is created with. */
    private final StreamSpec streamSpec;
    private final LongAdder encoderCalls = new LongAdder();
    private final LongAdder encoderWindows = new LongAdder();
    private final LongAdder encoderInputFrames = new LongAdder();
    private final LongAdder encoderCpuNanos = new LongAdder();
    /** Calls and windows by variant: [calls, windows, input frames, CPU nanoseconds]. */
    private final Map<CodaVariant, LongAdder[]> encoderWorkByVariant = new ConcurrentHashMap<>();

    public Recognizer(AcousticModel model, Vocabulary vocabulary, RecognizerConfig config, LanguageModel lm) {
        this(Map.of(config.variant(), model), config.variant(), vocabulary, config, lm);
    }

    /**
     * A recognizer over several CoDA variants of one backbone (for load-adaptive routing): {@code models} maps a
     * variant to its model, {@code defaultVariant} is the one offline transcription and new streams use. Each model
     * must say (ONNX metadata {@code coda_r}) that it is the variant it is registered as, so a transcript's label is
     * always the variant that actually ran.
     */
    public Recognizer(Map<CodaVariant, AcousticModel> models, CodaVariant defaultVariant, Vocabulary vocabulary,
            RecognizerConfig config, LanguageModel lm) {
        this(models, defaultVariant, vocabulary, config, lm, Map.of());
    }

    /**
     * With a cache-based streaming encoder for the dense backbone (owned by the recognizer from here on): streams
     * at the dense variant encode each chunk once through it.
     *
     * @throws AsrException when the encoder is not from the dense model's export
     */
    public Recognizer(Map<CodaVariant, AcousticModel> models, CodaVariant defaultVariant, Vocabulary vocabulary,
            RecognizerConfig config, LanguageModel lm, OnnxStreamingEncoder streamingEncoder) {
        this(models, defaultVariant, vocabulary, config, lm,
                streamingEncoder == null ? Map.of() : Map.of(CodaVariant.DENSE, streamingEncoder));
    }

    /**
     * With cache-based streaming encoders by variant (owned by the recognizer from here on): a stream at a variant
     * with one encodes each chunk once through it, with its cache.
     *
     * @throws AsrException naming the file of an encoder that is not from this model's export (variant, version,
     *     chunk, cache size or vocabulary)
     */
    public Recognizer(Map<CodaVariant, AcousticModel> models, CodaVariant defaultVariant, Vocabulary vocabulary,
            RecognizerConfig config, LanguageModel lm, Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders) {
        this(ctcParts(models, defaultVariant, vocabulary, config, lm, streamingEncoders), defaultVariant, vocabulary,
                config);
    }

    /** The model family and the front end it reads. */
    private record Parts(ModelFamily family, FbankExtractor fbank, NemoMelSpectrogram nemoFrontEnd) {}

    private Recognizer(Parts parts, CodaVariant defaultVariant, Vocabulary vocabulary, RecognizerConfig config) {
        this.family = parts.family();
        this.fbank = parts.fbank();
        this.nemoFrontEnd = parts.nemoFrontEnd();
        this.defaultVariant = defaultVariant;
        this.vocabulary = vocabulary;
        this.config = config;
        ModelInfo info = family.info();
        boolean transducer = family instanceof TransducerFamily;
        this.streamSpec = new StreamSpec(fbank, info.subsamplingFactor(), family.receptiveField(),
                family.chunkFrames(), family.leftContextFrames(), family.featureContextFrames(),
                frameSeconds(nemoFrontEnd, fbank, info), info.vocabSize(), EndpointRules.of(config.streaming()),
                config.streaming().adaptive(), family.variants(), defaultVariant,
                transducer ? (int) Math.round(TAIL_PADDING_SECONDS * fbank.config().sampleRate()) : 0, transducer);
    }

    /**
     * A transducer's front end: sherpa-onnx's fbank settings (samples in [-1, 1], mel bins from 20 Hz to Nyquist -
     * 400 Hz, dither off), which its transducers are trained with, except that this extractor snips the edges
     * (sherpa-onnx centres the first frame on the first sample: its frames lie half a window earlier).
     */
    public static final FbankConfig TRANSDUCER_FBANK = new FbankConfig(16000, 80, 25, 10, 0.97, 20, -400, 1.0, 0,
            true);

    /**
     * Zero audio appended to a transducer's input when it ends, as sherpa-onnx's examples append it: its encoder
     * decodes only whole chunks.
     */
    public static final double TAIL_PADDING_SECONDS = 0.66;

    private static Parts ctcParts(Map<CodaVariant, AcousticModel> models, CodaVariant defaultVariant,
            Vocabulary vocabulary, RecognizerConfig config, LanguageModel lm,
            Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders) {
        AcousticModel model = models.get(defaultVariant);
        if (model == null) {
            throw new IllegalArgumentException("no model for the default variant " + defaultVariant.label()
                    + " among " + models.keySet());
        }
        ModelInfo info = model.info();
        CtcFamily.checkVariants(models, info);
        if (info.vocabSize() != vocabulary.size()) {
            throw new AsrException("model outputs " + info.vocabSize() + " tokens but the vocabulary has "
                    + vocabulary.size() + ": " + config.tokensFile() + " does not belong to this model");
        }
        FbankConfig fbankConfig = FbankConfig.defaults();
        NemoMelSpectrogram nemoFrontEnd = null;
        if (info.layout() == ModelLayout.NEMO_CTC) {
            if (vocabulary.blankId() != vocabulary.size() - 1) {
                throw new AsrException("the NeMo CTC layout puts the blank <blk> last (id " + (vocabulary.size() - 1)
                        + "), but the token list has it at id " + vocabulary.blankId()
                        + ": " + config.tokensFile() + " does not belong to this model");
            }
            nemoFrontEnd = new NemoMelSpectrogram(info.featureDim(), "per_feature".equals(info.normalizeType()));
        } else if (info.featureDim() != fbankConfig.numMelBins()) {
            throw new AsrException("model expects " + info.featureDim() + " features per frame, the front end "
                    + "makes " + fbankConfig.numMelBins());
        }
        return new Parts(new CtcFamily(models, defaultVariant, vocabulary, config, lm, streamingEncoders),
                new FbankExtractor(fbankConfig), nemoFrontEnd);
    }

    /**
     * A recognizer over a sherpa-onnx streaming transducer (owned by the recognizer from here on).
     *
     * @throws AsrException when the token list does not belong to the model
     */
    public Recognizer(OnnxTransducer transducer, Vocabulary vocabulary, RecognizerConfig config) {
        this(transducerParts(transducer, vocabulary, config.decoding()), CodaVariant.DENSE, vocabulary, config);
    }

    /** Greedy decoding is greedy search; beam decoding is modified beam search with the beam as active paths. */
    private static Parts transducerParts(OnnxTransducer transducer, Vocabulary vocabulary, DecodingConfig decoding) {
        FbankConfig fbankConfig = TRANSDUCER_FBANK;
        if (transducer.featureDim() != fbankConfig.numMelBins()) {
            throw new AsrException(transducer.files().encoder() + " expects " + transducer.featureDim()
                    + " features per frame, the front end makes " + fbankConfig.numMelBins());
        }
        int paths = decoding.method() == DecodingConfig.Method.GREEDY ? 1 : decoding.beamSize();
        return new Parts(new TransducerFamily(transducer, vocabulary, paths), new FbankExtractor(fbankConfig), null);
    }

    private static double frameSeconds(NemoMelSpectrogram nemo, FbankExtractor fbank, ModelInfo info) {
        double shiftSeconds = nemo != null
                ? (double) NemoMelSpectrogram.HOP / NemoMelSpectrogram.SAMPLE_RATE
                : fbank.config().frameShiftMs() / 1000.0;
        return info.subsamplingFactor() * shiftSeconds;
    }

    /** Loads the model, vocabulary and (optional) language model that {@code config} names. */
    public static Recognizer load(RecognizerConfig config) {
        if (TransducerFiles.isTransducerFolder(config.modelDir())) {
            return loadTransducer(config);
        }
        Vocabulary vocabulary = Vocabulary.load(config.tokensFile());
        LanguageModel lm = null;
        if (config.decoding().languageModel() != null) {
            lm = ArpaLanguageModel.load(config.decoding().languageModel());
        }
        AdaptiveRouting adaptive = config.streaming().adaptive();
        List<CodaVariant> levels = adaptive.enabled() ? adaptive.levels() : List.of(config.variant());
        CodaVariant first = levels.contains(config.variant()) ? config.variant() : levels.get(0);
        Map<CodaVariant, AcousticModel> models = new LinkedHashMap<>();
        Map<CodaVariant, OnnxStreamingEncoder> encoders = new LinkedHashMap<>();
        try {
            for (CodaVariant v : levels) {
                Path file = config.withVariant(v).modelFile();
                if (v != CodaVariant.DENSE && !Files.exists(file) && Files.isDirectory(config.modelDir())) {
                    throw new AsrException("model folder " + config.modelDir() + " has no " + v.label() + " graph ("
                            + file.getFileName() + "): it ships --coda-r " + shippedVariants(config));
                }
                models.put(v, OnnxAcousticModel.load(file, config.onnx()));
            }
            for (CodaVariant v : models.keySet()) {
                Path encoderFile = streamingEncoderFile(config, v);
                if (encoderFile != null) {
                    encoders.put(v, OnnxStreamingEncoder.load(encoderFile, config.onnx()));
                }
            }
            checkAgainstDenseStreamingGraph(config, encoders);
            return new Recognizer(models, first, vocabulary, config, lm, encoders);
        } catch (RuntimeException e) {
            models.values().forEach(AcousticModel::close);
            encoders.values().forEach(OnnxStreamingEncoder::close);
            throw e;
        }
    }

    private static Recognizer loadTransducer(RecognizerConfig config) {
        TransducerFiles files = TransducerFiles.find(config.modelDir(), config.int8());
        if (config.variant() != CodaVariant.DENSE || config.streaming().adaptive().enabled()) {
            throw new AsrException(config.modelDir() + " is a streaming transducer: it has no CoDA variants "
                    + "(--coda-r and --adaptive-r are for this project's CoDA models)");
        }
        if (config.decoding().languageModel() != null) {
            LOG.warn("{} is a streaming transducer: its modified beam search runs without the language model {} "
                    + "(the LM is for CTC models)", config.modelDir(), config.decoding().languageModel());
        }
        Vocabulary vocabulary = Vocabulary.load(files.tokens());
        OnnxTransducer transducer = OnnxTransducer.load(files, config.onnx());
        try {
            return new Recognizer(transducer, vocabulary, config);
        } catch (RuntimeException e) {
            transducer.close();
            throw e;
        }
    }

    /**
     * CoDA streaming graphs loaded without the dense one (e.g. {@code --coda-r 4} alone) are still checked against
     * the folder's dense streaming graph, opened for that only.
     */
    private static void checkAgainstDenseStreamingGraph(RecognizerConfig config,
            Map<CodaVariant, OnnxStreamingEncoder> encoders) {
        Path denseFile = config.modelDir().resolve(OnnxStreamingEncoder.FILE_NAME);
        if (encoders.isEmpty() || encoders.containsKey(CodaVariant.DENSE) || !Files.isRegularFile(denseFile)) {
            return;
        }
        try (OnnxStreamingEncoder dense = OnnxStreamingEncoder.load(denseFile, config.onnx())) {
            for (Map.Entry<CodaVariant, OnnxStreamingEncoder> e : encoders.entrySet()) {
                OnnxStreamingEncoder coda = e.getValue();
                CtcFamily.checkStreamingEncoder(coda, e.getKey(), coda.version(), dense.version(),
                        dense.shape().vocab(),
                        dense.shape().chunkFrames(), dense.shape().cacheFrames(), dense.subsamplingFactor());
            }
        }
    }

    /** The variants whose graph the model folder holds, as their --coda-r values with labels. */
    private static String shippedVariants(RecognizerConfig config) {
        List<String> shipped = new ArrayList<>();
        for (CodaVariant v : CodaVariant.values()) {
            if (Files.isRegularFile(config.withVariant(v).modelFile())) {
                shipped.add(v.reductionFactor() + " (" + v.label() + ")");
            }
        }
        return shipped.isEmpty() ? "nothing (no model*.onnx)" : String.join(", ", shipped);
    }

    /**
     * The streaming encoder file of {@code variant} that {@link StreamingConfig#encoder()} asks for, falling back
     * from int8 (the dense backbone only) to float to none (windowed). Only at the model's own chunking; other
     * chunkings stay windowed.
     */
    private static Path streamingEncoderFile(RecognizerConfig config, CodaVariant variant) {
        StreamingConfig s = config.streaming();
        if (s.encoder() == EncoderChoice.WINDOWED || s.chunkFrames() != 0 || s.leftContextFrames() != 0) {
            return null;
        }
        Path int8 = config.modelDir().resolve(OnnxStreamingEncoder.INT8_FILE_NAME);
        if (variant == CodaVariant.DENSE && s.encoder() == EncoderChoice.INT8 && Files.isRegularFile(int8)) {
            return int8;
        }
        Path fp32 = config.modelDir().resolve(OnnxStreamingEncoder.fileName(variant));
        return Files.isRegularFile(fp32) ? fp32 : null;
    }

    /** The cache-based streaming encoder that streams at the default variant use, if any. */
    public Optional<OnnxStreamingEncoder> streamingEncoderInUse() {
        return Optional.ofNullable(family.streamingEncoders().get(defaultVariant));
    }

    /** Every cache-based streaming encoder by variant (variants missing here encode windowed). */
    public Map<CodaVariant, OnnxStreamingEncoder> streamingEncoders() {
        return family.streamingEncoders();
    }

    public ModelInfo modelInfo() {
        return family.info();
    }

    /** The variant offline transcription and new streams use. */
    public CodaVariant defaultVariant() {
        return defaultVariant;
    }

    /** Variants this recognizer can switch a stream between (one entry when routing is fixed). */
    public Set<CodaVariant> variants() {
        return family.variants();
    }

    /**
     * Names the graph that runs {@code variant} as {@code <model folder>/<file>}, e.g.
     * {@code conformer-ctc-small/model.coda-r4.onnx}: the label a transcript carries for the variant that made it.
     */
    public String modelLabel(CodaVariant variant) {
        if (!family.variants().contains(variant)) {
            throw new IllegalArgumentException("no model for the " + variant.label() + "; available: "
                    + family.variants());
        }
        Path dir = config.modelDir().toAbsolutePath().normalize();
        Path file = family instanceof TransducerFamily t ? t.model().files().encoder().getFileName()
                : variant.file(config.modelDir(), config.int8()).getFileName();
        return dir.getFileName() == null ? file.toString() : dir.getFileName() + "/" + file;
    }

    /** The graph that runs the default variant: a transducer's encoder, else the config's model file. */
    public Path modelFile() {
        return family instanceof TransducerFamily t ? t.model().files().encoder() : config.modelFile();
    }

    /**
     * How a transducer searches ("greedy search", "modified beam search, N active paths"); empty for CTC models,
     * whose decoding the config describes.
     */
    public Optional<String> transducerSearch() {
        if (!(family instanceof TransducerFamily t)) {
            return Optional.empty();
        }
        return Optional.of(t.maxActivePaths() == 1 ? "greedy search"
                : "modified beam search, " + t.maxActivePaths() + " active paths");
    }

    /** True when streams adapt their reduction factor to their lag. */
    public boolean isAdaptive() {
        return family.variants().size() > 1;
    }

    /** What each stream of this recognizer is created with: framing, endpoint and routing rules. */
    public StreamSpec streamSpec() {
        return streamSpec;
    }

    public RecognizerConfig config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Seconds of audio per encoder output frame. */
    public double frameSeconds() {
        return streamSpec.frameSeconds();
    }

    /** Transcribes a whole utterance with full attention context (the offline path). */
    public RecognitionResult transcribe(AudioData audio) {
        CtcHypothesis hyp = hypothesis(audio);
        return new RecognitionResult(0, hyp.text(), hyp.words(), true, 0.0, audio.durationSeconds());
    }

    /** The whole utterance's hypothesis, tokens and their frames included. */
    CtcHypothesis hypothesis(AudioData audio) {
        return family.transcribe(features(audio), frameSeconds());
    }

    /** Log-probabilities of a whole utterance (for benchmarks and alignment tools). */
    public float[][] logProbs(AudioData audio) {
        return family.logProbs(features(audio));
    }

    private float[][] features(AudioData audio) {
        int rate = fbank.config().sampleRate();
        float[] samples = audio.sampleRate() == rate
                ? audio.samples()
                : Resampler.resample(audio.samples(), audio.sampleRate(), rate);
        if (streamSpec.tailPaddingSamples() > 0) {
            samples = java.util.Arrays.copyOf(samples, samples.length + streamSpec.tailPaddingSamples());
        }
        return nemoFrontEnd != null ? nemoFrontEnd.compute(samples) : fbank.compute(samples);
    }

    /**
     * Decodes one utterance the way a live stream is decoded (chunks of {@code chunkSamples}, chunked encoder
     * windows, endpointing) and returns its finals in order.
     */
    public List<RecognitionResult> transcribeStreaming(AudioData audio, int chunkSamples) {
        RecognizerStream stream = createStream();
        List<RecognitionResult> finals = new ArrayList<>();
        feed(stream, audio.samples(), audio.sampleRate(), chunkSamples, finals);
        finish(stream, finals);
        return finals;
    }

    /**
     * Gives {@code samples} to {@code stream} in chunks of {@code chunkSamples}, decoding after each as a live
     * stream is decoded, and adds the finals that come out to {@code finals}. Audio that arrives in blocks (a long
     * file read as it goes) is fed block by block; {@link #finish} ends it.
     */
    public void feed(RecognizerStream stream, float[] samples, int sampleRate, int chunkSamples,
            List<RecognitionResult> finals) {
        for (int i = 0; i < samples.length; i += chunkSamples) {
            stream.acceptWaveform(java.util.Arrays.copyOfRange(samples, i, Math.min(samples.length, i + chunkSamples)),
                    sampleRate);
            decode(stream);
            stream.drainFinals(finals);
        }
    }

    /** Ends {@code stream}'s input and adds its last finals to {@code finals}. */
    public void finish(RecognizerStream stream, List<RecognitionResult> finals) {
        stream.inputFinished();
        decode(stream);
        stream.drainFinals(finals);
    }

    /** False for models whose front end needs the whole utterance ({@link ModelLayout#NEMO_CTC}). */
    public boolean supportsStreaming() {
        return nemoFrontEnd == null;
    }

    public RecognizerStream createStream() {
        if (nemoFrontEnd != null) {
            throw new AsrException("the model " + config.modelFile() + " has the NeMo CTC layout, whose features are "
                    + "normalised over the whole utterance: it transcribes files (./asr transcribe, ./asr eval), "
                    + "not live streams");
        }
        return newStream();
    }

    private RecognizerStream newStream() {
        return new RecognizerStream(streamSpec, family.newSegment(defaultVariant, streamSpec.frameSeconds()));
    }

    /**
     * Runs four streams of two seconds of quiet noise through every stage once (features, batched encoder windows,
     * partial and final decoding with the LM), so that the first real streams of a service do not pay for ONNX
     * Runtime's first runs and the JIT (the first finals of a cold demo took 1.5-4 s, later ones under 0.1 s).
     * Nothing of it stays in the recognizer but its encoder-work counters. Returns the milliseconds it took.
     */
    public long warmUp() {
        long start = System.nanoTime();
        int rate = fbank.config().sampleRate();
        java.util.Random noise = new java.util.Random(7);
        List<RecognizerStream> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(createStream());
        }
        for (int step = 0; step < 20; step++) {
            for (RecognizerStream stream : streams) {
                float[] chunk = new float[rate / 10];
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = (float) (noise.nextGaussian() * 0.01);
                }
                stream.acceptWaveform(chunk, rate);
            }
            decode(streams);
            streams.forEach(RecognizerStream::partial);
        }
        streams.forEach(RecognizerStream::inputFinished);
        decode(streams);
        List<RecognitionResult> ignored = new ArrayList<>();
        streams.forEach(stream -> stream.drainFinals(ignored));
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Rebuilds a stream from {@link RecognizerStream#snapshot()}. */
    public RecognizerStream restoreStream(byte[] snapshot) {
        try {
            return SnapshotCodec.read(newStream(), snapshot);
        } catch (IOException e) {
            throw new AsrException("corrupt recognizer stream snapshot (" + snapshot.length + " bytes): "
                    + e.getMessage(), e);
        }
    }

    /** Runs the encoder on every ready chunk of one stream. */
    public void decode(RecognizerStream stream) {
        decode(List.of(stream));
    }

    /**
     * Runs the encoder on every ready chunk of the given streams, batching one window per stream per model call, so
     * an instance holding many streams makes few large calls instead of many small ones.
     */
    public void decode(List<RecognizerStream> streams) {
        while (true) {
            Map<BatchKey, List<RecognizerStream>> ready = new LinkedHashMap<>();
            Map<BatchKey, List<EncoderWindow>> windows = new LinkedHashMap<>();
            for (RecognizerStream s : streams) {
                EncoderWindow w = s.nextWindow();
                if (w != null) {
                    // cached windows batch only with windows of the same length (no padding in the graph)
                    BatchKey key = new BatchKey(s.variant(), w.cached(), w.cached() ? w.features().length : 0);
                    ready.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                    windows.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
                }
            }
            if (ready.isEmpty()) {
                return;
            }
            for (Map.Entry<BatchKey, List<RecognizerStream>> e : ready.entrySet()) {
                List<EncoderWindow> batch = windows.get(e.getKey());
                List<SegmentDecoder> states = new ArrayList<>(batch.size());
                e.getValue().forEach(stream -> states.add(stream.segment()));
                EncoderRun run = family.run(e.getKey().variant(), e.getKey().cached(), states, batch);
                for (int i = 0; i < batch.size(); i++) {
                    e.getValue().get(i).windowDone(batch.get(i));
                }
                int calls = run.calls();
                long cpu = run.cpuNanos();
                long frames = 0;
                for (EncoderWindow w : batch) {
                    frames += w.features().length;
                }
                encoderCalls.add(calls);
                encoderWindows.add(batch.size());
                encoderInputFrames.add(frames);
                encoderCpuNanos.add(cpu);
                LongAdder[] byVariant = encoderWorkByVariant.computeIfAbsent(e.getKey().variant(),
                        v -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
                byVariant[0].add(calls);
                byVariant[1].add(batch.size());
                byVariant[2].add(frames);
                byVariant[3].add(cpu);
            }
        }
    }

    private record BatchKey(CodaVariant variant, boolean cached, int frames) {}

    /** Encoder work done so far by this recognizer, over all threads. */
    public EncoderWork encoderWork() {
        return new EncoderWork(encoderCalls.sum(), encoderWindows.sum(), encoderInputFrames.sum(),
                encoderCpuNanos.sum());
    }

    /** Encoder work done so far at {@code variant}, over all threads: how well that variant's streams batch. */
    public EncoderWork encoderWork(CodaVariant variant) {
        LongAdder[] w = encoderWorkByVariant.get(variant);
        return w == null ? new EncoderWork(0, 0, 0, 0)
                : new EncoderWork(w[0].sum(), w[1].sum(), w[2].sum(), w[3].sum());
    }

    @Override
    public void close() {
        family.close();
    }
}
