#!/usr/bin/env python3
"""Export a trained checkpoint (or a random tiny model for Java unit tests) to ONNX for the Java runtime.

Writes into --out: model.onnx (fp32, opset 17, dynamic batch/time), optionally model.int8.onnx (--int8),
tokens.txt, model-card.md, model-card.json.

ONNX contract (the Java side depends on it exactly):
  inputs : features float32 [batch, frames, 80] raw Kaldi fbank (CMVN is inside the graph)
           feature_lengths int64 [batch]
  outputs: log_probs float32 [batch, out_frames, vocab] (log-softmax over tokens.txt ids, blank = 0)
           log_prob_lengths int64 [batch]
Examples:
  export_onnx.py --run-dir asr-model/training/runs/cpu1 --out asr-model/models/conformer-ctc-small
  export_onnx.py --tiny-random --out asr-model/src/test/resources/models/tiny-ctc
"""
import argparse
import datetime
import json
import os
import sys

import onnx
import torch

from local import data, tokens
from local import model as M
from local.checkpoint import resolve_checkpoint
from local.evaluation import evaluate
from local.model import OnnxWrapper
from local.paths import DATA_DIR, DEV_DIR, REPO

RECOMMENDED_CHUNK_OUT = M.RECOMMENDED_CHUNK_OUT
RECOMMENDED_LEFT_CHUNKS = M.RECOMMENDED_LEFT_CHUNKS
TOKENS_NOTE = {
    "char": "`<blk>`, `\u2581` (word boundary), `'`, `A`..`Z`",
    "bpe": "`<blk>`, `<unk>`, then SentencePiece word pieces (train_bpe.py; `\u2581` starts a word: `\u2581THE`, `ING`)",
}


def padded_batch_check(net, dev):
    """Two dev utterances padded into one batch must give the same log_probs (valid frames) as run singly."""
    order = sorted(range(len(dev)), key=lambda i: dev.feats[i].shape[0])
    pick = [order[0], order[-1]] if len(order) >= 2 else [order[0], order[0]]
    x, lens, _, _ = data.collate(dev, pick)
    with torch.no_grad():
        lp, ol = net(x, lens)
        diff = 0.0
        for j in range(len(pick)):
            s, sl = net(x[j:j + 1, : lens[j]], lens[j:j + 1])
            n = int(ol[j])
            if int(sl[0]) != n:
                raise SystemExit(f"padded-batch check: length mismatch {int(sl[0])} vs {n}")
            diff = max(diff, float((lp[j, :n] - s[0, :n]).abs().max()))
    if diff > 1e-3:  # padded GEMMs sum in another order; a padding leak gives differences >> 1e-2
        raise SystemExit(f"padded-batch check FAILED: max |diff| {diff:.2e} > 1e-4")
    print(f"padded-batch check ok: max |diff| {diff:.2e} over valid frames (lengths {lens.tolist()})")
    return diff


