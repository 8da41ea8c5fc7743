#!/usr/bin/env python3
"""Writes tiny models in the foreign CTC layouts this project reads, and the references the Java side is tested
against: asr-model/src/test/resources/models/tiny-nemo-ctc/ and tiny-wenet-ctc/, and (zipformer2_fixture.py) the
streaming zipformer2 transducer tiny-zipformer2/ on the same signal.

The NeMo CTC layout (what sherpa-onnx's NeMo EncDecCTC export gives, and what it reads):
    model.onnx   inputs  audio_signal float [N, 80, T] (features channel-first), length int64 [N]
                 output  logprobs float [N, T', vocab] (log-softmax; blank is the last token)
                 metadata vocab_size, subsampling_factor, normalize_type (per_feature), model_type
    tokens.txt   "<piece> <id>" per line, SentencePiece pieces, <blk> last
The features are NeMo's AudioToMelSpectrogramPreprocessor at inference (dither off): pre-emphasis 0.97, a
symmetric 25 ms Hann window centred in a 512-point FFT every 10 ms (torch.stft, center=True, zero padding), power
spectrum, 80 Slaney-normalised Slaney-scale mel filters over 0-8 kHz, log(mel + 2^-24), then each mel bin
normalised over the utterance (mean, standard deviation with N-1, plus 1e-5).

A copy without the metadata goes to tiny-nemo-ctc-no-metadata/ for the error it must give.

tiny-nemo-streaming-ctc/ is NeMo's cache-aware streaming CTC contract as sherpa-onnx's export-onnx-ctc.py writes it
(TinyNemoStreamingCtc: audio_signal [N, 80, window_size], length, cache_last_channel [N, 1, 4, 32], cache_last_time
[N, 1, 32, 2], cache_last_channel_len int64 [N] in; logprobs [N, 2, vocab], lengths and the three next caches out;
metadata vocab_size without the blank, window_size, chunk_shift, the cache dims), for sherpa-onnx's OnlineRecognizer.

tiny-wenet-probe/ is a feature probe in the WeNet layout (FeatureProbe): a greedy CTC decoder that runs it spells out
the features it fed the graph, one token per value, so sherpa-onnx's own front end can be compared value by value.

The WeNet CTC layout (sherpa-onnx's scripts/wenet/export-onnx.py):
    model.onnx   inputs  x float [N, T, 80], x_lens int64 [N]
                 outputs log_probs float [N, T', vocab], log_probs_lens int64 [N]
                 metadata model_type=wenet_ctc, subsampling_factor, vocab_size (global CMVN is inside the graph)
    units.txt    WeNet's token list, under its own name: "<blank> 0", "<unk> 1", the pieces, "<sos/eos>" last
The features are WeNet's: torchaudio.compliance.kaldi.fbank of the samples scaled to the int16 range (80 bins,
25/10 ms, dither 0, energy floor 0), the same call this project's recipe makes.

The models themselves are random (two stride-2 convolutions and a projection): the test is that Java computes the same
features, feeds them in the same layout, and gets the same log-probabilities and greedy tokens as PyTorch.

Run from the repository root with the Debian interpreter (torch, torchaudio, onnx):
    /usr/bin/python3 asr-model/training/tools/make_layout_fixtures.py
"""
import json
import math
import os
import wave

import numpy as np
import onnx
import torch
import torchaudio

import zipformer2_fixture

OUT = "asr-model/src/test/resources/models/tiny-nemo-ctc"
PROBE_OUT = "asr-model/src/test/resources/models/tiny-wenet-probe"
STREAMING_OUT = "asr-model/src/test/resources/models/tiny-nemo-streaming-ctc"
WENET_OUT = "asr-model/src/test/resources/models/tiny-wenet-ctc"
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


