package org.codaasr.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.codaasr.model.AsrException;

/**
 * NeMo's cache-aware streaming CTC model as sherpa-onnx's {@code export-onnx-ctc.py} exports it: each call takes
 * {@code window_size} feature frames channel-first ({@code audio_signal [N, dim, window]}, {@code length}) and the
 * three caches ({@code cache_last_channel [N, d1, d2, d3]}, {@code cache_last_time [N, t1, t2, t3]},
 * {@code cache_last_channel_len int64 [N]}, all zeros at the start), and gives the chunk's log-probabilities
 * ({@code [N, T', vocab_size + 1]}, blank {@code <blk>} last), the output lengths, and the next caches in the same
 * order; the caller advances by {@code chunk_shift} frames. The window, shift and cache shapes come from the
 * metadata. One stream per call; thread-safe (ONNX Runtime sessions are).
 */
public final class NemoStreamingCtcModel implements AutoCloseable {

    static final List<String> INPUTS = List.of("audio_signal", "length", "cache_last_channel", "cache_last_time",
            "cache_last_channel_len");
    static final List<String> METADATA = List.of("window_size", "chunk_shift", "vocab_size",
            "cache_last_channel_dim1", "cache_last_channel_dim2", "cache_last_channel_dim3", "cache_last_time_dim1",
            "cache_last_time_dim2", "cache_last_time_dim3");

    private final Path path;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int windowSize;
    private final int chunkShift;
    private final int vocabSize;
    private final long[] channelShape;
    private final long[] timeShape;

    /** The caches between calls: zeros at the start of a stream (and, as sherpa-onnx does, after an endpoint). */
    public record State(float[] cacheLastChannel, float[] cacheLastTime, long cacheLastChannelLen) {
    }

    /** One call's output: log-probabilities [frames][vocab] and the caches for the next call. */
    public record Chunk(float[][] logProbs, State next) {
    }

    private NemoStreamingCtcModel(Path path, OrtEnvironment env, OrtSession session) throws OrtException {
        this.path = path;
        this.env = env;
        this.session = session;
        List<String> inputs = List.copyOf(session.getInputNames());
        if (!inputs.equals(INPUTS)) {
            throw new AsrException(path + " is not a NeMo cache-aware streaming CTC model: expected the inputs "
                    + INPUTS + " in this order, got " + inputs);
        }
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        for (String key : METADATA) {
            if (!meta.containsKey(key)) {
                throw new AsrException(path + ": the NeMo streaming CTC layout needs the metadata key '" + key
                        + "', which the model lacks (it has " + meta.keySet() + ")");
            }
        }
        this.windowSize = Integer.parseInt(meta.get("window_size"));
        this.chunkShift = Integer.parseInt(meta.get("chunk_shift"));
        this.vocabSize = Integer.parseInt(meta.get("vocab_size")) + 1;
        this.channelShape = new long[] {1, Long.parseLong(meta.get("cache_last_channel_dim1")),
            Long.parseLong(meta.get("cache_last_channel_dim2")), Long.parseLong(meta.get("cache_last_channel_dim3"))};
        this.timeShape = new long[] {1, Long.parseLong(meta.get("cache_last_time_dim1")),
            Long.parseLong(meta.get("cache_last_time_dim2")), Long.parseLong(meta.get("cache_last_time_dim3"))};
    }

    public static NemoStreamingCtcModel load(Path modelFile, OnnxConfig config) {
        if (!Files.isRegularFile(modelFile)) {
            throw new AsrException("streaming model not found: expected an ONNX file at " + modelFile.toAbsolutePath());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            OrtSession session = OrtSessions.open(env, modelFile, config).session();
            try {
                return new NemoStreamingCtcModel(modelFile, env, session);
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new AsrException("cannot load ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Feature frames per call (the chunk plus NeMo's pre-encode cache). */
    public int windowSize() {
        return windowSize;
    }

    /** Feature frames the stream advances after each call. */
    public int chunkShift() {
        return chunkShift;
    }

    /** Tokens including the blank. */
    public int vocabSize() {
        return vocabSize;
    }

    public State initialState() {
        return new State(new float[(int) (channelShape[1] * channelShape[2] * channelShape[3])],
                new float[(int) (timeShape[1] * timeShape[2] * timeShape[3])], 0);
    }

    /** Runs one window of {@code windowSize} frames [frames][dim]. */
    public Chunk run(float[][] window, State state) {
        if (window.length != windowSize) {
            throw new IllegalArgumentException("expected " + windowSize + " frames per call, got " + window.length);
        }
        int dim = window[0].length;
        FloatBuffer x = FloatBuffer.allocate(dim * windowSize);
        for (int t = 0; t < windowSize; t++) {
            for (int d = 0; d < dim; d++) {
                x.put(d * windowSize + t, window[t][d]);
            }
        }
        try (OnnxTensor audio = OnnxTensor.createTensor(env, x, new long[] {1, dim, windowSize});
                OnnxTensor length = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {windowSize}),
                        new long[] {1});
                OnnxTensor channel = OnnxTensor.createTensor(env, FloatBuffer.wrap(state.cacheLastChannel()),
                        channelShape);
                OnnxTensor time = OnnxTensor.createTensor(env, FloatBuffer.wrap(state.cacheLastTime()), timeShape);
                OnnxTensor channelLen = OnnxTensor.createTensor(env,
                        LongBuffer.wrap(new long[] {state.cacheLastChannelLen()}), new long[] {1});
                OrtSession.Result out = session.run(Map.of(INPUTS.get(0), audio, INPUTS.get(1), length,
                        INPUTS.get(2), channel, INPUTS.get(3), time, INPUTS.get(4), channelLen))) {
            float[][] logProbs = ((float[][][]) out.get(0).getValue())[0];
            if (logProbs.length > 0 && logProbs[0].length != vocabSize) {
                throw new AsrException(path + ": log-probabilities have " + logProbs[0].length + " tokens, the "
                        + "metadata says vocab_size + blank = " + vocabSize);
            }
            float[] nextChannel = copy((OnnxTensor) out.get(2));
            float[] nextTime = copy((OnnxTensor) out.get(3));
            long nextLen = ((OnnxTensor) out.get(4)).getLongBuffer().get(0);
            return new Chunk(logProbs, new State(nextChannel, nextTime, nextLen));
        } catch (OrtException e) {
            throw new AsrException("ONNX inference failed for " + path + ": " + e.getMessage(), e);
        }
    }

    private static float[] copy(OnnxTensor tensor) {
        FloatBuffer b = tensor.getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new AsrException("cannot close ONNX session for " + path, e);
        }
    }
}
