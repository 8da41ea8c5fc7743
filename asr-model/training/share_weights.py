#!/usr/bin/env python3
"""Store the weights that several ONNX files of one model folder have in common only once.

The dense backbone, the parallel-adapter graph and the CoDA graphs (r = 2, 4, 8) all embed the same frozen backbone
weights; shipped as they are, the folder holds the backbone five times. This rewrites the given models so that every
initializer of at least --min-bytes is ONNX external data in one shared file (default `weights.bin`, in the same
folder), stored once per distinct content. ONNX Runtime resolves external data relative to the model file, so the
Java side loads the rewritten files unchanged.

--fp16 stores every shared float32 weight as float16 (half the bytes) and adds a Cast to float32 in front of its
users: the graph still computes in float32 (ONNX Runtime folds the Casts into float32 constants when it loads the
model), only the stored weights are rounded to 11 significant bits. That is what lets a 10M+ parameter model and
its CoDA variants fit the repository's size budget; check the dev WER of the result against the float32 export.

  share_weights.py asr-model/models/conformer-ctc-small model.onnx model.adapter.onnx model.coda-r2.onnx ...

--append adds models to a folder that was shared before: the existing weights file is kept byte for byte, tensors
already in it (found through the external-data entries of --existing models) are referenced where they are, and only
new contents are appended, e.g. for the streaming graph exported later from the same backbone:

  share_weights.py --fp16 --append --existing model.onnx asr-model/models/conformer-ctc-small model.streaming.onnx
"""
import argparse
import hashlib
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

ALIGN = 64


def tensor_bytes(t):
    if t.data_location == onnx.TensorProto.EXTERNAL:
        raise SystemExit(f"{t.name}: already external; run on freshly exported models")
    arr = numpy_helper.to_array(t)
    return arr, arr.tobytes()


def index_external(path, weights, buf, blobs):
    """Adds the external tensors of an already shared model to `blobs`, keyed as main() keys new ones."""
    model = onnx.load(path, load_external_data=False)
    for t in model.graph.initializer:
        if t.data_location != onnx.TensorProto.EXTERNAL:
            continue
        info = {e.key: e.value for e in t.external_data}
        if info.get("location") != weights:
            continue
        offset, length = int(info["offset"]), int(info["length"])
        raw = bytes(buf[offset: offset + length])
        blobs[(t.data_type, tuple(t.dims), hashlib.sha256(raw).hexdigest())] = (offset, length)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("models", nargs="+", help="ONNX file names inside the folder")
    ap.add_argument("--weights", default="weights.bin")
    ap.add_argument("--min-bytes", type=int, default=1024, help="smaller tensors stay inside the model")
    ap.add_argument("--fp16", action="store_true", help="store shared float32 weights as float16 + Cast nodes")
    ap.add_argument("--append", action="store_true", help="keep the existing weights file and append to it")
    ap.add_argument("--existing", nargs="*", default=[],
                    help="with --append: already shared models whose external tensors may be reused")
    a = ap.parse_args()

    weights_path = os.path.join(a.folder, a.weights)
    blobs = {}
    buf = bytearray()
    if a.append:
        with open(weights_path, "rb") as f:
            buf.extend(f.read())
        for name in a.existing:
            index_external(os.path.join(a.folder, name), a.weights, buf, blobs)
        print(f"{a.weights}: {len(buf) / 1e6:.2f} MB kept, {len(blobs)} tensors indexed from {a.existing}")
    kept = len(buf)
    loaded = []
    before = 0
    for name in a.models:
        path = os.path.join(a.folder, name)
        before += os.path.getsize(path)
        loaded.append((path, onnx.load(path, load_external_data=False)))
    for path, model in loaded:
        graph_inputs = {i.name for i in model.graph.input}
        casts = []
        for t in model.graph.initializer:
            arr, raw = tensor_bytes(t)
            if len(raw) < a.min_bytes:
                continue
            if a.fp16 and t.data_type == onnx.TensorProto.FLOAT and t.name not in graph_inputs:
                arr = arr.astype(np.float16)
                raw = arr.tobytes()
                original = t.name
                t.name = original + "__fp16"
                t.data_type = onnx.TensorProto.FLOAT16
                casts.append(helper.make_node("Cast", [t.name], [original], to=onnx.TensorProto.FLOAT,
                                              name="cast_" + original))
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
        if casts:  # Casts first: the graph stays topologically sorted
            nodes = list(model.graph.node)
            del model.graph.node[:]
            model.graph.node.extend(casts + nodes)
    with open(weights_path, "wb") as f:
        f.write(buf)
    after = len(buf) - kept
    for path, model in loaded:
        onnx.save(model, path)
        after += os.path.getsize(path)
        onnx.checker.check_model(path)
    print(f"{len(loaded)} models: {before / 1e6:.2f} MB -> {after / 1e6:.2f} MB "
          f"({len(blobs)} distinct shared tensors in {a.weights}, {len(buf) / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
