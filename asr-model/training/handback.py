#!/usr/bin/env python3
"""Move a model checkpoint between machines through size-limited file transfers (the device's $OUT returns at most
8 files of 16 MiB each).

  handback.py pack   CKPT OUT_DIR [--prefix backbone] [--max-mib 15]   -> OUT_DIR/<prefix>.partN.pt
  handback.py unpack OUT_DIR/<prefix>.part0.pt CKPT                    -> a train.py-style checkpoint again

`pack` keeps everything but the optimizer/RNG state, stores float tensors with more than 4096 values as fp16 (the
weights are shipped as fp16 anyway; small tensors such as CMVN statistics stay fp32) and splits the model's state
dict over as many parts as the size limit needs. `unpack` restores fp32 tensors and the original key order.
"""
import argparse
import io
import os
import sys

import torch

SMALL = 4096


def _size(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.tell()


def pack(ckpt, out_dir, prefix, max_mib):
    state = torch.load(ckpt, map_location="cpu")
    model_key = "model" if "model" in state else "coda"
    meta = {k: v for k, v in state.items() if k not in ("optimizer", "rng", model_key)}
    tensors = state[model_key]
    order = list(tensors.keys())
    limit = int(max_mib * 1024 * 1024)
    parts, cur, cur_bytes = [], {}, 0
    for k in order:
        t = tensors[k].detach().cpu()
        if t.is_floating_point() and t.numel() > SMALL:
            t = t.to(torch.float16)
        nbytes = t.numel() * t.element_size() + 512
        if cur and cur_bytes + nbytes > limit:
            parts.append(cur)
            cur, cur_bytes = {}, 0
        cur[k] = t
        cur_bytes += nbytes
    parts.append(cur)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i, p in enumerate(parts):
        payload = {"part": i, "parts": len(parts), "model_key": model_key, "tensors": p}
        if i == 0:
            payload["meta"] = meta
            payload["order"] = order
        path = os.path.join(out_dir, f"{prefix}.part{i}.pt")
        torch.save(payload, path)
        if os.path.getsize(path) > limit + (1 << 20):
            sys.exit(f"{path}: {os.path.getsize(path)} bytes, over the {max_mib} MiB limit (one tensor too big?)")
        paths.append(path)
    print(f"packed {ckpt} ({model_key}, {len(order)} tensors) into {len(paths)} part(s): "
          + ", ".join(f"{os.path.basename(p)} {os.path.getsize(p) / 2**20:.1f} MiB" for p in paths))
    return paths


def unpack(part0, ckpt):
    first = torch.load(part0, map_location="cpu")
    base = part0[: -len("part0.pt")]
    tensors = dict(first["tensors"])
    for i in range(1, first["parts"]):
        path = f"{base}part{i}.pt"
        if not os.path.exists(path):
            sys.exit(f"{path} missing: {first['parts']} parts expected")
        tensors.update(torch.load(path, map_location="cpu")["tensors"])
    missing = [k for k in first["order"] if k not in tensors]
    if missing:
        sys.exit(f"incomplete: {len(missing)} tensors missing, e.g. {missing[:3]}")
    model = {k: (tensors[k].float() if tensors[k].dtype == torch.float16 else tensors[k]) for k in first["order"]}
    state = dict(first["meta"])
    state[first["model_key"]] = model
    os.makedirs(os.path.dirname(os.path.abspath(ckpt)), exist_ok=True)
    torch.save(state, ckpt)
    print(f"unpacked {len(model)} tensors from {first['parts']} part(s) into {ckpt}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("checkpoint")
    p.add_argument("out_dir")
    p.add_argument("--prefix", default="backbone")
    p.add_argument("--max-mib", type=float, default=15.0)
    u = sub.add_parser("unpack")
    u.add_argument("part0")
    u.add_argument("checkpoint")
    a = ap.parse_args()
    if a.cmd == "pack":
        pack(a.checkpoint, a.out_dir, a.prefix, a.max_mib)
    else:
        unpack(a.part0, a.checkpoint)


if __name__ == "__main__":
    main()
