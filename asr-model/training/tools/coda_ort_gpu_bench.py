#!/usr/bin/env python3
"""Time the exported adapter / CoDA graphs (model.adapter.onnx, model.coda-r{2,4,8}.onnx, plus model.onnx) in ONNX
Runtime with the CUDA execution provider, variants interleaved, and write JSON: milliseconds of encoder time per
second of audio at batch 1, 8, 32 and 128 (--batches) and the speed-up of each CoDA r over the parallel adapter. Exits 3 when the
onnxruntime package has no CUDA provider (then there is nothing to measure on this machine).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from local.bench import speed_row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--batches", default="1,8,32,128")
    ap.add_argument("--repeats", type=int, default=20)
    a = ap.parse_args()
    import onnxruntime as ort
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        print(f"no CUDA provider in onnxruntime {ort.__version__}: {ort.get_available_providers()}")
        sys.exit(3)
    names = [("dense", "model.onnx"), ("adapter", "model.adapter.onnx"), ("coda-r2", "model.coda-r2.onnx"),
             ("coda-r4", "model.coda-r4.onnx"), ("coda-r8", "model.coda-r8.onnx")]
    sessions = {}
    for label, f in names:
        path = os.path.join(a.model_dir, f)
        if os.path.exists(path):
            sessions[label] = ort.InferenceSession(path, providers=["CUDAExecutionProvider"])
    frames = int(a.seconds * 100)
    rng = np.random.RandomState(0)
    result = {"onnxruntime": ort.__version__, "utterance_seconds": a.seconds, "runs": []}
    for bsz in [int(b) for b in a.batches.split(",")]:
        feats = (rng.randn(bsz, frames, 80) * 3 + 12).astype(np.float32)  # fbank-like scale; FLOPs do not care
        lens = np.full((bsz,), frames, dtype=np.int64)
        times = {k: [] for k in sessions}

        def run(s):
            i = s.get_inputs()
            s.run(None, {i[0].name: feats, i[1].name: lens})
        for s in sessions.values():
            for _ in range(3):
                run(s)
        for _ in range(a.repeats):
            for k, s in sessions.items():
                t0 = time.perf_counter()
                run(s)  # run() returns host arrays, so the GPU work is finished when it returns
                times[k].append(time.perf_counter() - t0)
        row = {"batch": bsz, **speed_row(times, bsz * a.seconds)}
        result["runs"].append(row)
        print(json.dumps(row), flush=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
