package org.codaasr.model.onnx;

/**
 * How an ONNX session is created.
 *
 * @param intraOpThreads threads inside one operator (0 lets ONNX Runtime decide)
 * @param interOpThreads threads across independent operators (0 lets ONNX Runtime decide)
 * @param provider execution provider choice
 * @param cudaDevice GPU index used when the CUDA provider is chosen
 */
public record OnnxConfig(int intraOpThreads, int interOpThreads, ExecutionProvider provider, int cudaDevice) {

    public OnnxConfig {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException(
                    "thread counts must be >= 0 (0 = ONNX Runtime default), got intra=" + intraOpThreads
                            + " inter=" + interOpThreads);
        }
        if (provider == null) {
            throw new IllegalArgumentException("provider must not be null; use AUTO, CPU or CUDA");
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("cudaDevice must be >= 0, got " + cudaDevice);
        }
    }

    /** One intra-op thread, sequential execution, AUTO provider: the cheapest per-stream setting. */
    public static OnnxConfig defaults() {
        return new OnnxConfig(1, 1, ExecutionProvider.AUTO, 0);
    }

    public OnnxConfig withThreads(int intraOp) {
        return new OnnxConfig(intraOp, interOpThreads, provider, cudaDevice);
    }

    public OnnxConfig withProvider(ExecutionProvider newProvider) {
        return new OnnxConfig(intraOpThreads, interOpThreads, newProvider, cudaDevice);
    }
}
