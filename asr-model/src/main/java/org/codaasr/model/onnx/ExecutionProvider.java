package org.codaasr.model.onnx;

/** Where ONNX Runtime executes the graph. {@link #AUTO} takes CUDA when the GPU build and a GPU are present. */
public enum ExecutionProvider {
    AUTO,
    CPU,
    CUDA
}
