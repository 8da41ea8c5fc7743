#!/usr/bin/env python3
"""Writes the reference log-mel fbank fixtures the Java FbankExtractor is tested against.

Computes exactly what the training recipe computes:
    torchaudio.compliance.kaldi.fbank(waveform * 32768, num_mel_bins=80, frame_length=25,
        frame_shift=10, dither=0.0, energy_floor=0.0, sample_frequency=16000)
for a few LibriSpeech test-other utterances and keeps the first MAX_FRAMES frames.

Two fixtures per utterance:
    <utt>.f32       the recipe as training runs it (float32 tensors);
    <utt>.fp64.f32  the same recipe evaluated on float64 tensors (stored as float32).
The float32 recipe carries its own rounding error: the FFT error is relative to the whole frame's
energy, so quiet low-frequency mel bins of quiet frames move by up to ~1e-2 in log energy. The Java
extractor computes in double, so the float64 evaluation is its tight reference and the float32 one
bounds what training actually saw.

Run from the repository root with the Debian interpreter (it has torch + torchaudio):
    /usr/bin/python3 asr-model/training/tools/make_fbank_reference.py

Fixture format (little-endian), asr-model/src/test/resources/fbank/<utt>[.fp64].f32:
    int32 magic 0x4642414B ("FBAK"), int32 total sample count of the file,
    int32 number of frames stored, int32 number of mel bins, then frames*bins float32 row-major.
"""
import os
import struct
import subprocess
import sys
import tempfile

import torch
import torchaudio

DATA = "../shared/data/librispeech/LibriSpeech/test-other"
UTTERANCES = ["1688-142285-0000", "1998-15444-0000", "3005-163389-0000"]
OUT_DIR = "asr-model/src/test/resources/fbank"
MAX_FRAMES = 300
MAGIC = 0x4642414B


def flac_path(utt):
    spk, chapter, _ = utt.split("-")
    return os.path.join(DATA, spk, chapter, utt + ".flac")


def load(path):
    try:
        return torchaudio.load(path)
    except RuntimeError:
        # No FLAC support in this torchaudio build: let sox decode to a temporary wav.
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            subprocess.run(["sox", path, "-b", "16", wav.name], check=True)
            return torchaudio.load(wav.name)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for utt in UTTERANCES:
        waveform, sr = load(flac_path(utt))
        assert sr == 16000 and waveform.shape[0] == 1, (utt, sr, waveform.shape)
        feats = recipe_fbank(waveform)
        feats64 = recipe_fbank(waveform.to(torch.float64))
        write(os.path.join(OUT_DIR, utt + ".f32"), waveform.shape[1], feats)
        write(os.path.join(OUT_DIR, utt + ".fp64.f32"), waveform.shape[1], feats64)
        diff = (feats[:MAX_FRAMES].to(torch.float64) - feats64[:MAX_FRAMES]).abs().max().item()
        print(f"{utt}: samples={waveform.shape[1]} frames={feats.shape[0]} kept={min(MAX_FRAMES, feats.shape[0])}"
              f" float32-vs-float64 max abs {diff:.3e}", file=sys.stderr)


def recipe_fbank(waveform):
    return torchaudio.compliance.kaldi.fbank(
        waveform * 32768, num_mel_bins=80, frame_length=25, frame_shift=10,
        dither=0.0, energy_floor=0.0, sample_frequency=16000)


def write(out, total_samples, feats):
    kept = feats[:MAX_FRAMES].contiguous().to(torch.float32)
    with open(out, "wb") as f:
        f.write(struct.pack("<4i", MAGIC, total_samples, kept.shape[0], kept.shape[1]))
        f.write(struct.pack("<%df" % kept.numel(), *kept.flatten().tolist()))


if __name__ == "__main__":
    main()