class TinyWenetCtc(torch.nn.Module):
    """Two unpadded stride-2 convolutions over time, as WeNet's Conv2dSubsampling4 shortens, and a CTC head."""

    def __init__(self, vocab):
        super().__init__()
        self.cmvn_mean = torch.nn.Parameter(torch.linspace(8.0, 12.0, MELS), requires_grad=False)
        self.conv1 = torch.nn.Conv1d(MELS, 48, kernel_size=3, stride=2)
        self.conv2 = torch.nn.Conv1d(48, 48, kernel_size=3, stride=2)
        self.ctc = torch.nn.Linear(48, vocab)

    def forward(self, x, x_lens):
        h = (x - self.cmvn_mean) / 4.0
        h = torch.relu(self.conv1(h.transpose(1, 2)))
        h = torch.relu(self.conv2(h)).transpose(1, 2)
        log_probs = torch.log_softmax(self.ctc(h) * 4.0, dim=-1)
        lens = torch.div(torch.div(x_lens - 1, 2, rounding_mode="floor") - 1, 2, rounding_mode="floor")
        # int64: the export sums WeNet's int mask (encoder_out_mask.int().sum(1)), and torch sums integers to int64
        return log_probs, lens.to(torch.int64)


def greedy(log_probs, blank):
    ids, previous = [], -1
    for i in log_probs.argmax(dim=-1).tolist():
        if i != previous and i != blank:
            ids.append(i)
        previous = i
    return ids


def text(ids, tokens=TOKENS):
    return "".join(tokens[i] for i in ids if not tokens[i].startswith("<")).replace("\u2581", " ").strip()


def add_metadata(path, values):
    m = onnx.load(path)
    for key, value in values.items():
        prop = m.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(m, path)


