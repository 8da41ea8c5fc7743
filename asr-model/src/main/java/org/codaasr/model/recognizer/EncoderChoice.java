package org.codaasr.model.recognizer;

/**
 * Which encoder graph live streams of the dense backbone run.
 *
 * <ul>
 *   <li>{@link #FP32}: the float cache-based streaming encoder ({@code model.streaming.onnx}), else windowed: the
 *       default;</li>
 *   <li>{@link #INT8}: the cache-based streaming encoder with int8 MatMuls ({@code model.streaming.int8.onnx}),
 *       else the float one, else windowed: the same dev WER and about twice as fast for one stream; its activations
 *       are quantized per tensor over a whole call, so it runs one stream per call (a batched stream's output would
 *       depend on its batch, and a restarted stream must reproduce its text), which costs its gain under load;</li>
 *   <li>{@link #WINDOWED}: the whole-utterance graph on windows of left context plus one chunk, re-encoding the
 *       context with every chunk (what CoDA variants and other left contexts always use).</li>
 * </ul>
 */
public enum EncoderChoice {
    FP32,
    INT8,
    WINDOWED
}
