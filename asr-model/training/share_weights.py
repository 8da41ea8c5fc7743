#!/usr/bin/env python3
"""Store the weights that several ONNX files of one model folder have in common only once.

The dense backbone, the parallel-adapter graph and the CoDA graphs (r = 2, 4, 8) all embed the same frozen backbone
weights; shipped as they are, the folder holds the backbone five times. This rewrites the given models so that every
initializer of at least --min-bytes is ONNX external data in one shared file (default `weights.bin`, in the same
folder), stored once per distinct content. ONNX Runtime resolves external data relative to the model file, so the
Java side loads the rewritten files unchanged.

  share_weights.py asr-model/models/conformer-ctc-small model.onnx model.adapter.onnx model.coda-r2.onnx ...
"""
import argparse
import hashlib
import os
import sys

import onnx
from onnx import numpy_helper

ALIGN = 64


def tensor_bytes(t):
    if t.data_location == onnx.TensorProto.EXTERNAL:
        raise SystemExit(f"{t.name}: already external; run on freshly exported models")
    arr = numpy_helper.to_array(t)
    return arr, arr.tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("models", nargs="+", help="ONNX file names inside the folder")
    ap.add_argument("--weights", default="weights.bin")
    ap.add_argument("--min-bytes", type=int, default=1024, help="smaller tensors stay inside the model")
    a = ap.parse_args()

    weights_path = os.path.join(a.folder, a.weights)
    blobs = {}
    buf = bytearray()
    loaded = []
    before = 0
    for name in a.models:
        path = os.path.join(a.folder, name)
        before += os.path.getsize(path)
        loaded.append((path, onnx.load(path, load_external_data=False)))
    for path, model in loaded:
        for t in model.graph.initializer:
            arr, raw = tensor_bytes(t)
            if len(raw) < a.min_bytes:
                continue
            key = (t.data_type, tuple(arr.shape), hashlib.sha256(raw).hexdigest())
            if key not in blobs:
                pad = (-len(buf)) % ALIGN
                buf.extend(b"\0" * pad)
                blobs[key] = (len(buf), len(raw))
                buf.extend(raw)
            offset, length = blobs[key]
            for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data",
                          "string_data"):
                t.ClearField(field)
            del t.external_data[:]
            for k, v in (("location", a.weights), ("offset", str(offset)), ("length", str(length))):
                entry = t.external_data.add()
                entry.key, entry.value = k, v
            t.data_location = onnx.TensorProto.EXTERNAL
    with open(weights_path, "wb") as f:
        f.write(buf)
    after = len(buf)
    for path, model in loaded:
        onnx.save(model, path)
        after += os.path.getsize(path)
        onnx.checker.check_model(path)
    print(f"{len(loaded)} models: {before / 1e6:.2f} MB -> {after / 1e6:.2f} MB "
          f"({len(blobs)} distinct shared tensors in {a.weights}, {len(buf) / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
