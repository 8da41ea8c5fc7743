#!/usr/bin/env python3
"""Encoder time of the dense backbone, the parallel adapter (r=1) and CoDA r=2/4/8 in PyTorch on one device
(CUDA when available), measured in one run with the variants interleaved; writes JSON.

Inputs are real training features (a cached shard), cut into batches of equal-length utterances so padding does
not blur the comparison. Reported: milliseconds of encoder time per second of audio, per batch size and dtype,
and the speed-up of each CoDA r over the parallel adapter.
"""
import argparse
import json
import sys
import time

import torch

from local import coda as C
from local.bench import speed_row
from local.checkpoint import load_backbone


def time_variants(backbone, net, variants, feats, frames, bsz, dtype, dev, sync, a):
    """Median encoder milliseconds per audio second of each variant for one batch size and dtype."""
    x = torch.stack([feats[i % len(feats)] for i in range(bsz)]).to(dev)
    lens = torch.full((bsz,), frames, dtype=torch.long, device=dev)

    def run(r):
        with torch.no_grad(), torch.autocast(dev.type, dtype=dtype, enabled=dtype is not None):
            if r is None:
                backbone(x, lens)
            else:
                net.encode(x, lens, r=r)
    for _, r in variants:  # warm-up (kernel selection, allocator)
        for _ in range(3):
            run(r)
    times = {name: [] for name, _ in variants}
    for _ in range(a.repeats):
        for name, r in variants:  # interleaved so clock changes hit all variants alike
            sync()
            t0 = time.perf_counter()
            run(r)
            sync()
            times[name].append(time.perf_counter() - t0)
    return speed_row(times, bsz * a.seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--coda", required=True)
    ap.add_argument("--shard", required=True, help="cached feature shard (prepare_data.py) to take inputs from")
    ap.add_argument("--out", required=True, help="JSON file")
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--seconds", type=float, default=10.0, help="utterance length used (cut from longer ones)")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--device", default="auto")
    a = ap.parse_args()
    dev = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if a.device == "auto" else a.device)
    backbone, bstate = load_backbone(a.backbone)
    net, cstate = C.load_coda(backbone, a.coda)
    net.to(dev).eval()
    frames = int(a.seconds * 100)
    shard = torch.load(a.shard)
    feats = [f[:frames].float() for f in shard["feats"] if f.shape[0] >= frames]
    if not feats:
        sys.exit(f"no utterance of >= {a.seconds} s in {a.shard}")
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    variants = [("dense", None), ("adapter", 1), ("coda-r2", 2), ("coda-r4", 4), ("coda-r8", 8)]
    results = {"device": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu",
               "torch": torch.__version__, "utterance_seconds": a.seconds, "repeats": a.repeats,
               "backbone_step": bstate.get("step"), "coda_step": cstate.get("step"), "runs": []}
    for dtype_name, dtype in [("fp32", None), ("bf16", torch.bfloat16)]:
        for bsz in [int(b) for b in a.batches.split(",")]:
            try:
                row = time_variants(backbone, net, variants, feats, frames, bsz, dtype, dev, sync, a)
            except Exception as e:  # e.g. bf16 autocast unsupported on this device: keep what worked
                print(f"{dtype_name} batch {bsz} failed: {type(e).__name__}: {e}", flush=True)
                results.setdefault("failed", []).append(f"{dtype_name}/{bsz}: {e}")
                continue
            row = {"dtype": dtype_name, "batch": bsz, **row}
            results["runs"].append(row)
            print(json.dumps(row), flush=True)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
