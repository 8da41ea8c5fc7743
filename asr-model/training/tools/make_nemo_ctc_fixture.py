#!/usr/bin/env python3
"""Writes a tiny model in the NeMo CTC layout that sherpa-onnx documents, and the reference the Java side is
tested against (asr-model/src/test/resources/models/tiny-nemo-ctc/).

The layout (what sherpa-onnx's NeMo EncDecCTC export gives, and what it reads):
    model.onnx   inputs  audio_signal float [N, 80, T] (features channel-first), length int64 [N]
                 output  logprobs float [N, T', vocab] (log-softmax; blank is the last token)
                 metadata vocab_size, subsampling_factor, normalize_type (per_feature), model_type
    tokens.txt   "<piece> <id>" per line, SentencePiece pieces, <blk> last
The features are NeMo's AudioToMelSpectrogramPreprocessor at inference (dither off): pre-emphasis 0.97, a
symmetric 25 ms Hann window centred in a 512-point FFT every 10 ms (torch.stft, center=True, zero padding), power
spectrum, 80 Slaney-normalised Slaney-scale mel filters over 0-8 kHz, log(mel + 2^-24), then each mel bin
normalised over the utterance (mean, standard deviation with N-1, plus 1e-5).

A copy without the metadata goes to tiny-nemo-ctc-no-metadata/ for the error it must give.
The model itself is random (two stride-2 convolutions and a projection): the test is that Java computes the same
features, feeds them in the same layout, and gets the same log-probabilities and greedy tokens as PyTorch.

Run from the repository root with the Debian interpreter (torch, torchaudio, onnx):
    /usr/bin/python3 asr-model/training/tools/make_nemo_ctc_fixture.py
"""
import json
import math
import os
import wave

import numpy as np
import onnx
import torch
import torchaudio

OUT = "asr-model/src/test/resources/models/tiny-nemo-ctc"
RATE = 16000
WIN, HOP, NFFT, MELS = 400, 160, 512, 80
PREEMPH = 0.97
LOG_GUARD = 2.0 ** -24
STD_FLOOR = 1e-5
PIECES = ["<unk>", "\u2581THE", "\u2581A", "S", "ED", "\u2581SAID", "\u2581HE", "ING", "\u2581OF", "T", "\u2581TO",
          "\u2581AND", "E", "\u2581IN", "R"]
TOKENS = PIECES + ["<blk>"]


def test_signal():
    """1.6 s of tones, a glide and a burst of pseudo-noise, quantised to 16 bits as the WAV holds them."""
    t = np.arange(int(1.6 * RATE)) / RATE
    x = 0.30 * np.sin(2 * np.pi * 220 * t) * (t < 0.7)
    x += 0.25 * np.sin(2 * np.pi * (500 + 900 * t) * t) * (t >= 0.5)
    x += 0.05 * np.sin(2 * np.pi * 3100 * t)
    rng = np.random.default_rng(7)
    x += 0.08 * rng.standard_normal(t.size) * ((t > 1.1) & (t < 1.3))
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    return pcm


def nemo_features(samples):
    """[frames, 80] float64, computed with torch/torchaudio operations only."""
    x = torch.tensor(samples, dtype=torch.float64)
    x = torch.cat([x[:1], x[1:] - PREEMPH * x[:-1]])
    window = torch.hann_window(WIN, periodic=False, dtype=torch.float64)
    spec = torch.stft(x, n_fft=NFFT, hop_length=HOP, win_length=WIN, window=window, center=True,
                      pad_mode="constant", return_complex=True)
    power = spec.abs() ** 2                                   # [257, frames]
    banks = torchaudio.functional.melscale_fbanks(n_freqs=NFFT // 2 + 1, f_min=0.0, f_max=RATE / 2, n_mels=MELS,
                                                  sample_rate=RATE, norm="slaney", mel_scale="slaney")
    mel = power.T @ banks.to(torch.float64)                   # [frames, 80]
    log_mel = torch.log(mel + LOG_GUARD)
    mean = log_mel.mean(dim=0)
    std = torch.sqrt(((log_mel - mean) ** 2).sum(dim=0) / (log_mel.shape[0] - 1)) + STD_FLOOR
    return (log_mel - mean) / std


class TinyNemoCtc(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(MELS, 48, kernel_size=3, stride=2, padding=1)
        self.conv2 = torch.nn.Conv1d(48, 48, kernel_size=3, stride=2, padding=1)
        self.out = torch.nn.Linear(48, len(TOKENS))

    def forward(self, audio_signal, length):
        # frames past each entry's length are masked, as NeMo's encoders mask them (and the input stays in the graph)
        valid = torch.arange(audio_signal.shape[2]).unsqueeze(0) < length.unsqueeze(1)
        h = torch.relu(self.conv1(audio_signal * valid.unsqueeze(1).to(audio_signal.dtype)))
        h = torch.relu(self.conv2(h))
        logits = self.out(h.transpose(1, 2)) * 4.0
        return torch.log_softmax(logits, dim=-1)


def greedy(log_probs):
    ids, previous = [], -1
    for i in log_probs.argmax(dim=-1).tolist():
        if i != previous and i != len(TOKENS) - 1:
            ids.append(i)
        previous = i
    return ids


def text(ids):
    return "".join(TOKENS[i] for i in ids if not TOKENS[i].startswith("<")).replace("\u2581", " ").strip()


def main():
    os.makedirs(OUT, exist_ok=True)
    pcm = test_signal()
    with wave.open(os.path.join(OUT, "input.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    samples = pcm.astype(np.float64) / 32768.0

    features = nemo_features(samples)
    torch.manual_seed(11)
    model = TinyNemoCtc().eval()
    channel_first = features.T.unsqueeze(0).to(torch.float32)     # [1, 80, T]
    length = torch.tensor([features.shape[0]], dtype=torch.int64)
    with torch.no_grad():
        log_probs = model(channel_first, length)[0]

    path = os.path.join(OUT, "model.onnx")
    torch.onnx.export(model, (channel_first, length), path, input_names=["audio_signal", "length"],
                      output_names=["logprobs"], opset_version=13,
                      dynamic_axes={"audio_signal": {0: "N", 2: "T"}, "length": {0: "N"},
                                    "logprobs": {0: "N", 1: "T_out"}})
    m = onnx.load(path)
    for key, value in {"vocab_size": str(len(TOKENS)), "subsampling_factor": "4", "normalize_type": "per_feature",
                       "model_type": "EncDecCTCModelBPE", "is_giga_am": "0"}.items():
        prop = m.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(m, path)
    bare = onnx.load(path)
    del bare.metadata_props[:]
    os.makedirs(OUT + "-no-metadata", exist_ok=True)
    onnx.save(bare, os.path.join(OUT + "-no-metadata", "model.onnx"))

    with open(os.path.join(OUT, "tokens.txt"), "w", encoding="utf-8") as f:
        for i, token in enumerate(TOKENS):
            f.write(f"{token} {i}\n")
    ids = greedy(log_probs)
    reference = {
        "samples": int(pcm.size),
        "features": [[round(float(v), 6) for v in row] for row in features.tolist()],
        "logProbs": [[round(float(v), 6) for v in row] for row in log_probs.tolist()],
        "greedyIds": ids,
        "text": text(ids),
    }
    with open(os.path.join(OUT, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, separators=(",", ":"))
    print(f"{OUT}: {features.shape[0]} frames -> {log_probs.shape[0]} outputs, greedy '{reference['text']}'")


if __name__ == "__main__":
    main()
