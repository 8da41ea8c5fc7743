package org.codaasr.eval.peer;

import java.util.List;

/**
 * sherpa-onnx's result for one file: its tokens as its symbol table prints them (a leading U+2581 as a space), each
 * token's start in seconds (output frame x frame shift x subsampling, printed with two decimals), its text, and the
 * wall time of its decoding.
 */
public record PeerResult(String file, List<String> tokens, double[] timestamps, String text, double seconds,
                         double audioSeconds) {

    public PeerResult {
        tokens = List.copyOf(tokens);
        timestamps = timestamps.clone();
    }

    @Override
    public double[] timestamps() {
        return timestamps.clone();
    }
}
