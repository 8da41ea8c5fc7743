package org.codaasr.model.transducer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.codaasr.model.AsrException;

/**
 * What a streaming zipformer2 encoder's metadata says (icefall's {@code export-onnx-streaming.py}, read by
 * sherpa-onnx's {@code online-zipformer2-transducer-model.cc}): {@code T} feature frames per call, advancing by
 * {@code decode_chunk_len}, and per layer (numbered across the stacks of {@code num_encoder_layers}) six states, then
 * {@code embed_states} and {@code processed_lens}, with the shapes the comma lists give.
 *
 * @param t feature frames per encoder call
 * @param decodeChunkLen feature frames a call advances by
 * @param states the state inputs in order, shapes for a batch of one
 */
public record Zipformer2Contract(int t, int decodeChunkLen, List<StateSpec> states) {

    /** The metadata keys this layout needs. */
    public static final List<String> REQUIRED_KEYS = List.of("T", "decode_chunk_len", "num_encoder_layers",
            "encoder_dims", "query_head_dims", "value_head_dims", "num_heads", "cnn_module_kernels",
            "left_context_len");

    /** sherpa-onnx's order of one layer's states. */
    public static final List<String> LAYER_STATES = List.of("cached_key", "cached_nonlin_attn", "cached_val1",
            "cached_val2", "cached_conv1", "cached_conv2");

    /**
     * One state input.
     *
     * @param name the input's name ({@code new_} + it names the output)
     * @param shape for a batch of one
     * @param batchAxis the axis sherpa-onnx stacks streams on
     * @param int64 true for {@code processed_lens}
     */
    public record StateSpec(String name, long[] shape, int batchAxis, boolean int64) {

        /** Values in the state of one stream. */
        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }

    public Zipformer2Contract {
        states = List.copyOf(states);
    }

    /**
     * Reads the contract from the encoder's metadata.
     *
     * @throws AsrException naming the file and the key that is missing or malformed
     */
    public static Zipformer2Contract of(Path encoder, Map<String, String> meta) {
        for (String key : REQUIRED_KEYS) {
            if (!meta.containsKey(key)) {
                throw new AsrException(encoder + ": metadata key '" + key + "' missing: the zipformer2 streaming "
                        + "transducer layout needs " + String.join(", ", REQUIRED_KEYS)
                        + " (written by icefall's export-onnx-streaming.py)");
            }
        }
        int t = integer(encoder, meta, "T");
        int chunk = integer(encoder, meta, "decode_chunk_len");
        int[] layers = list(encoder, meta, "num_encoder_layers");
        int stacks = layers.length;
        int[] dims = list(encoder, meta, "encoder_dims", stacks);
        int[] queryHeadDims = list(encoder, meta, "query_head_dims", stacks);
        int[] valueHeadDims = list(encoder, meta, "value_head_dims", stacks);
        int[] heads = list(encoder, meta, "num_heads", stacks);
        int[] kernels = list(encoder, meta, "cnn_module_kernels", stacks);
        int[] left = list(encoder, meta, "left_context_len", stacks);
        if (chunk <= 0 || t < chunk) {
            throw new AsrException(encoder + ": metadata T=" + t + " and decode_chunk_len=" + chunk
                    + ": expected 0 < decode_chunk_len <= T");
        }
        List<StateSpec> states = new ArrayList<>();
        int layer = 0;
        for (int s = 0; s < stacks; s++) {
            for (int i = 0; i < layers[s]; i++, layer++) {
                states.add(new StateSpec("cached_key_" + layer, new long[] {left[s], 1, queryHeadDims[s] * heads[s]},
                        1, false));
                states.add(new StateSpec("cached_nonlin_attn_" + layer, new long[] {1, 1, left[s], 3L * dims[s] / 4},
                        1, false));
                states.add(new StateSpec("cached_val1_" + layer, new long[] {left[s], 1, valueHeadDims[s] * heads[s]},
                        1, false));
                states.add(new StateSpec("cached_val2_" + layer, new long[] {left[s], 1, valueHeadDims[s] * heads[s]},
                        1, false));
                states.add(new StateSpec("cached_conv1_" + layer, new long[] {1, dims[s], kernels[s] / 2}, 0, false));
                states.add(new StateSpec("cached_conv2_" + layer, new long[] {1, dims[s], kernels[s] / 2}, 0, false));
            }
        }
        states.add(new StateSpec("embed_states", new long[] {1, 128, 3, 19}, 0, false));
        states.add(new StateSpec("processed_lens", new long[] {1}, 0, true));
        return new Zipformer2Contract(t, chunk, states);
    }

    /** The encoder's input names in order: {@code x}, then the states. */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        names.add("x");
        states.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Layers across all stacks. */
    public int layers() {
        return (states.size() - 2) / LAYER_STATES.size();
    }

    private static int integer(Path encoder, Map<String, String> meta, String key) {
        try {
            return Integer.parseInt(meta.get(key).trim());
        } catch (NumberFormatException e) {
            throw new AsrException(encoder + ": metadata " + key + "='" + meta.get(key) + "': expected an integer", e);
        }
    }

    private static int[] list(Path encoder, Map<String, String> meta, String key) {
        String[] parts = meta.get(key).split(",");
        int[] values = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                values[i] = Integer.parseInt(parts[i].trim());
                if (values[i] < 0) {
                    throw new NumberFormatException("negative");
                }
            }
        } catch (NumberFormatException e) {
            throw new AsrException(encoder + ": metadata " + key + "='" + meta.get(key)
                    + "': expected comma-separated non-negative integers", e);
        }
        return values;
    }

    private static int[] list(Path encoder, Map<String, String> meta, String key, int stacks) {
        int[] values = list(encoder, meta, key);
        if (values.length != stacks) {
            throw new AsrException(encoder + ": metadata " + key + "='" + meta.get(key) + "' has " + values.length
                    + " entries: expected one per stack, " + stacks + " as num_encoder_layers has");
        }
        return values;
    }
}
