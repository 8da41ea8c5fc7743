"""Audio loading and the ONE feature function used everywhere (training, CMVN, dev, export checks).

The Java runtime re-implements `fbank()` bit-for-bit, so do not change its parameters.
"""
import io
import os
import shutil
import subprocess
import wave

import math

import numpy as np
import torch

try:
    import torchaudio
except Exception:  # pragma: no cover - only on machines without torchaudio
    torchaudio = None

SAMPLE_RATE = 16000
NUM_MEL_BINS = 80
FRAME_LENGTH_MS = 25
FRAME_SHIFT_MS = 10

# Optional bundled opusdec (see tools/make_carry.py) for machines without opus-tools.
_RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BUNDLED_OPUSDEC = os.path.join(_RECIPE, "carry", "bin", "opusdec")


class AudioError(Exception):
    """Raised when an audio file cannot be read; the message names the file."""


def fbank(wav: torch.Tensor) -> torch.Tensor:
    """80-dim Kaldi log-mel fbank of a mono 16 kHz float waveform in [-1, 1]. Returns [frames, 80] float32."""
    if wav.dim() == 1:
        wav = wav.unsqueeze(0)
    if torchaudio is None or not hasattr(torchaudio, "compliance"):
        return fbank_torch(wav[0])
    return torchaudio.compliance.kaldi.fbank(
        wav * 32768,
        num_mel_bins=NUM_MEL_BINS,
        frame_length=FRAME_LENGTH_MS,
        frame_shift=FRAME_SHIFT_MS,
        dither=0.0,
        energy_floor=0.0,
        sample_frequency=SAMPLE_RATE,
    )


def fbank_torch(wav: torch.Tensor) -> torch.Tensor:
    """Plain-torch re-implementation of the exact fbank() configuration, used only where torchaudio (or its
    compliance module) is missing, e.g. a future GPU image. Kaldi defaults: povey window, pre-emphasis 0.97,
    DC removal, snip edges, 512-point FFT power spectrum, 80 triangular mel bins 20 Hz..8 kHz, log with float eps."""
    x = wav.to(torch.float32) * 32768
    n = x.numel()
    m = num_frames(n)
    if m == 0:
        return torch.empty(0, NUM_MEL_BINS)
    frames = x.as_strided((m, 400), (160, 1))
    frames = frames - frames.mean(dim=1, keepdim=True)
    prev = torch.cat([frames[:, :1], frames[:, :-1]], dim=1)
    frames = frames - 0.97 * prev
    frames = frames * torch.hann_window(400, periodic=False, dtype=torch.float32).pow(0.85)
    frames = torch.nn.functional.pad(frames, (0, 112))
    power = torch.fft.rfft(frames).abs().pow(2.0)

    def mel(f):
        return 1127.0 * (1.0 + f / 700.0).log()

    mel_low, mel_high = 1127.0 * math.log(1.0 + 20.0 / 700.0), 1127.0 * math.log(1.0 + 8000.0 / 700.0)
    delta = (mel_high - mel_low) / (NUM_MEL_BINS + 1)
    b = torch.arange(NUM_MEL_BINS).unsqueeze(1)
    left, center, right = mel_low + b * delta, mel_low + (b + 1.0) * delta, mel_low + (b + 2.0) * delta
    fm = mel(16000 / 512 * torch.arange(256)).unsqueeze(0)
    banks = torch.max(torch.zeros(1), torch.min((fm - left) / (center - left), (right - fm) / (right - center)))
    banks = torch.nn.functional.pad(banks, (0, 1))
    energies = torch.mm(power, banks.T)
    return torch.max(energies, torch.tensor(torch.finfo(torch.float).eps)).log()


def num_frames(num_samples: int) -> int:
    """Frame count of fbank() (snip_edges=True): 1 + (n - 400) // 160, 0 if shorter than a window."""
    if num_samples < 400:
        return 0
    return 1 + (num_samples - 400) // 160


def _parse_wav_bytes(data: bytes, name: str):
    try:
        with wave.open(io.BytesIO(data)) as w:
            sr, ch, sw, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
            raw = w.readframes(n)
    except (wave.Error, EOFError) as e:
        raise AudioError(f"{name}: not a readable PCM WAV ({e})") from e
    if sw != 2:
        raise AudioError(f"{name}: expected 16-bit PCM, got {8 * sw}-bit")
    a = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if ch > 1:
        a = a.reshape(-1, ch).mean(axis=1)
    return torch.from_numpy(a.copy()), sr


def _run(cmd, name):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    except OSError as e:
        raise AudioError(f"{name}: cannot run {cmd[0]} ({e})") from e
    if p.returncode != 0 or not p.stdout:
        raise AudioError(f"{name}: {os.path.basename(cmd[0])} failed: {p.stderr.decode(errors='replace').strip()[-300:]}")
    return p.stdout


def _decode_opus(path: str):
    opusdec = shutil.which("opusdec")
    if opusdec is None and os.path.exists(_BUNDLED_OPUSDEC):
        opusdec = _BUNDLED_OPUSDEC
    if opusdec is not None:
        env_lib = os.path.join(os.path.dirname(opusdec), "..", "lib")
        if opusdec == _BUNDLED_OPUSDEC:
            os.environ["LD_LIBRARY_PATH"] = os.path.abspath(env_lib) + ":" + os.environ.get("LD_LIBRARY_PATH", "")
        return _parse_wav_bytes(_run([opusdec, "--quiet", "--force-wav", "--rate", "16000", path, "-"], path), path)
    if shutil.which("ffmpeg"):
        return _parse_wav_bytes(_run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-ar", "16000", "-ac", "1",
                                      "-f", "wav", "-acodec", "pcm_s16le", "-"], path), path)
    if shutil.which("sox"):
        return _parse_wav_bytes(_run(["sox", path, "-r", "16000", "-c", "1", "-b", "16", "-t", "wav", "-"], path), path)
    raise AudioError(f"{path}: no Opus decoder found (install opus-tools or ffmpeg, or pack a carry with tools/make_carry.py)")


def load_audio(path: str) -> torch.Tensor:
    """Mono float32 waveform at 16 kHz in [-1, 1]. Opus via opusdec (ffmpeg/sox fallback), WAV via `wave`,
    FLAC/other via torchaudio (soundfile/sox fallback). Other rates are resampled with torchaudio."""
    if not os.path.isfile(path):
        raise AudioError(f"{path}: file not found")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".opus":
        wav, sr = _decode_opus(path)
    elif ext == ".wav":
        with open(path, "rb") as f:
            wav, sr = _parse_wav_bytes(f.read(), path)
    else:
        try:
            w, sr = torchaudio.load(path)
            wav = w.mean(dim=0)
        except Exception as e:  # torchaudio backends vary between versions
            try:
                import soundfile
                a, sr = soundfile.read(path, dtype="float32", always_2d=True)
                wav = torch.from_numpy(a.mean(axis=1))
            except Exception:
                if shutil.which("sox"):
                    wav, sr = _parse_wav_bytes(_run(["sox", path, "-b", "16", "-t", "wav", "-"], path), path)
                else:
                    raise AudioError(f"{path}: cannot decode ({e})") from e
    if sr != SAMPLE_RATE:
        wav = torchaudio.functional.resample(wav, sr, SAMPLE_RATE)
    return wav.contiguous()
