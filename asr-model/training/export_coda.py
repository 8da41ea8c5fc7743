#!/usr/bin/env python3
"""Export CoDA models (coda.py) to ONNX for the Java runtime, with a dev-set card.

Writes into --out: model.adapter.onnx (parallel adapter: every frame through every layer, r = 1),
model.coda-r2.onnx, model.coda-r4.onnx, model.coda-r8.onnx, coda-card.md, coda-card.json
(with --tiny-random also the dense model.onnx and tokens.txt of the same random backbone).

ONNX contract = the dense model.onnx (export_onnx.py) plus one output:
  inputs : features float32 [batch, frames, 80] raw fbank; feature_lengths int64 [batch]
  outputs: log_probs float32 [batch, out_frames, vocab]; log_prob_lengths int64 [batch];
           coda_selected bool [batch, layers, out_frames]: true where the layer ran on that frame
           (all valid frames for r = 1 and for the first coda_dense_layers and the last coda_dense_last_layers layers; false on padding)
k = ceil(valid_out_frames / r) is computed inside the graph (TopK with a dynamic K), per row of the batch.
Examples:
  export_coda.py --backbone runs/cpu1/checkpoints/best.pt --coda runs/coda1/coda-latest.pt \\
                 --data data --out ../models/conformer-ctc-small
  export_coda.py --tiny-random --out ../src/test/resources/models/tiny-coda
"""
import argparse
import datetime
import inspect
import json
import os
import sys
import time

import onnx
import torch

from local import coda as C
from local import data, tokens
from local import model as M
from local.checkpoint import load_backbone
from local.evaluation import evaluate_per_utterance
from local.model import OnnxWrapper
from local.paths import DATA_DIR, REPO

FILES = {1: "model.adapter.onnx", 2: "model.coda-r2.onnx", 4: "model.coda-r4.onnx", 8: "model.coda-r8.onnx"}
# TopK picks the frames; whole frames move back by ScatterND (coda.scatter_rows; their row Gather is not listed:
# every graph has Gathers of shapes); the small [B, K] index sort and [B, T] selection mask use GatherElements /
# ScatterElements
REQUIRED_OPS = {"TopK", "ScatterND", "GatherElements", "ScatterElements"}


def coda_metadata(base, net, r):
    meta = dict(base)
    coda = net.coda
    new = sum(p.numel() for p in coda.adapters.parameters())
    if r > 1:
        new += sum(p.numel() for p in coda.routers.parameters())
    meta.update({"model_type": "conformer-ctc-coda", "coda_r": str(r),
                 "coda_dense_layers": str(net.backbone.cfg.layers if r == 1 else coda.cfg.dense_layers),
                 "coda_dense_last_layers": str(0 if r == 1 else coda.cfg.dense_last_layers),
                 "coda_attend_all_frames": str(int(r > 1 and coda.cfg.attend_all_frames)),
                 "coda_adapter_dim": str(coda.adapters[0].down.out_features),
                 "coda_layers": str(net.backbone.cfg.layers),
                 "new_params": str(new), "backbone_params": str(net.backbone.num_params())})
    return meta


