package org.codaasr.model.onnx;

/**
 * Which ONNX contract a model follows; read from the files, the graph and its metadata, never from an option.
 */
public enum ModelLayout {
    /**
     * This project's export: features {@code float[N, T, 80]} (Kaldi fbank) + lengths in, log-probabilities
     * {@code float[N, T', V]} + output lengths out, streaming facts and the CoDA variant in the metadata.
     */
    CODA_ASR,
    /**
     * NeMo's EncDecCTC models as sherpa-onnx exports them: {@code audio_signal float[N, 80, T]} (NeMo's mel front end,
     * features channel-first) + {@code length} in, log-probabilities {@code float[N, T', V]} out with the blank last;
     * output lengths are the input lengths over {@code subsampling_factor}; metadata {@code vocab_size},
     * {@code subsampling_factor}, {@code normalize_type}. Whole utterances only: the per-feature normalisation needs
     * all of the audio.
     */
    NEMO_CTC,
    /**
     * WeNet's CTC branch as sherpa-onnx's {@code scripts/wenet/export-onnx.py} exports it (metadata
     * {@code model_type=wenet_ctc}): {@code x float[N, T, 80]} + {@code x_lens} in, {@code log_probs} +
     * {@code log_probs_lens} out (int64, as the export's integer sum gives it; int32 is read too), blank {@code <blank>} first. Its features are the Kaldi fbank this project
     * computes (WeNet's global CMVN is inside the graph).
     */
    WENET_CTC,
    /**
     * sherpa-onnx's streaming transducer as icefall's {@code export-onnx-streaming.py} exports a zipformer2
     * ({@code encoder*.onnx} with metadata {@code model_type=zipformer2} and its states, {@code decoder*.onnx},
     * {@code joiner*.onnx}, {@code tokens.txt} with the blank first): see
     * {@code org.codaasr.model.transducer.OnnxTransducer}.
     */
    ZIPFORMER2_TRANSDUCER
}
