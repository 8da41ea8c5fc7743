#!/usr/bin/env python3
"""Export the cache-based streaming encoder (local/streaming.py) of a model folder as model.streaming.onnx.

The backbone is rebuilt from the folder's dense model.onnx (tools/recover_backbone.py), so the streaming graph has
exactly the weights the Java runtime already runs; with --share its weights go into the folder's existing
weights.bin (share_weights.py --append), which leaves the folder's size almost unchanged.

ONNX contract (the Java side, OnnxStreamingEncoder, depends on it exactly):
  inputs : features   float32 [batch, frames, 80]  one chunk of raw fbank: subsampling*(chunk-1)+receptive field
                                                   frames for `chunk` output frames (fewer at the end of a stream)
           cache_len  int64   [batch]              valid frames in att_cache
           att_cache  float32 [batch, layers, 2, cache_frames, d_model]
           conv_cache float32 [batch, layers, d_model, kernel-1]
  outputs: log_probs      float32 [batch, chunk, vocab]
           new_att_cache  float32 like att_cache (the caller sets cache_len to min(cache_frames, cache_len + chunk))
           new_conv_cache float32 like conv_cache
Checks: chunk-by-chunk PyTorch outputs equal the chunk-masked full forward (what the model was trained with) on dev
utterances or random input; streaming-reference.json gets a short utterance's chunk features and full-forward
log-probs for the Java test.

--int8 also writes model.streaming.int8.onnx (export_onnx.quantize_dynamic_int8 of the fp32 streaming graph) and
quantizes model.int8.onnx again from the same rebuilt weights, so that with --share both int8 graphs keep their
int8 weights once, appended to weights.bin (their float tensors are the fp16 ones already there).

--coda exports the folder's CoDA graphs instead (local/coda_streaming.py: routed inside each chunk, per-layer caches
of what each layer attends to), as model.streaming.adapter.onnx and model.streaming.coda-r{2,4,8}.onnx, with the
same inputs and outputs except att_cache [batch, 2, slots, d_model] (all layers' slots in one axis; metadata
streaming_att_slots) and with the CoDA graph's routing metadata plus backbone_version (the dense streaming graph's
version), coda_streaming_routed_slots, coda_conv_at_true_positions and coda_attend_all_frames. Parity: against
coda_streaming.chunk_routed_forward; coda-streaming-reference.json holds every variant's log-probs of one input.

  export_streaming.py ../models/conformer-ctc-small --share --int8   (from the recipe folder)
  export_streaming.py ../models/conformer-ctc-small --share --coda   (after the dense one)
  export_streaming.py --tiny-random ../src/test/resources/models/tiny-streaming-ctc
     (a random two-layer model, dense model.onnx + streaming graph, for the Java tests)
"""
import argparse
import inspect
import json
import os
import subprocess
import sys

import onnx
import torch

from local import model as M
from local import streaming as S
from local import tokens
from tools.recover_backbone import recover

OUT_NAME = "model.streaming.onnx"
INT8_NAME = "model.streaming.int8.onnx"
REFERENCE_NAME = "streaming-reference.json"
CODA_REFERENCE_NAME = "coda-streaming-reference.json"


def parity(full_forward, chunked, inputs, tolerance, what):
    """Max |log_probs diff| of the chunk-by-chunk encoder against the chunk-masked forward over whole utterances
    (each a function of [T, 80] fbank -> [T', V]); above `tolerance` the export stops."""
    worst = 0.0
    for x in inputs:
        full, got = full_forward(x), chunked(x)
        if got.size(0) != full.size(0):
            raise SystemExit(f"parity: {got.size(0)} chunked frames vs {full.size(0)} from the full forward")
        worst = max(worst, float((full - got).abs().max()))
    if worst > tolerance:
        raise SystemExit(f"{what}: chunked encoder differs from the chunk-masked forward by {worst:.2e}")
    print(f"{what}: parity with the chunk-masked forward: max |diff| {worst:.2e}")
    return worst


def dense_forward(net, chunk, left_chunks):
    def run(x):
        with torch.no_grad():
            return net(x.unsqueeze(0), torch.tensor([x.size(0)]), chunk=chunk, left_chunks=left_chunks)[0][0]
    return run


def reference_input(folder):
    return torch.round(test_inputs(folder, 2)[1] * 1e2) / 1e2  # what the JSON holds


def write_reference(path, x, chunk, cache_frames, log_probs, **extra):
    """A short utterance's features and the full-forward log-probs for the Java tests."""
    with open(path, "w") as f:
        json.dump({"chunk_output_frames": chunk, "cache_frames": cache_frames, **extra,
                   "features": [[round(v, 2) for v in row] for row in x.tolist()],
                   "log_probs": [[round(v, 4) for v in row] for row in log_probs.tolist()]}, f)
    print(f"{path}: {x.size(0)} feature frames -> {log_probs.size(0)} output frames")


