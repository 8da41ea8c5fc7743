#!/usr/bin/env python3
"""Writes the reference values SherpaOnnxFbank (sherpa-onnx's front end in Java) is tested against:
asr-model/src/test/resources/fbank/sherpa-onnx-reference.json.

The signal: 0.5 s of a 440 Hz tone, a glide and seeded noise at 16 kHz, quantised to 16 bits (stored as integers).
For each of SherpaOnnxFbankConfig's presets, the features in float64, computed with torch/torchaudio, not with the Java
code's formulas:
  defaults  torchaudio.compliance.kaldi.fbank(samples, snip_edges=False, low_freq=20, high_freq=-400, dither=0,
            window povey, DC removed, pre-emphasis 0.97, energy_floor=0), samples in [-1, 1]
  wenet     the same on samples x 32768
  nemo      Kaldi framing without snip edges (signal mirrored at the ends, x[-1] = x[0]), per-frame pre-emphasis 0.97
            (x[0] -= 0.97 x[0]), no DC removal, periodic Hann window of 400 in a 512-point FFT, power spectrum,
            torchaudio's Slaney-scale Slaney-normalised filters over 0-8 kHz (Nyquist bin included), log(max(e, eps)),
            then per bin (x - mean) / (population std + 1e-5)

    /usr/bin/python3 asr-model/training/tools/make_sherpa_fbank_reference.py
"""
import json
import os

import numpy as np
import torch
import torchaudio

OUT = "asr-model/src/test/resources/fbank/sherpa-onnx-reference.json"
RATE, SIZE, SHIFT, NFFT, MELS = 16000, 400, 160, 512, 80
EPS = float(np.finfo(np.float32).eps)


def signal():
    t = np.arange(RATE // 2) / RATE
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * (300 + 3000 * t) * t)
    x += 0.05 * np.random.default_rng(3).standard_normal(t.size)
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int64)


def kaldi(samples, scale):
    wave = torch.tensor(samples * scale, dtype=torch.float64).unsqueeze(0)
    return torchaudio.compliance.kaldi.fbank(wave, num_mel_bins=MELS, frame_length=25, frame_shift=10, dither=0.0,
                                             energy_floor=0.0, sample_frequency=RATE, snip_edges=False,
                                             low_freq=20.0, high_freq=-400.0, window_type="povey",
                                             remove_dc_offset=True, preemphasis_coefficient=0.97).numpy()


def nemo(samples):
    x = torch.tensor(samples, dtype=torch.float64)
    n = x.numel()
    frames = (n + SHIFT // 2) // SHIFT
    window = torch.hann_window(SIZE, periodic=True, dtype=torch.float64)
    banks = torchaudio.functional.melscale_fbanks(n_freqs=NFFT // 2 + 1, f_min=0.0, f_max=RATE / 2, n_mels=MELS,
                                                  sample_rate=RATE, norm="slaney", mel_scale="slaney").double()
    rows = []
    for f in range(frames):
        start = f * SHIFT + SHIFT // 2 - SIZE // 2
        idx = torch.arange(start, start + SIZE)
        idx = torch.where(idx < 0, -idx - 1, idx)
        idx = torch.where(idx >= n, 2 * n - 1 - idx, idx)
        frame = x[idx].clone()
        emphasized = frame.clone()
        emphasized[1:] = frame[1:] - 0.97 * frame[:-1]
        emphasized[0] = frame[0] - 0.97 * frame[0]
        padded = torch.zeros(NFFT, dtype=torch.float64)
        padded[:SIZE] = emphasized * window
        power = torch.fft.rfft(padded).abs() ** 2
        rows.append(torch.log(torch.clamp(power @ banks, min=EPS)))
    feats = torch.stack(rows)
    mean = feats.mean(dim=0)
    std = torch.sqrt(((feats - mean) ** 2).mean(dim=0))
    return ((feats - mean) / (std + 1e-5)).numpy()


def main():
    pcm = signal()
    samples = pcm / 32768.0
    reference = {
        "pcm": pcm.tolist(),
        "defaults": np.round(kaldi(samples, 1.0), 6).tolist(),
        "wenet": np.round(kaldi(samples, 32768.0), 6).tolist(),
        "nemo": np.round(nemo(samples), 6).tolist(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(reference, f, separators=(",", ":"))
    print(f"{OUT}: {len(reference['defaults'])} frames per preset")


if __name__ == "__main__":
    main()