def trace_shape_check(wrapper, example, dev):
    """The ONNX graph comes from a trace: make sure nothing shape-dependent was frozen by running the trace on a
    different batch size and length than it was traced with and comparing with eager mode."""
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, example, check_trace=False)
        idx = [len(dev) - 1] if len(dev) > 2 else [0]
        x, lens, _, _ = data.collate(dev, idx)
        x = x[:, : max(31, x.shape[1] // 2)]
        lens = lens.clamp(max=x.shape[1])
        a, al = wrapper(x, lens)
        b, bl = traced(x, lens)
    if a.shape != b.shape or not torch.equal(al, bl) or float((a - b).abs().max()) > 1e-4:
        raise SystemExit(f"trace check FAILED: eager {tuple(a.shape)} vs traced {tuple(b.shape)}")
    print(f"trace check ok on shape {tuple(x.shape)} (traced with {tuple(example[0].shape)})")


def write_reference_io(net, dev, path, frames=(40, 29)):
    """Small padded batch (first two dev utterances cut to `frames` fbank frames) with the torch outputs, so the Java
    ONNX wrapper can check its numerics against PyTorch. Compare only valid output frames (log_prob_lengths)."""
    n = min(2, len(dev))
    feats = [dev.feats[i][: frames[i]].float() for i in range(n)]
    lens = torch.tensor([f.shape[0] for f in feats], dtype=torch.long)
    x = torch.zeros(n, int(lens.max()), feats[0].shape[1])
    for j, f in enumerate(feats):
        x[j, : f.shape[0]] = f
    with torch.no_grad():
        lp, ol = net(x, lens)
    r = lambda t: [[[round(v, 6) for v in row] for row in m] for m in t.tolist()]  # noqa: E731
    with open(path, "w") as f:
        json.dump({"note": "features = fbank of dev utterances " + ", ".join(dev.ids[:n]) + " (first frames), "
                           "zero-padded; compare log_probs on valid frames only",
                   "tolerance": 1e-4, "feature_lengths": lens.tolist(), "features": r(x),
                   "log_prob_lengths": ol.tolist(), "log_probs": r(lp)}, f, separators=(",", ":"))


# Weights are stored as uint8 with zero point 128 (values 1..255, i.e. symmetric -127..127), so ONNX Runtime runs
# its u8 x u8 MatMulInteger kernel. Its u8 x s8 kernel lost far more than the rounding does: on the shipped 10-layer
# model in Java (dev WER), fp32 71.74 %, s8 weights (7-bit) 77.78 %, u8 weights 74.90 %; per-column s8 scales 77.97 %.
# (The x86 u8 x s8 path sums pairs of products in int16 and can saturate; which part of the loss that explains is
# not established.)
INT8_WEIGHT_MAX = 127
INT8_WEIGHT_ZERO_POINT = 128


class _FakeQuantLinear(torch.nn.Module):
    """Emulates the int8 graph written by quantize_dynamic_int8 in float: ONNX DynamicQuantizeLinear on the input
    (uint8, per tensor, range includes 0, round half to even) times symmetric per-tensor 8-bit weights."""

    def __init__(self, lin):
        super().__init__()
        scale = max(float(lin.weight.abs().max()) / INT8_WEIGHT_MAX, 1e-12)
        self.w = torch.clamp(torch.round(lin.weight / scale), -INT8_WEIGHT_MAX, INT8_WEIGHT_MAX) * scale
        self.b = lin.bias

    def forward(self, x):
        lo, hi = torch.clamp(x.min(), max=0.0), torch.clamp(x.max(), min=0.0)
        s = (hi - lo) / 255.0
        if float(s) == 0.0:
            return torch.nn.functional.linear(x, self.w, self.b)
        zp = torch.clamp(torch.round(-lo / s), 0, 255)
        xq = (torch.clamp(torch.round(x / s) + zp, 0, 255) - zp) * s
        return torch.nn.functional.linear(xq, self.w, self.b)


def int8_simulated_net(net):
    import copy
    q = copy.deepcopy(net)
    for name, mod in list(q.named_modules()):
        for cname, child in list(mod.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(mod, cname, _FakeQuantLinear(child))
    return q.eval()


def quantize_dynamic_int8(src_path, dst_path):
    """Hand-written dynamic int8 quantization (ORT's python quantizer is not installable here): every MatMul with a
    2-D float initializer as its second input becomes DynamicQuantizeLinear(A) -> MatMulInteger(A_u8, W_s8) ->
    Cast -> Mul(a_scale * w_scale), with symmetric per-tensor 8-bit weights stored as uint8 around zero point 128
    (see INT8_WEIGHT_ZERO_POINT). Same op pattern as ORT quantize_dynamic."""
    import numpy as np
    from onnx import helper, numpy_helper, TensorProto
    m = onnx.load(src_path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes, n_q = [], 0
    for node in g.node:
        w = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if w is None or len(w.dims) != 2:
            new_nodes.append(node)
            continue
        wf = numpy_helper.to_array(w).astype(np.float32)
        scale = max(float(np.abs(wf).max()) / INT8_WEIGHT_MAX, 1e-12)
        wq = (np.clip(np.round(wf / scale), -INT8_WEIGHT_MAX, INT8_WEIGHT_MAX) + INT8_WEIGHT_ZERO_POINT).astype(np.uint8)
        p = f"{node.name or node.output[0]}_q"
        g.initializer.extend([numpy_helper.from_array(wq, p + "_W"),
                              numpy_helper.from_array(np.array(scale, dtype=np.float32), p + "_Wscale"),
                              numpy_helper.from_array(np.array(INT8_WEIGHT_ZERO_POINT, dtype=np.uint8), p + "_Wzp")])
        a = node.input[0]
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [p + "_A", p + "_Ascale", p + "_Azp"], name=p + "_dql"),
            helper.make_node("MatMulInteger", [p + "_A", p + "_W", p + "_Azp", p + "_Wzp"], [p + "_i32"],
                             name=p + "_mmi"),
            helper.make_node("Cast", [p + "_i32"], [p + "_f"], to=TensorProto.FLOAT, name=p + "_cast"),
            helper.make_node("Mul", [p + "_Ascale", p + "_Wscale"], [p + "_s"], name=p + "_scale"),
            helper.make_node("Mul", [p + "_f", p + "_s"], [node.output[0]], name=p + "_mul"),
        ]
        n_q += 1
    del g.node[:]
    g.node.extend(new_nodes)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, dst_path)
    return n_q


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default="")
    ap.add_argument("--run-dir", default="")
    ap.add_argument("--which", default="best", choices=["best", "latest"])
    ap.add_argument("--tiny-random", action="store_true", help="random tiny model (d_model 32, 1 layer) for tests")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="")
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--dev-dir", default=DEV_DIR)
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--int8", action="store_true", help="also write model.int8.onnx (see quantize_dynamic_int8)")
    ap.add_argument("--skip-eval", action="store_true", help="do not decode the dev set for the card")
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--version", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.out, exist_ok=True)
    state = {}
    vocab = tokens.CHARS
    if a.tiny_random:
        cfg = M.ConformerConfig(d_model=32, heads=2, ff=64, layers=1, kernel=15, subsampling=4,
                                subsampling_channels=4, vocab=tokens.VOCAB_SIZE, dropout=0.0)
        net = M.ConformerCTC(cfg)
        cmvn_path = os.path.join(a.data, "cmvn.pt")
        if os.path.exists(cmvn_path):
            c = torch.load(cmvn_path)
            net.cmvn.set_stats(c["mean"], c["std"])
        src = "random initialisation (seed 0), untrained"
    else:
        if not (a.checkpoint or a.run_dir):
            sys.exit("give --checkpoint, --run-dir or --tiny-random")
        ck = resolve_checkpoint(a.checkpoint, a.run_dir, a.which)
        state = torch.load(ck, map_location="cpu")
        cfg = M.ConformerConfig(**state["config"])
        net = M.ConformerCTC(cfg)
        net.load_state_dict(state["model"])
        vocab = tokens.vocabulary_of(state)
        src = os.path.relpath(os.path.abspath(ck), REPO)
        print(f"checkpoint {ck}: step {state['step']}, dev WER at save {state.get('dev_wer')}")
    net.eval()
    dev = data.load_dev(a.data, a.dev_dir, limit=a.dev_limit or (4 if a.tiny_random else 0), vocab=vocab)
    padded_diff = padded_batch_check(net, dev)
    dev_wer = dev_wer_int8 = dev_wer_chunk = dev_cer = None
    if not a.skip_eval and not a.tiny_random:
        dev_wer, hyps = evaluate(net, dev, torch.device("cpu"), None)
        with open(os.path.join(a.out, "dev-hyps.tsv"), "w") as f:
            for i, h in zip(dev.ids, hyps):
                f.write(f"{i}\t{h}\n")
        dev_cer = tokens.cer(dev.texts, hyps)
        print(f"dev WER (greedy, {len(dev)} utts): {dev_wer:.2f}%, CER {dev_cer:.2f}%")
        dev_wer_chunk, _ = evaluate(net, dev, torch.device("cpu"), None, chunk=RECOMMENDED_CHUNK_OUT,
                                          left_chunks=RECOMMENDED_LEFT_CHUNKS)
        print(f"dev WER with chunk attention ({RECOMMENDED_CHUNK_OUT} out frames, {RECOMMENDED_LEFT_CHUNKS} left "
              f"chunks): {dev_wer_chunk:.2f}%")
        if a.int8:
            dev_wer_int8, _ = evaluate(int8_simulated_net(net), dev, torch.device("cpu"), None)
            print(f"dev WER of the simulated int8 model: {dev_wer_int8:.2f}%")

    wrapper = OnnxWrapper(net).eval()
    x, lens, _, _ = data.collate(dev, [0, 1] if len(dev) > 1 else [0, 0])
    onnx_path = os.path.join(a.out, "model.onnx")
    trace_shape_check(wrapper, (x, lens), dev)
    extra = {}
    import inspect
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        extra["dynamo"] = False  # torch >= 2.9 defaults to the dynamo exporter; keep the TorchScript path
    torch.onnx.export(wrapper, (x, lens), onnx_path, opset_version=a.opset, **extra,
                      input_names=["features", "feature_lengths"], output_names=["log_probs", "log_prob_lengths"],
                      dynamic_axes={"features": {0: "batch", 1: "frames"}, "feature_lengths": {0: "batch"},
                                    "log_probs": {0: "batch", 1: "out_frames"}, "log_prob_lengths": {0: "batch"}},
                      do_constant_folding=True)
    version = a.version or f"{datetime.date.today().isoformat()}-step{state.get('step', 0)}"
    rf, stride = M.subsampling_receptive_field(cfg.subsampling)
    meta = M.onnx_metadata(cfg, version)
    m = onnx.load(onnx_path)
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.doc_string = "CoDA-ASR conformer-CTC; see model-card.md"
    onnx.checker.check_model(m, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    outs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in inferred.graph.output}
    print("outputs:", outs)
    onnx.save(m, onnx_path)
    int8_note = "not written (use --int8)"
    if a.int8:
        n = quantize_dynamic_int8(onnx_path, os.path.join(a.out, "model.int8.onnx"))
        int8_note = (f"model.int8.onnx: {n} MatMuls dynamically quantized (u8 activations; u8 weights symmetric around "
                     f"zero point 128, per tensor); numerics NOT verified in Python (no onnxruntime here): verify in Java")
    vocab.write(os.path.join(a.out, "tokens.txt"))
    write_reference_io(net, dev, os.path.join(a.out, "reference-io.json"))

    train_args = state.get("args", {})
    bpe = state.get("batches_per_epoch")
    epochs = state.get("epoch", 0) + (state.get("batch_pos", 0) / bpe if bpe else 0)
    card = {
        "name": a.name or os.path.basename(os.path.abspath(a.out)),
        "source": src,
        "version": version,
        "architecture": "Conformer-CTC: Conv2d subsampling, rotary-position MHSA, macaron FFN, causal depthwise conv",
        "config": cfg.to_dict(),
        "vocabulary": {"kind": vocab.kind, "size": vocab.size},
        "parameters": net.num_params(),
        "training": {"steps": state.get("step", 0), "epochs": round(epochs, 2),
                     "hours_by_source": state.get("hours_by_source", {}),
                     "train_hours": round(state.get("train_hours", 0.0), 3),
                     "max_frames_per_batch": train_args.get("max_frames"), "peak_lr": train_args.get("lr"),
                     "dynamic_chunk": train_args.get("dynamic_chunk"), "specaug": train_args.get("specaug")},
        "dev": {"set": "LibriSpeech test-other sample (50 utts, 1044 words)", "utterances": len(dev),
                "wer_greedy_percent": None if dev_wer is None else round(dev_wer, 2),
                "cer_greedy_percent": None if dev_cer is None else round(dev_cer, 2),
                "wer_greedy_chunk_percent": None if dev_wer_chunk is None else round(dev_wer_chunk, 2),
                "chunk_setting": f"chunk {RECOMMENDED_CHUNK_OUT} output frames, {RECOMMENDED_LEFT_CHUNKS} left chunks",
                "wer_greedy_int8_simulated_percent": None if dev_wer_int8 is None else round(dev_wer_int8, 2)},
        "features": {"type": "kaldi fbank", "num_mel_bins": 80, "frame_length_ms": 25, "frame_shift_ms": 10,
                     "dither": 0.0, "energy_floor": 0.0, "input_scale": "waveform in [-1,1] * 32768",
                     "sample_rate": 16000, "cmvn": "global mean/std, inside the graph"},
        "onnx": {"opset": a.opset, "inputs": {"features": "float32 [batch, frames, 80]",
                                              "feature_lengths": "int64 [batch]"},
                 "outputs": {"log_probs": "float32 [batch, out_frames, vocab] log-softmax",
                             "log_prob_lengths": "int64 [batch]"},
                 "out_frames_formula": "((T-1)//2 - 1)//2" if cfg.subsampling == 4 else "(((T-1)//2 - 1)//2 - 1)//2",
                 "metadata": meta, "int8": int8_note},
        "padded_batch_max_abs_diff": padded_diff,
    }
    with open(os.path.join(a.out, "model-card.json"), "w") as f:
        json.dump(card, f, indent=1)
    with open(os.path.join(a.out, "model-card.md"), "w") as f:
        f.write(render_card(card, cfg, rf, stride))
    print(f"wrote {a.out}: model.onnx ({os.path.getsize(onnx_path) / 1e6:.2f} MB), tokens.txt, model-card.*")