def test_inputs(folder, count):
    """Raw fbank of real speech where the recipe's cached dev features exist, else seeded random frames."""
    g = torch.Generator().manual_seed(0)
    ref = os.path.join(folder, "reference-io.json")
    base = None
    if os.path.exists(ref):
        with open(ref) as f:
            feats = json.load(f)["features"][0]
        base = torch.tensor(feats, dtype=torch.float32)
    out = []
    for i in range(count):
        length = 67 + 64 * (i + 1) + 17 * i
        if base is not None:
            reps = -(-length // base.size(0))
            x = base.repeat(reps, 1)[:length] + 0.1 * torch.randn(length, 80, generator=g)
        else:
            x = 10.0 + 3.0 * torch.randn(length, 80, generator=g)
        out.append(x)
    return out


def streaming_metadata(base, cfg, chunk, cache_frames):
    """A graph's metadata (the dense or CoDA keys) plus what the Java streaming encoder reads."""
    meta = dict(base)
    meta.update({"model_type": "conformer-ctc-streaming", "streaming_chunk_output_frames": str(chunk),
                 "streaming_cache_frames": str(cache_frames), "layers": str(cfg.layers),
                 "d_model": str(cfg.d_model), "causal_conv_kernel": str(cfg.kernel)})
    return meta


def export(enc, cfg, caches, chunk, path, opset):
    """caches: (att_cache, conv_cache) of a batch of 2, the example the graph is traced with."""
    rf, stride = M.subsampling_receptive_field(cfg.subsampling)
    frames = stride * (chunk - 1) + rf
    example = (torch.randn(2, frames, 80) + 10.0, torch.tensor([0, chunk]), *caches)
    trace_check(enc, example, chunk, rf, stride)
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(enc, example, path, opset_version=opset, **extra,
                      input_names=["features", "cache_len", "att_cache", "conv_cache"],
                      output_names=["log_probs", "new_att_cache", "new_conv_cache"],
                      dynamic_axes={"features": {0: "batch", 1: "frames"}, "cache_len": {0: "batch"},
                                    "att_cache": {0: "batch"}, "conv_cache": {0: "batch"},
                                    "log_probs": {0: "batch", 1: "chunk"}, "new_att_cache": {0: "batch"},
                                    "new_conv_cache": {0: "batch"}},
                      do_constant_folding=True)


@torch.no_grad()
def trace_check(enc, example, chunk, rf, stride):
    """The graph comes from a trace: re-run it on another batch size, a short last chunk and other cache fills than
    it was traced with, against eager mode, so nothing shape-dependent was frozen."""
    traced = torch.jit.trace(enc, example, check_trace=False)
    for frames in (example[0].size(1), stride * (chunk // 2 - 1) + rf):
        x = torch.cat([example[0], example[0][:1]], dim=0)[:, :frames] + 0.5
        lens = torch.tensor([0, chunk, 3 * chunk])
        caches = [torch.cat([c, c[:1]], dim=0) + 0.1 * torch.randn(3, *c.shape[1:]) for c in example[2:]]
        for u, v in zip(enc(x, lens, *caches), traced(x, lens, *caches)):
            if u.shape != v.shape or (u - v).abs().max() > 1e-4:
                raise SystemExit(f"trace check FAILED: eager {tuple(u.shape)} vs traced {tuple(v.shape)}")


def write_metadata(path, meta, doc):
    """Replaces the graph's metadata_props with `meta`, checks the graph in full and saves it."""
    m = onnx.load(path)
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.doc_string = doc
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    print(f"{path}: {os.path.getsize(path) / 1e6:.2f} MB, metadata {meta}")


def tiny_random(folder, opset):
    """A random two-layer model with non-trivial norms and CMVN, written as the dense model.onnx + tokens.txt."""
    cfg = M.ConformerConfig(d_model=32, heads=2, ff=64, layers=2, kernel=15, subsampling=4, subsampling_channels=4,
                            vocab=tokens.VOCAB_SIZE, dropout=0.0)
    net = M.ConformerCTC(cfg)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if "norm" in name:  # untrained norms are all ones/zeros, which the exporter folds together
                p.add_(0.1 * torch.randn(p.shape, generator=g))
        net.cmvn.set_stats(torch.full((80,), 10.0), torch.full((80,), 3.0))
    net.eval()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    example = (torch.randn(2, 100, 80) + 10.0, torch.tensor([100, 80]))
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(M.OnnxWrapper(net), example, path, opset_version=opset, **extra,
                      input_names=["features", "feature_lengths"], output_names=["log_probs", "log_prob_lengths"],
                      dynamic_axes={"features": {0: "batch", 1: "frames"}, "feature_lengths": {0: "batch"},
                                    "log_probs": {0: "batch", 1: "out_frames"}, "log_prob_lengths": {0: "batch"}},
                      do_constant_folding=True)
    m = onnx.load(path)
    for k, v in M.onnx_metadata(cfg, "tiny-streaming-random-1").items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, path)
    tokens.CHARS.write(os.path.join(folder, "tokens.txt"))
    with open(os.path.join(folder, "model-card.json"), "w") as f:
        json.dump({"name": os.path.basename(os.path.abspath(folder)), "version": "tiny-streaming-random-1",
                   "source": "random initialisation (seed 0, norms perturbed with seed 1), untrained",
                   "config": cfg.to_dict()}, f, indent=1)
    return net, cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", help="model folder with model.onnx and model-card.json")
    ap.add_argument("--left-chunks", type=int, default=M.RECOMMENDED_LEFT_CHUNKS)
    ap.add_argument("--chunk", type=int, default=M.RECOMMENDED_CHUNK_OUT, help="output frames per call")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--share", action="store_true", help="store the weights in the folder's weights.bin (fp16 where the folder is)")
    ap.add_argument("--tolerance", type=float, default=1e-3)
    ap.add_argument("--tiny-random", action="store_true", help="write a random tiny model into the folder first")
    ap.add_argument("--int8", action="store_true",
                    help="also model.streaming.int8.onnx, and model.int8.onnx quantized from the same weights")
    ap.add_argument("--coda", action="store_true",
                    help="instead of the dense backbone: every CoDA graph of the folder (model.adapter.onnx, "
                         "model.coda-r*.onnx) as model.streaming.adapter.onnx, model.streaming.coda-r*.onnx")
    a = ap.parse_args()
    torch.manual_seed(0)
    if a.coda:
        return export_coda_variants(a)
    net, cfg = tiny_random(a.folder, a.opset) if a.tiny_random else recover(a.folder)[:2]
    cache_frames = a.chunk * a.left_chunks
    enc = S.StreamingEncoder(net, cache_frames).eval()
    full_forward = dense_forward(net, a.chunk, a.left_chunks)
    parity(full_forward, lambda x: S.run_chunked(enc, x, a.chunk), test_inputs(a.folder, 4), a.tolerance, OUT_NAME)

    path = os.path.join(a.folder, OUT_NAME)
    export(enc, cfg, S.empty_caches(cfg, 2, cache_frames)[1:], a.chunk, path, a.opset)
    dense = onnx.load(os.path.join(a.folder, "model.onnx"), load_external_data=False)
    meta = streaming_metadata({p.key: p.value for p in dense.metadata_props}, cfg, a.chunk, cache_frames)
    write_metadata(path, meta, "CoDA-ASR conformer-CTC, cache-based streaming encoder; see model-card.md")

    x = reference_input(a.folder)
    write_reference(os.path.join(a.folder, REFERENCE_NAME), x, a.chunk, cache_frames, full_forward(x))

    share = share_command(a.folder, ["model.onnx"])
    if a.int8:
        write_int8(net, a.folder, path, meta, dense, a.opset)
    if a.tiny_random:  # a fresh folder: both graphs' float32 weights stored once
        subprocess.run(share[:2] + [a.folder, "model.onnx", OUT_NAME], check=True)
    elif a.share:
        subprocess.run(share + [OUT_NAME], check=True)
        if a.int8:  # their float tensors are the fp16 ones already there; the int8 weights are appended once
            subprocess.run(share + ["model.int8.onnx", INT8_NAME], check=True)


def share_command(folder, existing):
    """share_weights.py appending to the folder's weights.bin, in the folder's precision (fp16 where model.onnx
    stores fp16 weights), reusing what the `existing` graphs already keep there."""
    dense = onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False)
    fp16 = any(t.name.endswith("__fp16") for t in dense.graph.initializer)
    return [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "share_weights.py")] \
        + (["--fp16"] if fp16 else []) + ["--append", "--existing", *existing, "--", folder]


