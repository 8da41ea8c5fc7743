#!/usr/bin/env python3
"""Rebuild the PyTorch backbone checkpoint (train.py format) from a shipped model folder's dense ONNX graph.

The repository keeps the backbone that the CoDA stage starts from as the shipped `model.onnx` (+ `weights.bin`),
not as a PyTorch file: a checkpoint would add another 20-40 MB. This reads every initializer back, maps it to its
`ConformerCTC` parameter (named initializers keep their module path; the Linear weights that the exporter stored
transposed as `onnx::MatMul_*` are found through the MatMul node that consumes them), loads the state dict strictly
(a missing or unexpected key is an error, not a silent default) and checks that the rebuilt network reproduces
the graph's `reference-io.json` outputs. With fp16-shared weights (`share_weights.py --fp16`) the result is the
shipped model exactly, which is what the Java runtime runs; the fp32 master copy it was rounded from is gone.

  python3 -m tools.recover_backbone ../models/conformer-ctc-small --out runs/backbone/recovered.pt   (from the recipe folder)

`recover_coda(folder, file)` does the same for a shipped CoDA graph (model.adapter.onnx, model.coda-r*.onnx): the
backbone from model.onnx, the routers and adapters from that graph's own initializers (the adapter graph may hold
other adapters than the routed ones), the routing design from coda-card.json and the graph's metadata.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from local import model as M

FP16_SUFFIX = "__fp16"


def initializer_arrays(path):
    """name -> float32 array for every initializer (external data resolved, fp16 copies under their original name)."""
    graph = onnx.load(path, load_external_data=True).graph
    arrays = {}
    for t in graph.initializer:
        arr = numpy_helper.to_array(t)
        name = t.name[: -len(FP16_SUFFIX)] if t.name.endswith(FP16_SUFFIX) else t.name
        arrays[name] = arr.astype(np.float32) if arr.dtype == np.float16 else arr
    source = initializer_source(graph)
    for n in graph.node:  # the exporter stores equal tensors once and names the others through Identity nodes
        if n.op_type == "Identity" and n.output[0] not in arrays and source(n.input[0]) in arrays:
            arrays[n.output[0]] = arrays[source(n.input[0])]
    return graph, arrays


def module_path(node_name, op):
    """"/net/layers.0/ff1/net/net.1/MatMul" -> "layers.0.ff1.net.1": a container's child scope is
    "<container>.<index>"."""
    parts = []
    for scope in node_name[len("/net/"): -len("/" + op)].split("/"):
        if parts and scope.startswith(parts[-1] + "."):
            parts.pop()
        parts.append(scope)
    return ".".join(parts)


def initializer_source(graph):
    """A node input -> the initializer name behind it (through fp16 Casts and the Identity aliases the exporter
    makes for equal tensors; without the fp16 suffix)."""
    alias = {n.output[0]: n.input[0] for n in graph.node if n.op_type in ("Cast", "Identity")}

    def source(name):
        src = name
        while src in alias:
            src = alias[src]
        return src[: -len(FP16_SUFFIX)] if src.endswith(FP16_SUFFIX) else src
    return source


def matmul_weight_names(graph):
    """onnx::MatMul_* initializer (or its Cast output) -> state-dict key of the Linear weight it holds (transposed)."""
    source = initializer_source(graph)
    names = {}
    for n in graph.node:
        if n.op_type != "MatMul" or not n.name.startswith("/net/") or not n.name.endswith("/MatMul"):
            continue
        for inp in n.input:
            src = source(inp)
            if src.startswith("onnx::MatMul_"):
                names[src] = module_path(n.name, "MatMul") + ".weight"
    return names


def recover(folder):
    path = os.path.join(folder, "model.onnx")
    card_path = os.path.join(folder, "model-card.json")
    if os.path.exists(card_path):
        with open(card_path) as f:
            card = json.load(f)
    else:  # a CoDA test folder (export_coda.py --tiny-random) has only the CoDA card, which holds the backbone's
        with open(os.path.join(folder, "coda-card.json")) as f:
            coda_card = json.load(f)
        card = {"config": coda_card["backbone_config"], "version": coda_card.get("version")}
    cfg = M.ConformerConfig(**card["config"])
    net = M.ConformerCTC(cfg)
    graph, arrays = initializer_arrays(path)
    matmuls = matmul_weight_names(graph)
    state = {}
    expected = net.state_dict()
    for name, arr in arrays.items():
        if name.startswith("net."):
            key = name[len("net."):]
            if key in expected:
                state[key] = torch.from_numpy(arr.copy())
        elif name in matmuls:
            state[matmuls[name]] = torch.from_numpy(arr.T.copy())
    missing = sorted(set(expected) - set(state))
    if missing:
        raise SystemExit(f"{path}: no initializer for {len(missing)} parameters, e.g. {missing[:5]}")
    for k, v in state.items():
        if tuple(v.shape) != tuple(expected[k].shape):
            raise SystemExit(f"{path}: {k} has shape {tuple(v.shape)}, the model expects {tuple(expected[k].shape)}")
    net.load_state_dict(state, strict=True)
    return net.eval(), cfg, card


def recover_coda(folder, file):
    """(CodaConformer in eval, r, the graph's metadata) rebuilt from model.onnx + a shipped CoDA graph."""
    from local import coda as C
    backbone, cfg, _ = recover(folder)
    path = os.path.join(folder, file)
    meta = {p.key: p.value for p in onnx.load(path, load_external_data=False).metadata_props}
    if meta.get("model_type") != "conformer-ctc-coda":
        raise SystemExit(f"{path}: not a CoDA graph (model_type {meta.get('model_type')!r})")
    with open(os.path.join(folder, "coda-card.json")) as f:
        stored = json.load(f)["coda_config"]
    r = int(meta["coda_r"])
    stored.update({"adapter_dim": int(meta["coda_adapter_dim"]), "dense_layers": int(meta["coda_dense_layers"]),
                   "dense_last_layers": int(meta.get("coda_dense_last_layers", 0))})
    coda = C.CodaAdapters(cfg, C.CodaConfig.from_checkpoint(stored))
    graph, arrays = initializer_arrays(path)
    matmuls = matmul_weight_names(graph)
    expected = coda.state_dict()
    state = {}
    for name, arr in arrays.items():
        key = name[len("net.coda."):] if name.startswith("net.coda.") else None
        if name in matmuls:  # the exporter names the adapters' MatMul scopes with or without "coda/"
            key, arr = matmuls[name].removeprefix("coda."), arr.T
        if key in expected:
            state[key] = torch.from_numpy(arr.copy()).reshape(expected[key].shape)
    missing = sorted(set(expected) - set(state))
    if missing:
        raise SystemExit(f"{path}: no initializer for {len(missing)} CoDA parameters, e.g. {missing[:5]}")
    coda.load_state_dict(state, strict=True)
    return C.CodaConformer(backbone, coda).eval(), r, meta


def check_reference(net, folder):
    """Max |log_probs difference| against the exporter's reference-io.json (inputs and ONNX outputs)."""
    ref_path = os.path.join(folder, "reference-io.json")
    if not os.path.exists(ref_path):
        return None
    with open(ref_path) as f:
        ref = json.load(f)
    feats = torch.tensor(ref["features"], dtype=torch.float32)
    lens = torch.tensor(ref["feature_lengths"], dtype=torch.int64)
    want = torch.tensor(ref["log_probs"], dtype=torch.float32)
    with torch.no_grad():
        got, out_lens = net(feats, lens)
    return max(float((got[i, :n] - want[i, :n]).abs().max()) for i, n in enumerate(out_lens.tolist()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", help="model folder with model.onnx, model-card.json (and weights.bin)")
    ap.add_argument("--out", required=True, help="checkpoint to write (train.py / checkpoint.load_backbone format)")
    # reference-io.json holds the fp32 export's outputs; fp16-rounded shared weights move log_probs by ~3e-3
    ap.add_argument("--tolerance", type=float, default=2e-2, help="max |log_probs diff| against reference-io.json")
    a = ap.parse_args()
    net, cfg, card = recover(a.folder)
    diff = check_reference(net, a.folder)
    if diff is None:
        print("no reference-io.json: output check skipped")
    elif diff > a.tolerance:
        raise SystemExit(f"rebuilt network differs from the ONNX reference by {diff:.2e} (> {a.tolerance})")
    else:
        print(f"reference-io.json reproduced: max |log_probs diff| {diff:.2e}")
    training = card.get("training", {})
    state = {"model": net.state_dict(), "config": cfg.to_dict(), "step": training.get("steps", 0), "epoch": 0,
             "batch_pos": 0, "dev_wer": card.get("dev", {}).get("wer_greedy_percent"),
             "recovered_from": os.path.abspath(os.path.join(a.folder, "model.onnx")),
             "version": card.get("version")}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save(state, a.out)
    print(f"{a.out}: {net.num_params():,} params, {len(state['model'])} tensors, version {state['version']}")


if __name__ == "__main__":
    sys.exit(main())