@torch.no_grad()
def trace_shape_check(module, example):
    """The ONNX graph comes from a trace: run the trace on another batch size and length than it was traced with
    (and rows of different lengths) and compare with eager mode, so nothing shape-dependent was frozen."""
    traced = torch.jit.trace(module, example, check_trace=False)
    x = example[0][:, : max(31, example[0].shape[1] // 2)]
    x = torch.cat([x, x[:1]], dim=0)
    lens = torch.tensor([x.shape[1], max(29, x.shape[1] * 2 // 3), max(27, x.shape[1] // 3)])
    a, b = module(x, lens), traced(x, lens)
    for u, v in zip(a, b):
        if u.shape != v.shape or (u.float() - v.float()).abs().max() > 1e-4:
            raise SystemExit(f"trace check FAILED: eager {tuple(u.shape)} vs traced {tuple(v.shape)}")


def write_onnx(module, example, path, meta, extra_output, opset=17):
    outputs = ["log_probs", "log_prob_lengths"] + (["coda_selected"] if extra_output else [])
    axes = {"features": {0: "batch", 1: "frames"}, "feature_lengths": {0: "batch"},
            "log_probs": {0: "batch", 1: "out_frames"}, "log_prob_lengths": {0: "batch"}}
    if extra_output:
        axes["coda_selected"] = {0: "batch", 2: "out_frames"}
    trace_shape_check(module, example)
    extra = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        extra["dynamo"] = False  # torch >= 2.9 defaults to the dynamo exporter; keep the TorchScript path
    torch.onnx.export(module, example, path, opset_version=opset, **extra, input_names=["features", "feature_lengths"],
                      output_names=outputs, dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(path)
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.doc_string = "CoDA-ASR conformer-CTC" + (" with conditional adapters (CoDA); see coda-card.md" if extra_output else "")
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    return check_structure(path, extra_output, int(meta["coda_r"]))


def check_structure(path, extra_output, r):
    """Structural checks of an exported graph (no onnxruntime in Python here): strict shape inference, the I/O
    contract (names, element types, ranks, dynamic axes), and the routing ops being present for r > 1."""
    m = onnx.load(path)
    inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    T = onnx.TensorProto
    want_in = {"features": (T.FLOAT, 3), "feature_lengths": (T.INT64, 1)}
    want_out = {"log_probs": (T.FLOAT, 3), "log_prob_lengths": (T.INT64, 1)}
    if extra_output:
        want_out["coda_selected"] = (T.BOOL, 3)
    got_in = {i.name: (i.type.tensor_type.elem_type, len(i.type.tensor_type.shape.dim)) for i in m.graph.input}
    got_out = {o.name: (o.type.tensor_type.elem_type, len(o.type.tensor_type.shape.dim)) for o in inferred.graph.output}
    if got_in != want_in or got_out != want_out:
        raise SystemExit(f"{path}: I/O contract mismatch: inputs {got_in}, outputs {got_out}")
    for o in inferred.graph.output:
        dims = [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]
        if dims[0] != "batch":
            raise SystemExit(f"{path}: output {o.name} batch axis not dynamic: {dims}")
    ops = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    if r > 1 and not REQUIRED_OPS <= set(ops):
        raise SystemExit(f"{path}: routing ops missing: {REQUIRED_OPS - set(ops)}")
    if r == 1 and "TopK" in ops:
        raise SystemExit(f"{path}: r=1 graph unexpectedly routes")
    return {"ops": {k: ops[k] for k in sorted(REQUIRED_OPS) if k in ops}, "nodes": len(m.graph.node),
            "bytes": os.path.getsize(path)}


def tiny_random(cmvn_path):
    torch.manual_seed(0)
    cfg = M.ConformerConfig(d_model=32, heads=2, ff=32, layers=2, kernel=15, subsampling=4,
                            subsampling_channels=4, vocab=tokens.VOCAB_SIZE, dropout=0.0)
    bb = M.ConformerCTC(cfg)
    if cmvn_path and os.path.exists(cmvn_path):
        c = torch.load(cmvn_path)
        bb.cmvn.set_stats(c["mean"], c["std"])
    coda = C.CodaAdapters(cfg, C.CodaConfig(dense_layers=1, adapter_dropout=0.0))
    with torch.no_grad():  # random but non-zero, so the adapters and routers change the outputs
        for a in coda.adapters:
            a.up.weight.normal_(0, 0.2)
        for w in coda.routers.values():
            w.normal_(0, 1.0)
    return C.CodaConformer(bb.eval(), coda).eval()


def example_inputs(dev, cfg_feature_dim=80):
    if dev is not None and len(dev) >= 2:
        order = sorted(range(len(dev)), key=lambda i: dev.feats[i].shape[0])
        x, lens, _, _ = data.collate(dev, [order[0], order[1]])
        return x, lens
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, 240, cfg_feature_dim, generator=g) * 3 + 10
    lens = torch.tensor([240, 170])
    x[1, 170:] = 0
    return x, lens


@torch.no_grad()
def padded_batch_check(net, x, lens, r):
    """Padded batch == each row alone (valid frames, selection included)."""
    lp, ol, sel = net(x, lens, r=r)
    diff = 0.0
    for j in range(x.size(0)):
        s, sl, ss = net(x[j:j + 1, : lens[j]], lens[j:j + 1], r=r)
        n = int(ol[j])
        if int(sl[0]) != n or not torch.equal(ss[0, :, :n], sel[j, :, :n]):
            raise SystemExit(f"padded-batch check r={r}: selection/length differs for row {j}")
        diff = max(diff, float((lp[j, :n] - s[0, :n]).abs().max()))
        k = sel[j, :, :n].sum(-1).tolist()
        routed = set() if r == 1 else set(C.routed_layers(net.coda.cfg, net.backbone.cfg.layers))
        want = [-(-n // r) if i in routed else n for i in range(len(k))]
        if k != want:
            raise SystemExit(f"r={r}: selected frames per layer {k}, expected {want}")
    if diff > 1e-3:  # padded GEMMs sum in another order (~1e-4 on a 10-layer model); a padding leak is >> 1e-2
        raise SystemExit(f"padded-batch check r={r} FAILED: max |diff| {diff:.2e}")
    return diff


@torch.no_grad()
def time_encoder(fn, dev):
    """Wall seconds (torch CPU, batch 1) to run fn over every dev utterance."""
    t0 = time.perf_counter()
    for f in dev.feats:
        fn(f.float().unsqueeze(0), torch.tensor([f.shape[0]]))
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", default="", help="dense checkpoint (train.py)")
    ap.add_argument("--coda", default="", help="CoDA checkpoint (train_coda.py)")
    ap.add_argument("--adapter-coda", default="", help="CoDA checkpoint whose adapters make model.adapter.onnx (r=1), "
                    "when --coda was trained without r=1 in its --r-values (its adapters then expect routing)")
    ap.add_argument("--tiny-random", action="store_true", help="random tiny backbone + CoDA (Java unit tests)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--r", default="1,2,4,8", help="which files to write (1 = model.adapter.onnx)")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--skip-eval", action="store_true")
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--timing-repeats", type=int, default=1,
                    help="timing passes (the first is the WER pass); best is kept")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--version", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    rs = [int(v) for v in a.r.split(",")]
    if any(r not in FILES for r in rs):
        sys.exit(f"--r values must be among {sorted(FILES)}")
    dev_shard = os.path.join(a.data, "shards", "dev-test-other.pt")
    bstate, cstate = {}, {}
    adapter_net = None  # the net whose adapters make model.adapter.onnx when it is not `net` (--adapter-coda)
    if a.tiny_random:
        net = tiny_random(os.path.join(a.data, "cmvn.pt"))
        source = "random tiny backbone + random CoDA parameters (seed 0), untrained"
    else:
        if not (a.backbone and a.coda):
            sys.exit("give --backbone and --coda, or --tiny-random")
        bb, bstate = load_backbone(a.backbone)
        net, cstate = C.load_coda(bb, a.coda)
        if a.adapter_coda:
            adapter_net, astate = C.load_coda(bb, a.adapter_coda)
        if cstate.get("backbone_step") not in (None, bstate.get("step")):
            print(f"warning: CoDA was trained on backbone step {cstate.get('backbone_step')}, "
                  f"exporting with step {bstate.get('step')}")
        source = f"backbone {os.path.relpath(os.path.abspath(a.backbone), REPO)} (step {bstate.get('step')}), " \
                 f"CoDA {os.path.relpath(os.path.abspath(a.coda), REPO)} (step {cstate.get('step')})"
        if a.adapter_coda:
            source += f", r=1 adapters from {os.path.relpath(os.path.abspath(a.adapter_coda), REPO)} " \
                      f"(step {astate.get('step')}, r values {astate.get('args', {}).get('r_values')})"
    net.eval()
    dev = data.FeatureSet([dev_shard], limit=a.dev_limit, subsampling=1, vocab=getattr(net.backbone, "vocab", tokens.CHARS)) \
        if os.path.exists(dev_shard) else None

    def net_for(r):
        return adapter_net if r == 1 and adapter_net is not None else net
    cfg = net.backbone.cfg
    version = a.version or f"{datetime.date.today().isoformat()}-step{bstate.get('step', 0)}-coda{cstate.get('step', 0)}"
    base = M.onnx_metadata(cfg, version)
    x, lens = example_inputs(dev if not a.tiny_random else None)
    report = {"files": {}, "padded_batch_max_abs_diff": {}}
    if a.tiny_random:  # the dense graph of the same backbone, so the Java side can compare dense vs CoDA
        report["files"]["model.onnx"] = write_onnx(OnnxWrapper(net.backbone).eval(), (x, lens),
                                                   os.path.join(a.out, "model.onnx"), base, False, a.opset)
        tokens.CHARS.write(os.path.join(a.out, "tokens.txt"))
    metas = {}
    for r in rs:
        report["padded_batch_max_abs_diff"][r] = padded_batch_check(net_for(r), x, lens, r)
        metas[r] = coda_metadata(base, net_for(r), r)
        path = os.path.join(a.out, FILES[r])
        report["files"][FILES[r]] = write_onnx(C.CodaExport(net_for(r), r).eval(), (x, lens), path, metas[r], True,
                                               a.opset)
        print(f"wrote {path}: {report['files'][FILES[r]]}")
    # reference outputs for a cross-check in an ONNX runtime (tools/coda_ort_check.sh): inputs + torch outputs
    g = torch.Generator().manual_seed(2)
    rx = (torch.randn(2, 48, 80, generator=g) * 3 + 10).round(decimals=2)
    rl = torch.tensor([48, 33])
    if dev is not None and not a.tiny_random:  # real speech (first frames of two dev utterances)
        rx[0] = dev.feats[0][:48].float().round(decimals=2)
        rx[1, :33] = dev.feats[1][:33].float().round(decimals=2)
    rx[1, 33:] = 0
    ref = {"features": rx.double().round(decimals=2).tolist(), "feature_lengths": rl.tolist(), "outputs": {}}
    with torch.no_grad():
        if a.tiny_random:  # model.onnx is only written here (the real one comes from export_onnx.py)
            lp, ol = net.backbone(rx, rl)
            ref["outputs"]["model.onnx"] = {"log_probs": lp.double().round(decimals=5).tolist(),
                                            "log_prob_lengths": ol.tolist()}
        for r in rs:
            lp, ol, sel = net_for(r)(rx, rl, r=r)
            ref["outputs"][FILES[r]] = {"log_probs": lp.double().round(decimals=5).tolist(),
                                        "log_prob_lengths": ol.tolist(), "coda_selected": sel.int().tolist()}
    with open(os.path.join(a.out, "coda-reference.json"), "w") as f:
        json.dump(ref, f)
    evals = {}
    if dev is not None and not a.skip_eval and not a.tiny_random:
        fns = {"dense": lambda f, l: net.backbone(f, l)}
        fns.update({r: (lambda f, l, r=r: net_for(r)(f, l, r=r)) for r in rs})
        dense_lps = None
        for key, fn in fns.items():
            res, hyps, lps = evaluate_per_utterance(fn, dev, dense_lps)
            if key == "dense":
                dense_lps = lps
            evals[key] = res
            name = "dense" if key == "dense" else f"coda-r{key}"
            with open(os.path.join(a.out, f"dev-hyps.{name}.tsv"), "w") as f:
                for i, h in zip(dev.ids, hyps):
                    f.write(f"{i}\t{h}\n")
            print(f"{name}: {res}")
        for _ in range(a.timing_repeats - 1):  # extra timing passes, variants interleaved (the CPU is shared)
            for key, fn in fns.items():
                evals[key]["seconds"] = min(evals[key]["seconds"], time_encoder(fn, dev))
    card = build_card(a, net, cstate, bstate, source, version, metas, report, evals, dev)
    with open(os.path.join(a.out, "coda-card.json"), "w") as f:
        json.dump(card, f, indent=1)
    with open(os.path.join(a.out, "coda-card.md"), "w") as f:
        f.write(render_card(card))
    print(f"wrote {a.out}: {', '.join(card['files'])}, coda-card.md/json")


def build_card(a, net, cstate, bstate, source, version, metas, report, evals, dev):
    coda = net.coda
    bb_params = net.backbone.num_params()
    adapters = sum(p.numel() for p in coda.adapters.parameters())
    routers = sum(p.numel() for p in coda.routers.parameters())
    targs = cstate.get("args", {})
    return {
        "name": os.path.basename(os.path.abspath(a.out)), "source": source, "version": version,
        "backbone_config": net.backbone.cfg.to_dict(), "coda_config": coda.cfg.to_dict(),
        "backbone_params": bb_params, "adapter_params": adapters, "router_params": routers,
        "new_params_percent": round(100.0 * (adapters + routers) / bb_params, 3),
        "training": {"steps": cstate.get("step", 0), "minutes": cstate.get("minutes"),
                     "r_values": targs.get("r_values"), "kd_weight": targs.get("kd_weight"),
                     "ctc_weight": targs.get("ctc_weight"), "lr": targs.get("lr"),
                     "max_frames": targs.get("max_frames"), "dynamic_chunk": targs.get("dynamic_chunk"),
                     "specaug": targs.get("specaug"), "sources": targs.get("sources"),
                     "unlabelled_utts": cstate.get("unlabelled_utts", 0),
                     "train_hours": cstate.get("train_hours"), "backbone_step": bstate.get("step"),
                     "backbone_dev_wer_at_save": bstate.get("dev_wer"), "last_losses": cstate.get("last_losses")},
        "dev": {"utterances": 0 if dev is None else len(dev),
                "results": {str(k): v for k, v in evals.items()}},
        "files": report["files"], "metadata": {FILES[r]: m for r, m in metas.items()},
        "padded_batch_max_abs_diff": {str(k): v for k, v in report["padded_batch_max_abs_diff"].items()},
    }


def render_card(c):
    t = c["training"]
    res = c["dev"]["results"]
    rows = []
    if res:
        base = res["dense"]["seconds"]
        for key, label in [("dense", "dense backbone (model.onnx)")] + [(str(r), f"{FILES[r]} (r={r})") for r in FILES]:
            if key in res:
                v = res[key]
                fid = (f"{v['kl_per_frame']:.3f} | {100 * v['argmax_agreement']:.1f}" if "kl_per_frame" in v
                       else "0 | 100")
                rows.append(f"| {label} | {v['wer']:.2f} | {fid} | {100 * v['processed']:.1f} | {v['seconds']:.2f} | "
                            f"{base / v['seconds']:.2f}x |")
    table = "\n".join(rows) or "| (not evaluated) | | | | | | |"
    untrained = t["steps"] == 0
    training = "* Training: none (random parameters)." if untrained else (
        f"* Training: {t['steps']} steps" + (f" ({t['minutes']:.1f} min CPU)" if t.get("minutes") else "") +
        f", loss = {t['ctc_weight']} x CTC + {t['kd_weight']} x KL(dense teacher || CoDA student) per frame;\n"
        f"  {t['unlabelled_utts']} unlabelled utterances (distillation only); LR {t['lr']}, <= {t['max_frames']} padded\n"
        f"  frames per batch, dynamic chunk masks {t['dynamic_chunk']}, SpecAugment on the student input {t['specaug']};\n"
        f"  training data {t['train_hours']} h ({t['sources']}); backbone step {t['backbone_step']} (its dev WER at save:\n"
        f"  {t['backbone_dev_wer_at_save']}). Last logged losses: {t['last_losses']}.")
    files = "\n".join(f"| {k} | {v['bytes']:,} | {v['nodes']} | {v['ops']} |" for k, v in c["files"].items())
    return f"""# {c['name']}: CoDA (conditional adapters)

Source: {c['source']}. Version `{c['version']}`.
{"**Random, untrained parameters: these graphs recognise nothing.** They exist so the Java side can test the ONNX contract, the routing output and dense-vs-CoDA plumbing on tiny graphs. `coda-reference.json` holds a reference input (2 rows, 48 and 33 frames) and the torch outputs of every file for a runtime cross-check." if untrained else ""}

* Backbone (frozen): {c['backbone_params']:,} params, d_model {c['backbone_config']['d_model']}, {c['backbone_config']['layers']} layers.
* New params: routers {c['router_params']:,} + parallel adapters {c['adapter_params']:,}
  (adapter dim {c['coda_config']['adapter_dim'] or c['backbone_config']['d_model'] // 4}) =
  **{c['new_params_percent']:.2f} % of the backbone**. The first {c['coda_config']['dense_layers']} and the last {c['coda_config'].get('dense_last_layers', 0)} layer(s) are never routed.
* ONE set of routers/adapters serves every file{f": r was sampled per training batch from {t['r_values']}" if t['r_values'] else ""}
  (r = 1 = parallel-adapter baseline, every frame through every layer).
{training}

## Dev (LibriSpeech test-other sample, {c['dev']['utterances']} utts), greedy CTC, torch fp32, full attention

Fidelity to the frozen dense model (meaningful even when the backbone itself is weak): mean KL(dense || model) per
output frame and the share of output frames whose argmax token equals the dense model's.
`processed` = share of (layer, valid frame) pairs that ran through a conformer layer. Time = torch CPU, 1 thread,
batch 1, the whole model (subsampling + encoder + head) over all dev utterances: a first speed figure only; the
ONNX Runtime numbers come from the Java benchmark.

| model | WER % | KL(dense ‖ model) per frame | argmax agreement with dense % | processed % | time s | speed-up vs dense |
| --- | --- | --- | --- | --- | --- | --- |
{table}

## Files

| file | bytes | nodes | routing ops |
| --- | --- | --- | --- |
{files}

I/O = the dense `model.onnx` contract (features float32 [B,T,80], feature_lengths int64 [B] -> log_probs float32
[B,T',V], log_prob_lengths int64 [B]) plus `coda_selected` **bool** [B, layers, T'] (true = that layer ran on that
frame). k = ceil(n / r) is computed in the graph from the valid length n of each row (a streaming window counts as an
utterance). metadata_props: the dense keys plus `model_type`=`conformer-ctc-coda`, `coda_r`, `coda_dense_layers`, `coda_dense_last_layers`, `coda_attend_all_frames`,
`coda_adapter_dim`, `coda_layers`, `new_params`, `backbone_params`. Padded-batch check (rows alone vs padded
together, max |diff| of log_probs): {c['padded_batch_max_abs_diff']}.
"""


if __name__ == "__main__":
    main()