def coda_streaming_name(coda_file):
    """model.coda-r4.onnx -> model.streaming.coda-r4.onnx, model.adapter.onnx -> model.streaming.adapter.onnx."""
    return "model.streaming." + coda_file[len("model."):]


def export_coda_variants(a):
    """Every CoDA graph of the folder as a cache-based streaming graph (local/coda_streaming.py), with the routers
    and adapters recovered from that graph and the backbone from model.onnx."""
    from export_coda import FILES
    from local import coda_streaming as CS
    from tools.recover_backbone import recover_coda
    dense_streaming = os.path.join(a.folder, OUT_NAME)
    if not os.path.exists(dense_streaming):
        raise SystemExit(f"{dense_streaming} missing: export the dense streaming graph first (without --coda)")
    base = {p.key: p.value for p in onnx.load(dense_streaming, load_external_data=False).metadata_props}
    x = reference_input(a.folder)
    inputs = test_inputs(a.folder, 4)
    variants, written = {}, []
    for r, file in sorted(FILES.items()):
        if not os.path.exists(os.path.join(a.folder, file)):
            continue
        net, r, coda_meta = recover_coda(a.folder, file)
        cfg = net.backbone.cfg
        enc = CS.CodaStreamingEncoder(net, r, a.chunk, a.left_chunks).eval()
        name = coda_streaming_name(file)
        full_forward = lambda u: CS.chunk_routed_forward(net, u, r, a.chunk, a.left_chunks)  # noqa: E731
        parity(full_forward, lambda u: CS.run_chunked(enc, u), inputs, a.tolerance, name)
        path = os.path.join(a.folder, name)
        export(enc, cfg, enc.empty_caches(2)[1:], a.chunk, path, a.opset)
        meta = streaming_metadata(coda_meta, cfg, a.chunk, enc.cache_frames)
        meta.update({"model_type": "conformer-ctc-coda-streaming", "backbone_version": base["version"],
                     "streaming_att_slots": str(enc.total_slots),
                     "coda_streaming_routed_slots": str(a.left_chunks * enc.chunk_k if any(enc.routed) else 0),
                     "coda_conv_at_true_positions": str(net.coda.cfg.conv_at_true_positions).lower(),
                     "coda_attend_all_frames": str(CS.attends_all_frames(net.coda.cfg)).lower()})
        write_metadata(path, meta, f"CoDA-ASR conformer-CTC, cache-based streaming encoder of {file} (r={r}, routed "
                                   "per chunk); see asr-model/training/CODA.md")
        variants[name] = {"coda_r": r, "log_probs": [[round(v, 4) for v in row] for row in full_forward(x).tolist()]}
        written.append(name)
    if not written:
        raise SystemExit(f"{a.folder} has no CoDA graph ({', '.join(FILES.values())})")
    with open(os.path.join(a.folder, CODA_REFERENCE_NAME), "w") as f:
        json.dump({"chunk_output_frames": a.chunk, "cache_frames": a.chunk * a.left_chunks,
                   "features": [[round(v, 2) for v in row] for row in x.tolist()], "variants": variants}, f)
    print(f"{CODA_REFERENCE_NAME}: {x.size(0)} feature frames, log-probs of {', '.join(written)}")
    if a.share:
        existing = [f for f in ["model.onnx", OUT_NAME, *FILES.values()] if os.path.exists(os.path.join(a.folder, f))]
        subprocess.run(share_command(a.folder, existing) + written, check=True)


