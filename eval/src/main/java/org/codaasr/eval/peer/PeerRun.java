package org.codaasr.eval.peer;

/**
 * One configuration of {@code asr bench peer}: both decoders on the same files with the same model and front end.
 *
 * @param mode            "offline" (whole utterances) or "streaming"
 * @param threads         ONNX Runtime intra-op threads on both sides
 * @param thisRtf         this project's decoding seconds per audio second (features, model, greedy search)
 * @param peerRtf         sherpa-onnx's, measured the same way inside its Node process
 * @param wordsCompared   words of sherpa-onnx's transcripts
 * @param wordsDiffering  word errors of this project's transcripts against sherpa-onnx's
 * @param peerSelfDiffering word errors of sherpa-onnx's timed pass against its warm-up pass (not 0 where it dithers
 *                        its features, as for the WeNet layout)
 */
public record PeerRun(String mode, int threads, double thisRtf, double peerRtf, int wordsCompared,
                      int wordsDiffering, int peerSelfDiffering) {

    /** This project's RTF over sherpa-onnx's: under 1 is faster. */
    public double ratio() {
        return thisRtf / peerRtf;
    }

    public double differingShare() {
        return wordsCompared == 0 ? 0 : (double) wordsDiffering / wordsCompared;
    }
}
