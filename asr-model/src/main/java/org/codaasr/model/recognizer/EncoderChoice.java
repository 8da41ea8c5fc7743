package org.codaasr.model.recognizer;

/**
 * Which encoder graph live streams of the dense backbone run.
 *
 * <ul>
 *   <li>{@link #INT8}: the cache-based streaming encoder with int8 MatMuls ({@code model.streaming.int8.onnx}),
 *       else the float one, else windowed: the default (same dev WER as float, about twice as fast on CPU);</li>
 *   <li>{@link #FP32}: the float cache-based streaming encoder ({@code model.streaming.onnx}), else windowed;</li>
 *   <li>{@link #WINDOWED}: the whole-utterance graph on windows of left context plus one chunk, re-encoding the
 *       context with every chunk (what CoDA variants and other left contexts always use).</li>
 * </ul>
 */
public enum EncoderChoice {
    INT8,
    FP32,
    WINDOWED
}
