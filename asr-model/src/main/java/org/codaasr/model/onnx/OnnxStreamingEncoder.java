package org.codaasr.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.codaasr.model.AsrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache-based streaming encoder of a model folder ({@value #FILE_NAME}, written by the recipe's
 * {@code export_streaming.py}): each call encodes one chunk of new frames per stream and carries the left context
 * as an {@link EncoderCache}, instead of re-encoding the context with every chunk. Its outputs equal the
 * chunk-masked forward the model was trained with. Thread-safe; one instance serves every stream of a JVM.
 *
 * <p>Inputs {@code features} [B, T, 80], {@code cache_len} int64 [B], {@code att_cache} [B, layers, 2, cache, d],
 * {@code conv_cache} [B, layers, d, kernel-1] (a CoDA variant's graph, {@link #fileName}: {@code att_cache}
 * [B, 2, slots, d], routed inside each chunk, see {@link StreamingShape#attentionSlots()}); outputs {@code log_probs} [B, chunk, vocab], {@code new_att_cache},
 * {@code new_conv_cache}. The cache tensors are built in per-thread direct buffers and the outputs written into
 * pinned ones, so a call allocates no cache-sized arrays.
 */
public final class OnnxStreamingEncoder implements AutoCloseable {

    public static final String FILE_NAME = "model.streaming.onnx";
    /** The same graph with int8 MatMuls (dynamic quantization), written by {@code export_streaming.py --int8}. */
    public static final String INT8_FILE_NAME = "model.streaming.int8.onnx";
    /** A CoDA variant's streaming graph: {@code model.streaming.adapter.onnx}, {@code model.streaming.coda-r4.onnx}. */
    public static String fileName(CodaVariant variant) {
        return variant == CodaVariant.DENSE ? FILE_NAME
                : "model.streaming." + variant.fileStem().substring("model.".length()) + ".onnx";
    }
    private static final Logger LOG = LoggerFactory.getLogger(OnnxStreamingEncoder.class);

    private final Path path;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final StreamingShape shape;
    private final String version;
    private final String backboneVersion;
    private final Map<String, String> metadata;
    private final String provider;
    private final CodaVariant variant;
    private final int subsampling;
    private final ReentrantReadWriteLock runLock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private OnnxStreamingEncoder(Path path, OrtEnvironment env, OrtSession session, String provider)
            throws OrtException {
        this.path = path;
        this.env = env;
        this.session = session;
        this.provider = provider;
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        this.metadata = Map.copyOf(meta);
        for (String name : List.of("features", "cache_len", "att_cache", "conv_cache")) {
            if (!session.getInputNames().contains(name)) {
                throw new AsrException(path + " is not a streaming encoder: it has no input " + name + " (inputs "
                        + session.getInputNames() + ")");
            }
        }
        this.shape = new StreamingShape(intMeta(meta, "layers"), intMeta(meta, "d_model"),
                intMeta(meta, "streaming_cache_frames"), intMeta(meta, "causal_conv_kernel") - 1,
                intMeta(meta, "streaming_chunk_output_frames"), intMeta(meta, "vocab_size"),
                meta.containsKey("streaming_att_slots") ? intMeta(meta, "streaming_att_slots") : 0);
        this.subsampling = intMeta(meta, "subsampling_factor");
        this.version = meta.getOrDefault("version", "");
        this.backboneVersion = meta.getOrDefault("backbone_version", version);
        try {
            this.variant = meta.containsKey("coda_r") ? CodaVariant.of(intMeta(meta, "coda_r")) : CodaVariant.DENSE;
        } catch (IllegalArgumentException e) {
            throw new AsrException(path + ": metadata coda_r: " + e.getMessage(), e);
        }
    }

    private int intMeta(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new AsrException(path + ": metadata " + key + " missing; re-export with export_streaming.py");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new AsrException(path + ": metadata " + key + " must be an integer, got '" + v + "'", e);
        }
    }

    public static OnnxStreamingEncoder load(Path file, OnnxConfig config) {
        if (!Files.isRegularFile(file)) {
            throw new AsrException("streaming encoder not found: expected an ONNX file at " + file.toAbsolutePath());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            OrtSessions.Opened opened = OrtSessions.open(env, file, config);
            try {
                OnnxStreamingEncoder encoder = new OnnxStreamingEncoder(file, env, opened.session(), opened.provider());
                LOG.info("loaded streaming encoder {} ({} layers, cache {} frames, chunk {}) on {}", file,
                        encoder.shape.layers(), encoder.shape.cacheFrames(), encoder.shape.chunkFrames(),
                        opened.provider());
                return encoder;
            } catch (OrtException | RuntimeException e) {
                opened.session().close();
                throw e;
            }
        } catch (OrtException e) {
            throw new AsrException("cannot load streaming encoder " + file + ": " + e.getMessage(), e);
        }
    }

    public StreamingShape shape() {
        return shape;
    }

    /** The export's version: its dense model's for the dense encoder, its CoDA graph's for a CoDA variant. */
    public String version() {
        return version;
    }

    /** The version of the dense backbone it was exported from (metadata {@code backbone_version}, else version). */
    public String backboneVersion() {
        return backboneVersion;
    }

    /** The variant it runs (metadata {@code coda_r}; the dense backbone without it). */
    public CodaVariant variant() {
        return variant;
    }

    /** The graph's metadata_props. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The execution provider the session runs on ({@code CPU}, {@code CUDA:0}). */
    public String provider() {
        return provider;
    }

    public int subsamplingFactor() {
        return subsampling;
    }

    public Path path() {
        return path;
    }

    /**
     * True for the int8 graph: its activations are quantized per tensor, over every stream of a call, so a stream's
     * output depends on the others in its batch. Callers that need reproducible streams encode it one stream per call.
     */
    public boolean isBatchDependent() {
        return INT8_FILE_NAME.equals(String.valueOf(path.getFileName()));
    }

    /** A cache for a new stream. */
    public EncoderCache newCache() {
        return new EncoderCache(shape);
    }

    /**
     * Encodes one chunk per stream and advances each stream's cache.
     *
     * @param features [batch][frames][80], every entry the same number of frames
     * @param caches one per entry, of this encoder's shape
     * @return [batch][outputFrames][vocab] log-probabilities
     */
    public float[][][] encode(float[][][] features, List<EncoderCache> caches) {
        runLock.readLock().lock();
        try {
            if (closed) {
                throw new ModelClosedException("streaming encoder " + path + " is closed");
            }
            return run(features, caches);
        } finally {
            runLock.readLock().unlock();
        }
    }

    private float[][][] run(float[][][] features, List<EncoderCache> caches) {
        int batch = features.length;
        if (caches.size() != batch || batch == 0) {
            throw new IllegalArgumentException(caches.size() + " caches for a batch of " + batch);
        }
        int frames = features[0].length;
        int dim = frames == 0 ? 0 : features[0][0].length;
        int outFrames = ((frames - 1) / 2 - 1) / 2;
        if (subsampling == 8) {
            outFrames = (outFrames - 1) / 2;
        }
        if (outFrames < 1) {
            throw new IllegalArgumentException(frames + " feature frames give no output frame");
        }
        Scratch s = scratch.get();
        int att = shape.attentionSize();
        int conv = shape.convolutionSize();
        FloatBuffer feats = s.features(batch * frames * dim);
        FloatBuffer attIn = s.attIn(batch * att);
        FloatBuffer convIn = s.convIn(batch * conv);
        long[] lens = new long[batch];
        for (int b = 0; b < batch; b++) {
            if (features[b].length != frames) {
                throw new IllegalArgumentException("streaming batch entries must have equal frames: " + frames
                        + " and " + features[b].length);
            }
            for (float[] row : features[b]) {
                feats.put(row);
            }
            EncoderCache c = caches.get(b);
            if (!c.shape().equals(shape)) {
                throw new IllegalArgumentException("cache of shape " + c.shape() + " for an encoder of " + shape);
            }
            attIn.put(c.attention);
            convIn.put(c.convolution);
            lens[b] = c.frames();
        }
        feats.flip();
        attIn.flip();
        convIn.flip();
        FloatBuffer lpOut = s.logProbs(batch * outFrames * shape.vocab());
        FloatBuffer attOut = s.attOut(batch * att);
        FloatBuffer convOut = s.convOut(batch * conv);
        long[] attShape = shape.attentionDims(batch);
        long[] convShape = {batch, shape.layers(), shape.dModel(), shape.convFrames()};
        try (OnnxTensor x = OnnxTensor.createTensor(env, feats, new long[] {batch, frames, dim});
                OnnxTensor len = OnnxTensor.createTensor(env, LongBuffer.wrap(lens), new long[] {batch});
                OnnxTensor ai = OnnxTensor.createTensor(env, attIn, attShape);
                OnnxTensor ci = OnnxTensor.createTensor(env, convIn, convShape);
                OnnxTensor lp = OnnxTensor.createTensor(env, lpOut, new long[] {batch, outFrames, shape.vocab()});
                OnnxTensor ao = OnnxTensor.createTensor(env, attOut, attShape);
                OnnxTensor co = OnnxTensor.createTensor(env, convOut, convShape);
                OrtSession.Result ignored = session.run(
                        Map.of("features", x, "cache_len", len, "att_cache", ai, "conv_cache", ci),
                        Map.of("log_probs", lp, "new_att_cache", ao, "new_conv_cache", co))) {
            float[][][] out = new float[batch][outFrames][shape.vocab()];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < outFrames; t++) {
                    lpOut.get((b * outFrames + t) * shape.vocab(), out[b][t]);
                }
                EncoderCache c = caches.get(b);
                attOut.get(b * att, c.attention);
                convOut.get(b * conv, c.convolution);
                c.advance(outFrames);
            }
            return out;
        } catch (OrtException e) {
            throw new AsrException("streaming encoder " + path + " failed: " + e.getMessage(), e);
        }
    }

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

    /** Per-thread direct buffers, grown as needed: ONNX Runtime reads and writes them without copies. */
    private static final class Scratch {
        private final FloatBuffer[] buffers = new FloatBuffer[6];

        private FloatBuffer get(int slot, int floats) {
            FloatBuffer b = buffers[slot];
            if (b == null || b.capacity() < floats) {
                b = ByteBuffer.allocateDirect(Math.max(floats, 1) * Float.BYTES).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                buffers[slot] = b;
            }
            b.clear();
            b.limit(floats);
            return b;
        }

        FloatBuffer features(int n) {
            return get(0, n);
        }

        FloatBuffer attIn(int n) {
            return get(1, n);
        }

        FloatBuffer convIn(int n) {
            return get(2, n);
        }

        FloatBuffer logProbs(int n) {
            return get(3, n);
        }

        FloatBuffer attOut(int n) {
            return get(4, n);
        }

        FloatBuffer convOut(int n) {
            return get(5, n);
        }
    }
}
