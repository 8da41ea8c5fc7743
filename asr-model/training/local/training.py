"""Pieces shared by the training loops (train.py, train_coda.py): device and autocast choice, the run logger,
SpecAugment, the learning-rate schedule."""
import math
import os
import time

import torch


def pick_device(name):
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def amp_dtype_for(amp, device):
    """bf16 autocast on CUDA unless --amp off (no GradScaler needed, unlike fp16); --amp bf16 also on the CPU."""
    return torch.bfloat16 if amp == "bf16" or (device.type == "cuda" and amp == "auto") else None


def run_logger(run_dir):
    """log(msg): a timestamped line to stdout and to <run_dir>/train.log (appended to across resumes)."""
    os.makedirs(run_dir, exist_ok=True)
    log_f = open(os.path.join(run_dir, "train.log"), "a")

    def log(msg):
        line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
        print(line, flush=True)
        log_f.write(line + "\n")
        log_f.flush()
    return log


def lr_at(step, peak, warmup, steps, min_ratio, time_frac=0.0):
    """THE schedule: linear warm-up over `warmup` steps, then cosine decay from peak to min_ratio * peak over
    whichever runs out first, the steps (`steps`) or the wall time (time_frac = elapsed / budget; 0 = steps only)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    p = min(1.0, max((step - warmup) / max(1, steps - warmup), time_frac))
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * p)))


def spec_augment(x, lens, mean, a, gen):
    """2 frequency masks (width <= a.freq_mask) and 2 time masks (<= a.time_mask_ratio * length) per utterance,
    filled with the CMVN mean so they are zero after normalisation. Vectorised (random numbers from `gen` on the
    CPU)."""
    b, t, f = x.shape
    fw = torch.randint(0, a.freq_mask + 1, (b, 2), generator=gen)
    fs = (torch.rand(b, 2, generator=gen) * (f - fw).clamp(min=1)).long()
    tmax = (a.time_mask_ratio * lens.float()).long().clamp(min=1)
    tw = (torch.rand(b, 2, generator=gen) * (tmax.unsqueeze(1) + 1)).long()
    ts = (torch.rand(b, 2, generator=gen) * (lens.unsqueeze(1) - tw).clamp(min=1)).long()
    fi = torch.arange(f).view(1, 1, f)
    ti = torch.arange(t).view(1, 1, t)
    fmask = ((fi >= fs.unsqueeze(2)) & (fi < (fs + fw).unsqueeze(2))).any(1)  # [B, F]
    tmask = ((ti >= ts.unsqueeze(2)) & (ti < (ts + tw).unsqueeze(2))).any(1)  # [B, T]
    m = fmask.unsqueeze(1) | tmask.unsqueeze(2)
    return torch.where(m, mean.view(1, 1, f).expand_as(x), x)
