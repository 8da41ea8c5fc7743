package org.codaasr.eval.peer;

import java.nio.file.Path;
import java.util.List;

/**
 * What sherpa-onnx decodes: a model file in one of its layouts, its token list, the WAV files, ONNX Runtime threads,
 * and how many passes over the files (the last one is reported; earlier ones warm up).
 */
public record PeerRequest(Layout layout, Path model, Path tokens, List<Path> files, int threads, int repeats) {

    /** sherpa-onnx's recognizer and model config for each layout. */
    public enum Layout {
        WENET_CTC("wenet_ctc"),
        NEMO_CTC("nemo_ctc"),
        NEMO_CTC_ONLINE("nemo_ctc_online");

        private final String key;

        Layout(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public PeerRequest {
        if (layout == null || model == null || tokens == null || files == null || files.isEmpty()) {
            throw new IllegalArgumentException("a layout, a model, a token list and at least one file are needed");
        }
        if (threads < 1 || repeats < 1) {
            throw new IllegalArgumentException("threads and repeats must be >= 1, got " + threads + ", " + repeats);
        }
        files = List.copyOf(files);
    }

    public static PeerRequest of(Layout layout, Path model, Path tokens, List<Path> files) {
        return new PeerRequest(layout, model, tokens, files, 1, 1);
    }
}
