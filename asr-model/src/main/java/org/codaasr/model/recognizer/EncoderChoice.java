package org.codaasr.model.recognizer;

/**
 * Which encoder graph live streams of the dense backbone run.
 *
 * <ul>
 *   <li>{@link #FP32}: the float cache-based streaming encoder ({@code model.streaming.onnx}), else windowed: the
 *       default;</li>
 *   <li>{@link #INT8}: the cache-based streaming encoder with int8 MatMuls ({@code model.streaming.int8.onnx}),
 *       else the float one, else windowed: the same dev WER, about twice as fast on CPU, but its activations are
 *       quantized per tensor over the whole batch, so a stream's log-probabilities depend slightly on which other
 *       streams share its encoder call (a restarted stream need not reproduce its text exactly);</li>
 *   <li>{@link #WINDOWED}: the whole-utterance graph on windows of left context plus one chunk, re-encoding the
 *       context with every chunk (what CoDA variants and other left contexts always use).</li>
 * </ul>
 */
public enum EncoderChoice {
    FP32,
    INT8,
    WINDOWED
}
