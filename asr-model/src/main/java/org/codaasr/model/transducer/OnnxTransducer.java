package org.codaasr.model.transducer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.codaasr.model.AsrException;
import org.codaasr.model.onnx.ModelClosedException;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.onnx.OrtSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sherpa-onnx streaming transducer (zipformer2): the encoder runs {@code T} feature frames per call with its
 * states, the decoder turns the last {@code context_size} tokens into {@code decoder_out}, the joiner scores an
 * encoder frame against it. Every fact is read from the graphs and their metadata and checked against the layout
 * when loading, so a folder that does not follow it fails with one error naming the file and what was expected.
 * Thread-safe; one instance serves every stream of a JVM.
 */
public final class OnnxTransducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxTransducer.class);
    public static final String MODEL_TYPE = "zipformer2";

    private final TransducerFiles files;
    private final OrtEnvironment env;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final OrtSession joiner;
    private final Zipformer2Contract contract;
    private final Map<String, String> metadata;
    private final int featureDim;
    private final int contextSize;
    private final int vocabSize;
    private final int joinerDim;
    private final int outputFrames;
    private final String provider;
    private final ReentrantReadWriteLock runLock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private OnnxTransducer(TransducerFiles files, OrtEnvironment env, OrtSession encoder, OrtSession decoder,
            OrtSession joiner, String provider) throws OrtException {
        this.files = files;
        this.env = env;
        this.encoder = encoder;
        this.decoder = decoder;
        this.joiner = joiner;
        this.provider = provider;
        Map<String, String> meta = encoder.getMetadata().getCustomMetadata();
        this.metadata = Map.copyOf(meta);
        String type = meta.get("model_type");
        if (type == null) {
            throw new AsrException(files.encoder() + ": metadata key 'model_type' missing: expected '" + MODEL_TYPE
                    + "' (sherpa-onnx reads the transducer's class from it)");
        }
        if (!type.equals(MODEL_TYPE)) {
            throw new AsrException(files.encoder() + ": model_type '" + type + "': this project runs sherpa-onnx's "
                    + "streaming zipformer2 transducer (model_type '" + MODEL_TYPE + "') only");
        }
        this.contract = Zipformer2Contract.of(files.encoder(), meta);
        this.featureDim = checkEncoderInputs();
        checkEncoderOutputs();
        Map<String, String> decoderMeta = decoder.getMetadata().getCustomMetadata();
        this.contextSize = intMeta(files.decoder(), decoderMeta, "context_size");
        this.vocabSize = intMeta(files.decoder(), decoderMeta, "vocab_size");
        this.joinerDim = intMeta(files.joiner(), joiner.getMetadata().getCustomMetadata(), "joiner_dim");
        requireNames(files.decoder(), "inputs", new ArrayList<>(decoder.getInputNames()), List.of("y"));
        requireNames(files.decoder(), "outputs", new ArrayList<>(decoder.getOutputNames()), List.of("decoder_out"));
        requireNames(files.joiner(), "inputs", new ArrayList<>(joiner.getInputNames()),
                List.of("encoder_out", "decoder_out"));
        requireNames(files.joiner(), "outputs", new ArrayList<>(joiner.getOutputNames()), List.of("logit"));
        if (contextSize < 1 || vocabSize < 2 || joinerDim < 1) {
            throw new AsrException(files.decoder() + ": context_size " + contextSize + ", vocab_size " + vocabSize
                    + ", joiner_dim " + joinerDim + ": expected context_size >= 1 and vocab_size >= 2");
        }
        float[][] probe = run(List.<float[][]>of(new float[contract.t()][featureDim]), List.of(newState()))[0];
        this.outputFrames = probe.length;
        if (outputFrames < 1 || contract.decodeChunkLen() % outputFrames != 0 || probe[0].length != joinerDim) {
            throw new AsrException(files.encoder() + ": one call of " + contract.t() + " frames gives "
                    + outputFrames + " x " + (outputFrames > 0 ? probe[0].length : 0) + " outputs: expected a whole "
                    + "divisor of decode_chunk_len=" + contract.decodeChunkLen() + " frames of joiner_dim="
                    + joinerDim);
        }
    }

    /** Loads the three graphs of {@code files}; every session is closed again where loading fails. */
    public static OnnxTransducer load(TransducerFiles files, OnnxConfig config) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OrtSession> opened = new ArrayList<>();
        try {
            OrtSessions.Opened e = OrtSessions.open(env, files.encoder(), config);
            opened.add(e.session());
            OrtSession d = OrtSessions.open(env, files.decoder(), config).session();
            opened.add(d);
            OrtSession j = OrtSessions.open(env, files.joiner(), config).session();
            opened.add(j);
            OnnxTransducer model = new OnnxTransducer(files, env, e.session(), d, j, e.provider());
            LOG.info("loaded streaming transducer {} ({}, {} layers, T={} advancing {}, {} frames per call, "
                    + "context {}, vocab {}) on {}", files.encoder().getParent(), MODEL_TYPE, model.contract.layers(),
                    model.contract.t(), model.contract.decodeChunkLen(), model.outputFrames, model.contextSize,
                    model.vocabSize, e.provider());
            return model;
        } catch (OrtException | RuntimeException e) {
            for (OrtSession s : opened) {
                try {
                    s.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
            }
            if (e instanceof AsrException a) {
                throw a;
            }
            throw new AsrException("cannot load the transducer in " + files.encoder().getParent() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Checks the encoder's inputs against the contract: names, order, shapes, types. Returns the feature dim. */
    private int checkEncoderInputs() throws OrtException {
        List<String> expected = contract.inputNames();
        List<String> names = new ArrayList<>(encoder.getInputNames());
        String order = "x, then per layer " + String.join(", ", Zipformer2Contract.LAYER_STATES)
                + " (suffixed with the layer), then embed_states, processed_lens, for " + contract.layers()
                + " layers (metadata num_encoder_layers=" + metadata.get("num_encoder_layers") + ")";
        if (names.size() != expected.size()) {
            throw new AsrException(files.encoder() + " has " + names.size() + " inputs, expected "
                    + expected.size() + ": " + order);
        }
        requireNames(files.encoder(), "inputs", names, expected);
        Map<String, NodeInfo> info = encoder.getInputInfo();
        long[] x = ((TensorInfo) info.get("x").getInfo()).getShape();
        if (x.length != 3 || x[2] <= 0) {
            throw new AsrException(files.encoder() + ": input x has shape " + Arrays.toString(x)
                    + ", expected [N, T, feature bins]");
        }
        for (Zipformer2Contract.StateSpec spec : contract.states()) {
            TensorInfo t = (TensorInfo) info.get(spec.name()).getInfo();
            long[] shape = t.getShape();
            boolean fits = shape.length == spec.shape().length;
            for (int i = 0; fits && i < shape.length; i++) {
                fits = shape[i] < 0 || (i == spec.batchAxis() ? shape[i] >= 1 : shape[i] == spec.shape()[i]);
            }
            OnnxJavaType type = spec.int64() ? OnnxJavaType.INT64 : OnnxJavaType.FLOAT;
            if (!fits || t.type != type) {
                throw new AsrException(files.encoder() + ": state " + spec.name() + " is " + t.type + " "
                        + Arrays.toString(shape) + ", the metadata gives " + type + " " + Arrays.toString(spec.shape())
                        + " (batch axis " + spec.batchAxis() + "): states in another order or from another export");
            }
        }
        return (int) x[2];
    }

    private void checkEncoderOutputs() throws OrtException {
        List<String> expected = new ArrayList<>();
        expected.add("encoder_out");
        contract.states().forEach(s -> expected.add("new_" + s.name()));
        List<String> names = new ArrayList<>(encoder.getOutputNames());
        if (names.size() != expected.size()) {
            throw new AsrException(files.encoder() + " has " + names.size() + " outputs, expected "
                    + expected.size() + ": encoder_out, then new_<state> for each state input in order");
        }
        requireNames(files.encoder(), "outputs", names, expected);
    }

    private static void requireNames(Path file, String what, List<String> names, List<String> expected) {
        for (int i = 0; i < expected.size(); i++) {
            if (i >= names.size() || !names.get(i).equals(expected.get(i))) {
                throw new AsrException(file + ": " + what + " " + names + ": expected " + expected.get(i) + " at "
                        + "position " + i + " (" + what + " in order: " + expected + ")");
            }
        }
    }

    private static int intMeta(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new AsrException(file + ": metadata key '" + key + "' missing: the zipformer2 transducer layout "
                    + "needs it (written by icefall's export-onnx-streaming.py)");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new AsrException(file + ": metadata " + key + "='" + v + "': expected an integer", e);
        }
    }

    public TransducerFiles files() {
        return files;
    }

    public Zipformer2Contract contract() {
        return contract;
    }

    /** Every metadata property of the encoder. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public int featureDim() {
        return featureDim;
    }

    public int contextSize() {
        return contextSize;
    }

    /** Tokens the joiner scores, blank (id 0) included. */
    public int vocabSize() {
        return vocabSize;
    }

    public int joinerDim() {
        return joinerDim;
    }

    /** Encoder frames one call gives. */
    public int outputFrames() {
        return outputFrames;
    }

    /** Feature frames per encoder frame. */
    public int subsampling() {
        return contract.decodeChunkLen() / outputFrames;
    }

    public String provider() {
        return provider;
    }

    /** A fresh stream's encoder states: zeros. */
    public TransducerState newState() {
        return new TransducerState(contract.states());
    }

    /**
     * Encodes {@code T} feature frames of one stream and replaces its states.
     *
     * @return [outputFrames][joinerDim]
     */
    public float[][] encode(float[][] features, TransducerState state) {
        return encode(List.<float[][]>of(features), List.of(state))[0];
    }

    /**
     * Encodes {@code T} feature frames of each of a batch of streams in one call (their states stacked on each
     * state's batch axis, as sherpa-onnx stacks them) and replaces their states.
     *
     * @return [stream][outputFrames][joinerDim]
     */
    public float[][][] encode(List<float[][]> features, List<TransducerState> states) {
        runLock.readLock().lock();
        try {
            ensureOpen();
            return run(features, states);
        } finally {
            runLock.readLock().unlock();
        }
    }

    private float[][][] run(List<float[][]> features, List<TransducerState> states) {
        int n = features.size();
        if (states.size() != n || n == 0) {
            throw new IllegalArgumentException(states.size() + " states for a batch of " + n);
        }
        FloatBuffer x = FloatBuffer.allocate(n * contract.t() * featureDim);
        for (float[][] entry : features) {
            if (entry.length != contract.t()) {
                throw new IllegalArgumentException(entry.length + " frames for an encoder call of T=" + contract.t());
            }
            for (float[] row : entry) {
                x.put(row);
            }
        }
        x.flip();
        List<OnnxTensor> inputs = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feed = new HashMap<>();
            OnnxTensor xt = OnnxTensor.createTensor(env, x, new long[] {n, contract.t(), featureDim});
            inputs.add(xt);
            feed.put("x", xt);
            List<Zipformer2Contract.StateSpec> specs = contract.states();
            for (int i = 0; i < specs.size(); i++) {
                OnnxTensor t = stacked(specs.get(i), i, states);
                inputs.add(t);
                feed.put(specs.get(i).name(), t);
            }
            try (OrtSession.Result result = encoder.run(feed)) {
                OnnxTensor out = (OnnxTensor) result.get("encoder_out").orElseThrow();
                long[] shape = out.getInfo().getShape();
                FloatBuffer values = out.getFloatBuffer();
                float[][][] encoded = new float[n][(int) shape[1]][(int) shape[2]];
                for (float[][] entry : encoded) {
                    for (float[] frame : entry) {
                        values.get(frame);
                    }
                }
                for (int i = 0; i < specs.size(); i++) {
                    unstack(specs.get(i), i, (OnnxTensor) result.get("new_" + specs.get(i).name()).orElseThrow(),
                            states);
                }
                return encoded;
            }
        } catch (OrtException e) {
            throw new AsrException("transducer encoder " + files.encoder() + " failed: " + e.getMessage(), e);
        } finally {
            inputs.forEach(OnnxTensor::close);
        }
    }

    /** Values before and after a state's batch axis: a stream's state is [outer][1][inner]. */
    private static int[] split(Zipformer2Contract.StateSpec spec) {
        int outer = 1;
        for (int d = 0; d < spec.batchAxis(); d++) {
            outer *= (int) spec.shape()[d];
        }
        return new int[] {outer, spec.size() / outer};
    }

    private OnnxTensor stacked(Zipformer2Contract.StateSpec spec, int index, List<TransducerState> states)
            throws OrtException {
        int n = states.size();
        long[] shape = spec.shape().clone();
        shape[spec.batchAxis()] = n;
        int[] split = split(spec);
        if (spec.int64()) {
            LongBuffer all = LongBuffer.allocate(n * spec.size());
            for (int o = 0; o < split[0]; o++) {
                for (TransducerState s : states) {
                    all.put(s.longs[index], o * split[1], split[1]);
                }
            }
            return OnnxTensor.createTensor(env, all.flip(), shape);
        }
        FloatBuffer all = FloatBuffer.allocate(n * spec.size());
        for (int o = 0; o < split[0]; o++) {
            for (TransducerState s : states) {
                all.put(s.floats[index], o * split[1], split[1]);
            }
        }
        return OnnxTensor.createTensor(env, all.flip(), shape);
    }

    private static void unstack(Zipformer2Contract.StateSpec spec, int index, OnnxTensor next,
            List<TransducerState> states) throws OrtException {
        int[] split = split(spec);
        if (spec.int64()) {
            LongBuffer all = next.getLongBuffer();
            for (int o = 0; o < split[0]; o++) {
                for (TransducerState s : states) {
                    all.get(s.longs[index], o * split[1], split[1]);
                }
            }
        } else {
            FloatBuffer all = next.getFloatBuffer();
            for (int o = 0; o < split[0]; o++) {
                for (TransducerState s : states) {
                    all.get(s.floats[index], o * split[1], split[1]);
                }
            }
        }
    }

    /** The decoder's output for a context of {@code context_size} token ids (-1 pads the start). */
    public float[] decoderOut(long[] context) {
        return decoderOut(new long[][] {context})[0];
    }

    /** The decoder's outputs for a batch of contexts. */
    public float[][] decoderOut(long[][] contexts) {
        long[] flat = new long[contexts.length * contextSize];
        for (int i = 0; i < contexts.length; i++) {
            System.arraycopy(contexts[i], 0, flat, i * contextSize, contextSize);
        }
        runLock.readLock().lock();
        try {
            ensureOpen();
            try (OnnxTensor y = OnnxTensor.createTensor(env, LongBuffer.wrap(flat),
                            new long[] {contexts.length, contextSize});
                    OrtSession.Result result = decoder.run(Map.of("y", y))) {
                return rows(result, contexts.length);
            }
        } catch (OrtException e) {
            throw new AsrException("transducer decoder " + files.decoder() + " failed: " + e.getMessage(), e);
        } finally {
            runLock.readLock().unlock();
        }
    }

    /** The joiner's logits (vocabSize) for one encoder frame against a decoder output. */
    public float[] logits(float[] encoderFrame, float[] decoderOut) {
        return logits(new float[][] {encoderFrame}, new float[][] {decoderOut})[0];
    }

    /** The joiner's logits for a batch of (encoder frame, decoder output) pairs. */
    public float[][] logits(float[][] encoderFrames, float[][] decoderOuts) {
        int n = encoderFrames.length;
        FloatBuffer e = FloatBuffer.allocate(n * joinerDim);
        FloatBuffer d = FloatBuffer.allocate(n * joinerDim);
        for (int i = 0; i < n; i++) {
            e.put(encoderFrames[i]);
            d.put(decoderOuts[i]);
        }
        e.flip();
        d.flip();
        runLock.readLock().lock();
        try {
            ensureOpen();
            try (OnnxTensor et = OnnxTensor.createTensor(env, e, new long[] {n, joinerDim});
                    OnnxTensor dt = OnnxTensor.createTensor(env, d, new long[] {n, joinerDim});
                    OrtSession.Result result = joiner.run(Map.of("encoder_out", et, "decoder_out", dt))) {
                return rows(result, n);
            }
        } catch (OrtException ex) {
            throw new AsrException("transducer joiner " + files.joiner() + " failed: " + ex.getMessage(), ex);
        } finally {
            runLock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ModelClosedException("transducer " + files.encoder() + " is closed");
        }
    }

    private static float[][] rows(OrtSession.Result result, int n) {
        FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float[][] rows = new float[n][values.remaining() / n];
        for (float[] row : rows) {
            values.get(row);
        }
        return rows;
    }

    @Override
    public void close() {
        runLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            List<OrtException> failures = new ArrayList<>();
            for (OrtSession s : List.of(encoder, decoder, joiner)) {
                try {
                    s.close();
                } catch (OrtException e) {
                    failures.add(e);
                }
            }
            if (!failures.isEmpty()) {
                throw new AsrException("cannot close the transducer's ONNX sessions in "
                        + files.encoder().getParent(), failures.get(0));
            }
        } finally {
            runLock.writeLock().unlock();
        }
    }
}
