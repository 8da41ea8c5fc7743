#!/usr/bin/env python3
"""How much frame skipping a dense backbone tolerates before any router or adapter is trained: upper bounds for what a
frozen-backbone CoDA can reach on it. On the dev utterances, one at a time:

* non-blank share: frames whose greedy (argmax) token is not blank. CTC needs an output on every such frame, so every
  one of them must come out of the last layer in a state the head can read.
* random skip p: every layer but the first runs DENSE (full attention and conv context, which CoDA's selected frames
  do not get), then each frame keeps its input instead of the layer output with probability p. p = 1 - 1/r is the
  share of frames CoDA r leaves unchanged in a layer, with better context than CoDA gives the rest: a ceiling for
  routing without adapters.
* interpolated updates r: every layer from --interp-from on runs dense, but only every r-th frame's update
  (output - input) is kept and the others get the update linearly interpolated in time: whether a layer's update is
  smooth enough in time to be shared between neighbouring frames (it would let skipped frames borrow it).

  python3 -m tools.coda_ceiling --backbone runs/backbone/shipped.pt --skip 0.3,0.5,0.75 --interp 2,4
"""
import argparse
import os

import torch
import torch.nn.functional as F

from local import data, tokens
from local.checkpoint import load_backbone
from local.evaluation import evaluate_per_utterance as evaluate
from local.paths import DATA_DIR


def layer_inputs(bb, features, lengths):
    """One utterance (batch 1, no padding): the first layer's input and an all-true attention mask."""
    x, out_len = bb.subsample(bb.cmvn(features), lengths)
    return x, torch.ones(1, 1, x.size(1), dtype=torch.bool), out_len


def skipped(bb, features, lengths, p, gen):
    x, mask, out_len = layer_inputs(bb, features, lengths)
    for i, layer in enumerate(bb.layers):
        y = layer(x, mask)
        if i == 0:
            x = y
            continue
        keep = torch.rand(x.shape[:2], generator=gen) < p
        x = torch.where(keep.unsqueeze(-1), x, y)
    return F.log_softmax(bb.head(x), -1), out_len


def interpolated(bb, features, lengths, r, first):
    x, mask, out_len = layer_inputs(bb, features, lengths)
    t = x.size(1)
    for i, layer in enumerate(bb.layers):
        y = layer(x, mask)
        if i < first:
            x = y
            continue
        kept = (y - x)[:, ::r].transpose(1, 2)  # [1, d, ceil(t / r)]
        pos = torch.arange(t, dtype=torch.float32) / r  # frame t sits between kept updates floor(t/r) and +1
        lo = pos.floor().long().clamp(max=kept.size(2) - 1)
        hi = (lo + 1).clamp(max=kept.size(2) - 1)
        w = (pos - lo.float()).clamp(0, 1)
        x = x + (kept[:, :, lo] * (1 - w) + kept[:, :, hi] * w).transpose(1, 2)
    return F.log_softmax(bb.head(x), -1), out_len


def score(name, dev, fn, ref_lps):
    """export_coda.evaluate (greedy WER, KL against ref_lps) of fn(features, lengths), plus CER; prints one row."""
    res, hyps, _ = evaluate(fn, dev, ref_lps)
    print(f"{name:28s} WER {res['wer']:6.2f}  CER {tokens.cer(dev.texts, hyps):6.2f}  KL {res['kl_per_frame']:.3f}",
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--skip", default="0.3,0.5,0.75", help="skip probabilities")
    ap.add_argument("--interp", default="2,4", help="r values for the interpolated-update bound")
    ap.add_argument("--interp-from", type=int, default=1, help="first layer whose updates are interpolated")
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    bb, state = load_backbone(a.backbone)
    dev = data.FeatureSet([os.path.join(a.data, "shards", "dev-test-other.pt")], limit=a.dev_limit, subsampling=1,
                          vocab=bb.vocab)
    with torch.no_grad():
        _, _, ref = evaluate(lambda f, n: bb(f, n), dev)
        nonblank = sum(int((lp.argmax(-1) != 0).sum()) for lp in ref) / sum(lp.size(0) for lp in ref)
        print(f"backbone {a.backbone} (step {state.get('step')}): {len(ref)} dev utterances, "
              f"non-blank argmax on {100 * nonblank:.1f} % of output frames", flush=True)
        score("dense", dev, lambda f, n: bb(f, n), ref)
        for p in (float(v) for v in a.skip.split(",") if v):
            gen = torch.Generator().manual_seed(a.seed)
            score(f"random skip p={p}", dev, lambda f, n: skipped(bb, f, n, p, gen), ref)
        for r in (int(v) for v in a.interp.split(",") if v):
            score(f"interpolated updates r={r}", dev, lambda f, n: interpolated(bb, f, n, r, a.interp_from), ref)


if __name__ == "__main__":
    main()
