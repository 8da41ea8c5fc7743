#!/usr/bin/env python3
"""How far CoDA routing moves a backbone's output, without any dev transcripts: mean KL(dense || CoDA) per output
frame and the share of frames whose argmax token equals the dense model's, utterance by utterance (no padding), for
the depthwise conv over the gathered frames and at their true positions, optionally with the adapters zeroed (the
routers alone). Run from the recipe folder; example (the figures of RESULTS.md, "CoDA on the first trained
GPU backbone"):
  python3 -m tools.coda_diag --backbone backbone.pt --coda coda.pt --shard data/shards/libri-dev-clean.pt --zero-adapters
"""
import argparse

import torch

from local import coda as C
from local.checkpoint import load_backbone


@torch.no_grad()
def divergence(net, feats, r):
    """(mean KL(dense || CoDA) per output frame, argmax agreement %) over utterances decoded one at a time."""
    kl, agree, frames = 0.0, 0.0, 0
    for f in feats:
        x, n = f.unsqueeze(0), torch.tensor([f.shape[0]])
        ref, _ = net.backbone(x, n)
        lp, _, _ = net(x, n, r=r)
        kl += float((ref.exp() * (ref - lp)).sum())
        agree += float((ref.argmax(-1) == lp.argmax(-1)).sum())
        frames += ref.size(1)
    return kl / frames, 100.0 * agree / frames


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--coda", required=True)
    ap.add_argument("--shard", required=True, help="feature shard (prepare_data.py); its transcripts are not used")
    ap.add_argument("--utterances", type=int, default=8, help="this many utterances, every --every-th")
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--r", default="2,4")
    ap.add_argument("--zero-adapters", action="store_true", help="routers only: adapter outputs set to zero")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    backbone, _ = load_backbone(a.backbone)
    net, _ = C.load_coda(backbone, a.coda)
    if a.zero_adapters:
        for adapter in net.coda.adapters:
            torch.nn.init.zeros_(adapter.up.weight)
            torch.nn.init.zeros_(adapter.up.bias)
    shard = torch.load(a.shard)
    feats = [shard["feats"][i].float() for i in range(0, a.every * a.utterances, a.every) if i < len(shard["feats"])]
    for true_positions in (False, True):
        net.coda.cfg.conv_at_true_positions = true_positions
        rows = [f"r={r} KL {kl:.3f} agree {ag:.1f}%" for r in map(int, a.r.split(","))
                for kl, ag in [divergence(net, feats, r)]]
        print(f"conv {'at true positions' if true_positions else 'over gathered frames'}: " + " | ".join(rows),
              flush=True)


if __name__ == "__main__":
    main()