def render_card(c, cfg, rf, stride):
    t = c["training"]
    na = lambda v: "n/a" if v is None else v  # noqa: E731
    hours = "\n".join(f"| {k} | {v:.3f} |" for k, v in t["hours_by_source"].items()) or "| (none: untrained) | 0 |"
    wer = c["dev"]["wer_greedy_percent"]
    return f"""# {c['name']}

Conformer-CTC acoustic model of CoDA-ASR. Source: `{c['source']}`. Version `{c['version']}`.
{"**Randomly initialised test graph: it recognises nothing.** It exists so the Java ONNX wrapper can be unit-tested against the real contract and architecture." if t['steps'] == 0 else ""}

* Parameters: {c['parameters']:,}; d_model {cfg.d_model}, {cfg.heads} heads, FFN {cfg.ff}, {cfg.layers} layers,
  causal depthwise conv kernel {cfg.kernel}, Conv2d subsampling {cfg.subsampling}x ({cfg.subsampling_channels} channels),
  rotary positions, dropout {cfg.dropout}.
* Training: {t['steps']} steps, {t['epochs']} epochs, batches of <= {na(t['max_frames_per_batch'])} padded fbank
  frames, peak LR {na(t['peak_lr'])}, SpecAugment {na(t['specaug'])}, dynamic chunk training {na(t['dynamic_chunk'])}.
* Dev (LibriSpeech test-other sample, {c['dev']['utterances']} utts): greedy CTC WER
  **{'n/a' if wer is None else f'{wer:.2f} %'}**, CER {na(c['dev']['cer_greedy_percent'])} % (full attention, torch fp32;
  hypotheses in dev-hyps.tsv if written);
  chunked attention ({c['dev']['chunk_setting']}): {na(c['dev']['wer_greedy_chunk_percent'])} %;
  int8 graph simulated in torch: {na(c['dev']['wer_greedy_int8_simulated_percent'])} %.

## Training data (hours)

| source | hours |
| --- | --- |
{hours}

## Features (must match the Java fbank bit-for-bit)

`torchaudio.compliance.kaldi.fbank(wav * 32768, num_mel_bins=80, frame_length=25, frame_shift=10, dither=0.0,
energy_floor=0.0, sample_frequency=16000)` on a mono 16 kHz waveform in [-1, 1] (Kaldi defaults otherwise:
povey window, pre-emphasis 0.97, remove DC offset, snip edges, use power, log). Frames: `1 + (samples - 400) // 160`.
Global CMVN is the first op of the graph: feed raw fbank.

## ONNX contract (opset {c['onnx']['opset']})

| name | type | shape |
| --- | --- | --- |
| input `features` | float32 | [batch, frames, 80] raw fbank, zero-padded |
| input `feature_lengths` | int64 | [batch] valid frames per row |
| output `log_probs` | float32 | [batch, out_frames, {cfg.vocab}] log-softmax, ids = lines of tokens.txt, blank = 0 |
| output `log_prob_lengths` | int64 | [batch] valid output frames per row |

* `out_frames = {c['onnx']['out_frames_formula']}` (two 3x3 stride-2 convs without padding{", plus a third" if cfg.subsampling == 8 else ""});
  output frame shift {10 * cfg.subsampling} ms. Padded rows are masked: valid frames equal single-utterance results
  (max abs diff {c['padded_batch_max_abs_diff']:.1e} measured at export).
* Receptive field of the subsampling: output frame i sees input frames [{stride}i, {stride}i + {rf - 1}], i.e.
  {rf - stride} frames of lookahead beyond its own {stride}-frame hop. The conformer conv is causal (no lookahead).
  Attention in the exported graph is full (bidirectional within what you feed it).
* Streaming (recommended, the model was trained with WeNet-style dynamic chunks): feed windows of
  `left_context_frames` = {c['onnx']['metadata']['left_context_frames']} history + `chunk_frames` = {c['onnx']['metadata']['chunk_frames']} new
  + {rf - stride} lookahead input frames and keep the outputs of the new chunk (values in input frames, 10 ms).
* metadata_props: {', '.join(f'`{k}`={v}' for k, v in c['onnx']['metadata'].items())}.
* Tokens: `tokens.txt`, line index = id: {TOKENS_NOTE[c['vocabulary']['kind']]}.
* int8: {c['onnx']['int8']}.
"""


if __name__ == "__main__":
    main()