def write_wenet(pcm):
    os.makedirs(WENET_OUT, exist_ok=True)
    tokens = ["<blank>", "<unk>"] + PIECES[1:] + ["<sos/eos>"]
    waveform = torch.tensor(pcm.astype(np.float64) / 32768.0, dtype=torch.float64).unsqueeze(0)
    features = torchaudio.compliance.kaldi.fbank(waveform * 32768, num_mel_bins=MELS, frame_length=25,
                                                 frame_shift=10, dither=0.0, energy_floor=0.0,
                                                 sample_frequency=RATE).to(torch.float32)
    torch.manual_seed(13)
    model = TinyWenetCtc(len(tokens)).eval()
    x = features.unsqueeze(0)
    x_lens = torch.tensor([features.shape[0]], dtype=torch.int64)
    with torch.no_grad():
        log_probs, lens = model(x, x_lens)
    path = os.path.join(WENET_OUT, "model.onnx")
    torch.onnx.export(model, (x, x_lens), path, input_names=["x", "x_lens"],
                      output_names=["log_probs", "log_probs_lens"], opset_version=13,
                      dynamic_axes={"x": {0: "N", 1: "T"}, "x_lens": {0: "N"}, "log_probs": {0: "N", 1: "T"},
                                    "log_probs_lens": {0: "N"}})
    add_metadata(path, {"model_type": "wenet_ctc", "version": "1", "model_author": "wenet",
                        "comment": "non-streaming", "subsampling_factor": "4", "vocab_size": str(len(tokens))})
    with open(os.path.join(WENET_OUT, "units.txt"), "w", encoding="utf-8") as f:
        for i, token in enumerate(tokens):
            f.write(f"{token} {i}\n")
    ids = greedy(log_probs[0], 0)
    reference = {
        "frames": int(features.shape[0]),
        "outputFrames": int(lens[0]),
        "logProbs": [[round(float(v), 6) for v in row] for row in log_probs[0].tolist()],
        "greedyIds": ids,
        "text": text(ids, tokens),
    }
    with open(os.path.join(WENET_OUT, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, separators=(",", ":"))
    print(f"{WENET_OUT}: {features.shape[0]} frames -> {int(lens[0])} outputs, greedy '{reference['text']}'")


PROBE_LEVELS = 2001
PROBE_LOW, PROBE_HIGH = -20.0, 30.0


class FeatureProbe(torch.nn.Module):
    """A WeNet-layout graph that makes a CTC greedy decoder spell out its input features: output frame 2 * (t * 80 + b)
    holds -|x[t, b] - level| over PROBE_LEVELS levels from PROBE_LOW to PROBE_HIGH (token k + 1 is level k), and every
    odd output frame is a certain blank, so each feature value comes back as one token: the nearest level, 0.025 apart.
    A decoder that runs it (sherpa-onnx) thereby shows the features it computed."""

    def forward(self, x, x_lens):
        n, t, d = x.shape
        values = x.reshape(n, t * d, 1)
        levels = torch.linspace(PROBE_LOW, PROBE_HIGH, PROBE_LEVELS).reshape(1, 1, PROBE_LEVELS)
        real = torch.cat([torch.full((n, t * d, 1), -1e9), -(values - levels).abs()], dim=2)
        blank = torch.cat([torch.zeros(n, t * d, 1), torch.full((n, t * d, PROBE_LEVELS), -1e9)], dim=2)
        out = torch.stack([real, blank], dim=2).reshape(n, 2 * t * d, PROBE_LEVELS + 1)
        return out, x_lens * d * 2


def write_probe():
    os.makedirs(PROBE_OUT, exist_ok=True)
    x = torch.zeros(1, 50, MELS)
    x_lens = torch.tensor([50], dtype=torch.int64)
    path = os.path.join(PROBE_OUT, "model.onnx")
    torch.onnx.export(FeatureProbe(), (x, x_lens), path, input_names=["x", "x_lens"],
                      output_names=["log_probs", "log_probs_lens"], opset_version=13,
                      dynamic_axes={"x": {0: "N", 1: "T"}, "x_lens": {0: "N"}, "log_probs": {0: "N", 1: "T"},
                                    "log_probs_lens": {0: "N"}})
    add_metadata(path, {"model_type": "wenet_ctc", "version": "1", "model_author": "coda-asr probe",
                        "comment": "feature probe", "subsampling_factor": "1",
                        "vocab_size": str(PROBE_LEVELS + 1), "probe_low": str(PROBE_LOW),
                        "probe_high": str(PROBE_HIGH)})
    with open(os.path.join(PROBE_OUT, "units.txt"), "w", encoding="utf-8") as f:
        f.write("<blank> 0\n")
        for k in range(1, PROBE_LEVELS + 1):
            f.write(f"L{k} {k}\n")
    print(f"{PROBE_OUT}: feature probe, {PROBE_LEVELS} levels over [{PROBE_LOW}, {PROBE_HIGH}]")


CHUNK, PRE_ENCODE_CACHE, CACHE_FRAMES, CONV_CONTEXT, D_MODEL = 8, 9, 4, 2, 32


class TinyNemoStreamingCtc(torch.nn.Module):
    """NeMo's cache-aware streaming CTC contract as sherpa-onnx's export-onnx-ctc.py writes it, in miniature: each call
    takes window_size = CHUNK + PRE_ENCODE_CACHE feature frames channel-first (the first PRE_ENCODE_CACHE repeat the
    previous call's, as NeMo's pre-encode cache does) and gives CHUNK / 4 log-probability frames; an attention-like
    cache (the last CACHE_FRAMES outputs, how many of them are valid in cache_last_channel_len) and a convolution
    history (the last CONV_CONTEXT projected frames) carry context from call to call, so a decoder that drops, resets
    or reorders a state gets other tokens."""

    def __init__(self, vocab):
        super().__init__()
        self.proj = torch.nn.Linear(MELS, D_MODEL)
        self.conv = torch.nn.Conv1d(D_MODEL, D_MODEL, kernel_size=CONV_CONTEXT + 1)
        self.mix = torch.nn.Linear(D_MODEL, D_MODEL)
        self.out = torch.nn.Linear(D_MODEL, vocab)

    def forward(self, audio_signal, length, cache_last_channel, cache_last_time, cache_last_channel_len):
        x = audio_signal[:, :, PRE_ENCODE_CACHE - 4:]                      # [N, 80, CHUNK + 4]: a little look-back
        h = torch.tanh(self.proj(x.transpose(1, 2) / 8.0))                 # [N, CHUNK + 4, D]
        h = h.reshape(h.shape[0], (CHUNK + 4) // 4, 4, D_MODEL).mean(dim=2)[:, 1:]   # [N, CHUNK / 4, D]
        with_history = torch.cat([cache_last_time[:, 0], h.transpose(1, 2)], dim=2)  # [N, D, CONV + CHUNK / 4]
        c = torch.tanh(self.conv(with_history)).transpose(1, 2)           # [N, CHUNK / 4, D]
        cache = cache_last_channel[:, 0]                                   # [N, CACHE, D]
        valid = (torch.arange(CACHE_FRAMES).unsqueeze(0) >= CACHE_FRAMES - cache_last_channel_len.unsqueeze(1))
        weights = valid.to(cache.dtype).unsqueeze(2)
        context = (cache * weights).sum(dim=1, keepdim=True) / (weights.sum(dim=1, keepdim=True) + 1.0)
        y = torch.tanh(c + self.mix(context))
        logprobs = torch.log_softmax(self.out(y) * 4.0, dim=-1)
        next_channel = torch.cat([cache, y], dim=1)[:, -CACHE_FRAMES:].unsqueeze(1)
        next_time = with_history[:, :, -CONV_CONTEXT:].unsqueeze(1)
        next_len = torch.clamp(cache_last_channel_len + CHUNK // 4, max=CACHE_FRAMES)
        out_len = torch.full_like(length, CHUNK // 4)
        return logprobs, out_len, next_channel, next_time, next_len


def write_nemo_streaming():
    os.makedirs(STREAMING_OUT, exist_ok=True)
    torch.manual_seed(17)
    model = TinyNemoStreamingCtc(len(TOKENS)).eval()
    window = CHUNK + PRE_ENCODE_CACHE
    inputs = (torch.zeros(1, MELS, window), torch.tensor([window], dtype=torch.int64),
              torch.zeros(1, 1, CACHE_FRAMES, D_MODEL), torch.zeros(1, 1, D_MODEL, CONV_CONTEXT),
              torch.zeros(1, dtype=torch.int64))
    path = os.path.join(STREAMING_OUT, "model.onnx")
    torch.onnx.export(model, inputs, path, opset_version=13,
                      input_names=["audio_signal", "length", "cache_last_channel", "cache_last_time",
                                   "cache_last_channel_len"],
                      output_names=["logprobs", "encoded_lengths", "cache_last_channel_next", "cache_last_time_next",
                                    "cache_last_channel_next_len"],
                      dynamic_axes={"audio_signal": {0: "N"}, "length": {0: "N"}, "cache_last_channel": {0: "N"},
                                    "cache_last_time": {0: "N"}, "cache_last_channel_len": {0: "N"},
                                    "logprobs": {0: "N"}, "encoded_lengths": {0: "N"},
                                    "cache_last_channel_next": {0: "N"}, "cache_last_time_next": {0: "N"},
                                    "cache_last_channel_next_len": {0: "N"}})
    add_metadata(path, {"vocab_size": str(len(TOKENS) - 1), "window_size": str(window), "chunk_shift": str(CHUNK),
                        "subsampling_factor": "4", "normalize_type": "None", "model_type": "EncDecCTCModelBPE",
                        "cache_last_channel_dim1": "1", "cache_last_channel_dim2": str(CACHE_FRAMES),
                        "cache_last_channel_dim3": str(D_MODEL), "cache_last_time_dim1": "1",
                        "cache_last_time_dim2": str(D_MODEL), "cache_last_time_dim3": str(CONV_CONTEXT)})
    with open(os.path.join(STREAMING_OUT, "tokens.txt"), "w", encoding="utf-8") as f:
        for i, token in enumerate(TOKENS):
            f.write(f"{token} {i}\n")
    print(f"{STREAMING_OUT}: window {window}, shift {CHUNK}, caches [1,1,{CACHE_FRAMES},{D_MODEL}] and "
          f"[1,1,{D_MODEL},{CONV_CONTEXT}]")


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
    add_metadata(path, {"vocab_size": str(len(TOKENS)), "subsampling_factor": "4", "normalize_type": "per_feature",
                        "model_type": "EncDecCTCModelBPE", "is_giga_am": "0"})
    bare = onnx.load(path)
    del bare.metadata_props[:]
    os.makedirs(OUT + "-no-metadata", exist_ok=True)
    onnx.save(bare, os.path.join(OUT + "-no-metadata", "model.onnx"))

    with open(os.path.join(OUT, "tokens.txt"), "w", encoding="utf-8") as f:
        for i, token in enumerate(TOKENS):
            f.write(f"{token} {i}\n")
    ids = greedy(log_probs, len(TOKENS) - 1)
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
    write_wenet(pcm)
    write_probe()
    write_nemo_streaming()
    zipformer2_fixture.write(pcm)


if __name__ == "__main__":
    main()
