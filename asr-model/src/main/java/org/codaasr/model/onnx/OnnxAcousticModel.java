package org.codaasr.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CTC acoustic model executed by ONNX Runtime. Tensor names are read from the graph (the float rank-3 input is the
 * features, the int64 rank-1 input the lengths; likewise for the outputs), model facts from its metadata_props.
 * Outputs it does not know (CoDA's {@code coda_selected}) are neither fetched nor required; {@link #routing} reads
 * that one on demand. {@link OrtSession#run} is thread-safe, so one instance serves every stream in the JVM.
 */
public final class OnnxAcousticModel implements AcousticModel {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxAcousticModel.class);
    /** Output of CoDA graphs: [batch, layers, outFrames], 1 where that layer processed that frame. */
    public static final String ROUTING_OUTPUT = "coda_selected";

    private final Path path;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ReentrantReadWriteLock runLock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final ModelInfo info;
    private final String provider;
    private final int minInputFrames;
    private final String routingOutput;

    private OnnxAcousticModel(Path path, OrtEnvironment env, OrtSession session, String provider) throws OrtException {
        this.path = path;
        this.env = env;
        this.session = session;
        this.provider = provider;
        this.info = readInfo(path, session);
        this.minInputFrames = Integer.parseInt(info.metadata().getOrDefault("min_input_frames",
                Integer.toString(info.layout() == ModelLayout.NEMO_CTC ? 1 : 2 * info.subsamplingFactor() - 1)));
        this.routingOutput = findRoutingOutput(session);
    }

    /** The {@code coda_selected} output: by name, else the one uint8/bool rank-3 output. */
    private static String findRoutingOutput(OrtSession session) throws OrtException {
        if (session.getOutputNames().contains(ROUTING_OUTPUT)) {
            return ROUTING_OUTPUT;
        }
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t && t.getShape().length == 3
                    && (t.type == OnnxJavaType.UINT8 || t.type == OnnxJavaType.BOOL)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Loads a model file; the execution provider choice and thread counts come from {@code config}. */
    public static OnnxAcousticModel load(Path modelFile, OnnxConfig config) {
        if (!Files.isRegularFile(modelFile)) {
            throw new AsrException("acoustic model not found: expected an ONNX file at " + modelFile.toAbsolutePath());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            OrtSessions.Opened opened = OrtSessions.open(env, modelFile, config);
            OnnxAcousticModel model;
            try {
                model = new OnnxAcousticModel(modelFile, env, opened.session(), opened.provider());
            } catch (OrtException | RuntimeException e) {
                opened.session().close();
                throw e;
            }
            LOG.info("loaded {} ({}, {}, vocab {}) on {} with {} intra-op thread(s)", modelFile,
                    model.info.modelType(), model.info.variant().label(), model.info.vocabSize(), opened.provider(),
                    config.intraOpThreads() == 0 ? "default" : config.intraOpThreads());
            return model;
        } catch (OrtException e) {
            throw new AsrException("cannot load ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** NeMo's input name for its channel-first features. */
    static final String NEMO_FEATURES_INPUT = "audio_signal";

    private static ModelInfo readInfo(Path path, OrtSession session) throws OrtException {
        String featuresInput = null;
        String lengthsInput = null;
        int featureDim = -1;
        boolean channelFirst = false;
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                continue;
            }
            if (t.type == OnnxJavaType.FLOAT && t.getShape().length == 3) {
                featuresInput = e.getKey();
                channelFirst = NEMO_FEATURES_INPUT.equals(e.getKey());
                featureDim = (int) t.getShape()[channelFirst ? 1 : 2];
            } else if (t.type == OnnxJavaType.INT64 && t.getShape().length == 1) {
                lengthsInput = e.getKey();
            }
        }
        String logProbsOutput = null;
        String lengthsOutput = null;
        int vocab = -1;
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                continue;
            }
            if (t.type == OnnxJavaType.FLOAT && t.getShape().length == 3 && logProbsOutput == null) {
                logProbsOutput = e.getKey();
                vocab = (int) t.getShape()[2];
            } else if ((t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.INT32) && t.getShape().length == 1) {
                lengthsOutput = e.getKey();
            }
        }
        Map<String, String> meta = new HashMap<>(session.getMetadata().getCustomMetadata());
        ModelLayout layout = channelFirst ? ModelLayout.NEMO_CTC
                : "wenet_ctc".equals(meta.get("model_type")) ? ModelLayout.WENET_CTC : ModelLayout.CODA_ASR;
        if (featuresInput == null || lengthsInput == null || logProbsOutput == null
                || (lengthsOutput == null && layout != ModelLayout.NEMO_CTC)) {
            throw new AsrException("ONNX model " + path + " follows no CTC layout this project reads: expected "
                    + "inputs float[batch,frames,dim] + int64[batch] and outputs float[batch,frames,vocab] + "
                    + "int[batch] (this project's export, WeNet CTC as sherpa-onnx exports it), or inputs audio_signal float[batch,dim,frames] + length "
                    + "int64[batch] and output float[batch,frames,vocab] (NeMo CTC as sherpa-onnx exports it); got "
                    + session.getInputInfo().keySet() + " -> " + session.getOutputInfo().keySet());
        }
        if (layout == ModelLayout.NEMO_CTC) {
            for (String key : List.of("vocab_size", "subsampling_factor")) {
                if (!meta.containsKey(key)) {
                    throw new AsrException("ONNX model " + path + " has the NeMo CTC layout but no '" + key
                            + "' metadata; expected vocab_size, subsampling_factor and normalize_type as the "
                            + "sherpa-onnx export writes them");
                }
            }
            String normalize = meta.getOrDefault("normalize_type", "");
            if (!normalize.isEmpty() && !normalize.equals("per_feature")) {
                throw new AsrException("ONNX model " + path + ": normalize_type '" + normalize
                        + "' is not supported; expected per_feature or none");
            }
        }
        if (featureDim <= 0) {
            featureDim = intMeta(meta, "feature_dim", 80);
        }
        if (vocab <= 0) {
            vocab = intMeta(meta, "vocab_size", -1);
        } else if (meta.containsKey("vocab_size") && intMeta(meta, "vocab_size", vocab) != vocab) {
            throw new AsrException("ONNX model " + path + ": metadata vocab_size=" + meta.get("vocab_size")
                    + " but the output has " + vocab + " tokens");
        }
        int subsampling = intMeta(meta, "subsampling_factor", 4);
        int chunk = intMeta(meta, "chunk_frames", 16);
        int left = intMeta(meta, "left_context_frames", 64);
        if (meta.getOrDefault("streaming_frame_unit", "").startsWith("input")) {
            // the recipe states its streaming recommendation in 10 ms input frames; ModelInfo uses output frames
            chunk = Math.max(1, chunk / subsampling);
            left = left / subsampling;
        }
        return new ModelInfo(
                meta.getOrDefault("model_type", layout == ModelLayout.NEMO_CTC ? "nemo-ctc" : "conformer-ctc"),
                featureDim,
                subsampling,
                vocab,
                variantMeta(path, meta),
                chunk,
                left,
                featuresInput,
                lengthsInput,
                logProbsOutput,
                lengthsOutput,
                meta,
                layout);
    }

    private static CodaVariant variantMeta(Path path, Map<String, String> meta) {
        int r = intMeta(meta, "coda_r", 0);
        try {
            return CodaVariant.of(r);
        } catch (IllegalArgumentException e) {
            throw new AsrException("ONNX model " + path + ": metadata coda_r=" + r + " names no known variant: "
                    + e.getMessage(), e);
        }
    }

    private static int intMeta(Map<String, String> meta, String key, int fallback) {
        String v = meta.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new AsrException("model metadata " + key + " must be an integer, got '" + v + "'", e);
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** The execution provider actually used, e.g. {@code CPU} or {@code CUDA:0}. */
    public String provider() {
        return provider;
    }

    public Path path() {
        return path;
    }

    /** Fewest feature frames that yield one output frame (receptive field of the subsampling front end). */
    public int minInputFrames() {
        return minInputFrames;
    }

    /** Name of the graph's {@code coda_selected} output, when it has one (CoDA variants only). */
    public Optional<String> routingOutput() {
        return Optional.ofNullable(routingOutput);
    }

    @Override
    public float[][][] logProbs(float[][][] features, int[] lengths) {
        runLock.readLock().lock();
        try {
            requireOpen();
            return runLogProbs(features, lengths);
        } finally {
            runLock.readLock().unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new ModelClosedException("ONNX model " + path + " is closed");
        }
    }

    private float[][][] runLogProbs(float[][][] features, int[] lengths) {
        int batch = features.length;
        int maxFrames = checkBatch(features, lengths);
        float[][][] out = new float[batch][][];
        if (maxFrames < minInputFrames) {
            for (int b = 0; b < batch; b++) {
                out[b] = new float[0][info.vocabSize()];
            }
            return out;
        }
        // only the outputs read here are fetched, so extra outputs such as coda_selected cost nothing
        Set<String> wanted = info.outputLengthsOutput() == null ? Set.of(info.logProbsOutput())
                : Set.of(info.logProbsOutput(), info.outputLengthsOutput());
        try (OnnxTensor x = featureTensor(features, lengths, maxFrames);
                OnnxTensor xl = lengthTensor(lengths);
                OrtSession.Result result = session.run(Map.of(info.featuresInput(), x, info.lengthsInput(), xl),
                        wanted)) {
            OnnxTensor logProbs = (OnnxTensor) result.get(info.logProbsOutput()).orElseThrow();
            long[] shape = logProbs.getInfo().getShape();
            int outFrames = (int) shape[1];
            int vocab = (int) shape[2];
            FloatBuffer lp = logProbs.getFloatBuffer();
            int[] valid = validOutputFrames(result, lengths, outFrames);
            for (int b = 0; b < batch; b++) {
                float[][] rows = new float[valid[b]][vocab];
                for (int t = 0; t < valid[b]; t++) {
                    lp.position((b * outFrames + t) * vocab);
                    lp.get(rows[t]);
                }
                out[b] = rows;
            }
            return out;
        } catch (OrtException e) {
            throw new AsrException("ONNX inference failed for " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs one utterance and returns which output frames each layer processed, read from the graph's
     * {@code coda_selected} output. Empty when the model has no such output (dense backbone, parallel adapter).
     *
     * @param features [frames][featureDim] log-mel frames of one utterance
     */
    public Optional<RoutingTrace> routing(float[][] features) {
        runLock.readLock().lock();
        try {
            requireOpen();
            return runRouting(features);
        } finally {
            runLock.readLock().unlock();
        }
    }

    private Optional<RoutingTrace> runRouting(float[][] features) {
        if (routingOutput == null) {
            return Optional.empty();
        }
        float[][][] batch = {features};
        int[] lengths = {features.length};
        int maxFrames = checkBatch(batch, lengths);
        if (maxFrames < minInputFrames) {
            return Optional.empty();
        }
        try (OnnxTensor x = featureTensor(batch, lengths, maxFrames);
                OnnxTensor xl = lengthTensor(lengths);
                OrtSession.Result result = session.run(Map.of(info.featuresInput(), x, info.lengthsInput(), xl),
                        Set.of(routingOutput, info.outputLengthsOutput()))) {
            OnnxTensor selected = (OnnxTensor) result.get(routingOutput).orElseThrow();
            long[] shape = selected.getInfo().getShape();
            if (shape.length != 3 || shape[0] != 1) {
                throw new AsrException("ONNX model " + path + ": expected " + routingOutput
                        + " shaped [1, layers, frames], got " + Arrays.toString(shape));
            }
            int layers = (int) shape[1];
            int outFrames = (int) shape[2];
            int frames = validOutputFrames(result, lengths, outFrames)[0];
            ByteBuffer bytes = selected.getByteBuffer();
            boolean[][] rows = new boolean[layers][frames];
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < frames; t++) {
                    rows[l][t] = bytes.get(l * outFrames + t) != 0;
                }
            }
            return Optional.of(new RoutingTrace(layers, frames, rows));
        } catch (OrtException e) {
            throw new AsrException("ONNX inference failed for " + path + ": " + e.getMessage(), e);
        }
    }

    private int checkBatch(float[][][] features, int[] lengths) {
        if (lengths.length != features.length) {
            throw new IllegalArgumentException("lengths has " + lengths.length + " entries for a batch of "
                    + features.length);
        }
        int maxFrames = 0;
        for (int b = 0; b < features.length; b++) {
            if (lengths[b] < 0 || lengths[b] > features[b].length) {
                throw new IllegalArgumentException("length " + lengths[b] + " outside [0, " + features[b].length + "]");
            }
            maxFrames = Math.max(maxFrames, lengths[b]);
        }
        return maxFrames;
    }

    private OnnxTensor featureTensor(float[][][] features, int[] lengths, int maxFrames) throws OrtException {
        int batch = features.length;
        int dim = info.featureDim();
        // NeMo's audio_signal is channel-first: [batch, dim, frames]; this project's and WeNet's [batch, frames, dim]
        boolean channelFirst = info.layout() == ModelLayout.NEMO_CTC;
        FloatBuffer feats = FloatBuffer.allocate(batch * maxFrames * dim);
        for (int b = 0; b < batch; b++) {
            int base = b * maxFrames * dim;
            for (int t = 0; t < lengths[b]; t++) {
                float[] row = features[b][t];
                if (row.length != dim) {
                    throw new IllegalArgumentException("feature frame has " + row.length + " bins, model expects "
                            + dim);
                }
                if (channelFirst) {
                    for (int d = 0; d < dim; d++) {
                        feats.put(base + d * maxFrames + t, row[d]);
                    }
                } else {
                    feats.put(base + t * dim, row);
                }
            }
        }
        long[] shape = channelFirst ? new long[] {batch, dim, maxFrames} : new long[] {batch, maxFrames, dim};
        return OnnxTensor.createTensor(env, feats, shape);
    }

    private OnnxTensor lengthTensor(int[] lengths) throws OrtException {
        long[] lens = new long[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            lens[b] = lengths[b];
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(lens), new long[] {lengths.length});
    }

    private int[] validOutputFrames(OrtSession.Result result, int[] lengths, int outFrames) {
        int batch = lengths.length;
        int[] valid = new int[batch];
        if (info.outputLengthsOutput() == null) {
            // NeMo's strided subsampling keeps ceil(frames / factor); the longest entry fills the output
            int factor = info.subsamplingFactor();
            for (int b = 0; b < batch; b++) {
                valid[b] = Math.min(outFrames, (lengths[b] + factor - 1) / factor);
            }
            return valid;
        }
        OnnxTensor lengthsTensor = (OnnxTensor) result.get(info.outputLengthsOutput()).orElseThrow();
        // int64 in this project's export and WeNet's (sherpa-onnx reads int64); int32 accepted too
        boolean wide = lengthsTensor.getInfo().type == OnnxJavaType.INT64;
        LongBuffer longs = wide ? lengthsTensor.getLongBuffer() : null;
        java.nio.IntBuffer ints = wide ? null : lengthsTensor.getIntBuffer();
        for (int b = 0; b < batch; b++) {
            long n = wide ? longs.get(b) : ints.get(b);
            valid[b] = (int) Math.min(outFrames, Math.max(0, n));
        }
        return valid;
    }

    /** Waits for runs in progress on other threads (a stream thread still decoding during shutdown), then closes
     * the session; later calls fail with a clear error instead of touching freed native memory. */
    @Override
    public void close() {
        runLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close();
        } catch (OrtException e) {
            throw new AsrException("cannot close ONNX session for " + path, e);
        } finally {
            runLock.writeLock().unlock();
        }
    }
}