def write_int8(net, folder, streaming_path, streaming_meta, dense, opset):
    """Quantizes the fp32 streaming graph and a fresh fp32 export of the dense graph (both from `net`)."""
    import tempfile
    from export_onnx import quantize_dynamic_int8
    n = quantize_dynamic_int8(streaming_path, os.path.join(folder, INT8_NAME))
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = os.path.join(tmp, "model.onnx")
        example = (torch.randn(2, 100, 80) + 10.0, torch.tensor([100, 80]))
        extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        torch.onnx.export(M.OnnxWrapper(net), example, fp32, opset_version=opset, **extra,
                          input_names=["features", "feature_lengths"], output_names=["log_probs", "log_prob_lengths"],
                          dynamic_axes={"features": {0: "batch", 1: "frames"}, "feature_lengths": {0: "batch"},
                                        "log_probs": {0: "batch", 1: "out_frames"},
                                        "log_prob_lengths": {0: "batch"}},
                          do_constant_folding=True)
        m = onnx.load(fp32)
        for p in dense.metadata_props:
            m.metadata_props.add().CopyFrom(p)
        m.doc_string = dense.doc_string
        onnx.save(m, fp32)
        n_dense = quantize_dynamic_int8(fp32, os.path.join(folder, "model.int8.onnx"))
    print(f"int8: {INT8_NAME} ({n} MatMuls) and model.int8.onnx ({n_dense} MatMuls) from the same weights")


if __name__ == "__main__":
    sys.exit(main())
