#!/usr/bin/env python3
"""Health of a conformer-CTC checkpoint on a few real utterances, for telling a model that is learning from one that
is stuck (as the first H100 run was):

  - subsampling: share of activations > 0 after each activation, and channels that never fire on these inputs
    (ReLU channels die; SiLU cannot);
  - encoder output variation over time (mean over dims of the std over frames): near-constant on the blank
    plateau (0.03-0.06 early in any run; the stuck H100 model: 0.19), larger once the model emits characters
    (the CPU model at step 1800: 0.92);
  - CTC loss per target character (character frequencies alone give ~3 nats; leaving the plateau: < 2);
  - share of frames whose argmax is blank.

  python3 -m tools.diagnose --checkpoint CKPT [CKPT ...] [--shard data/shards/libri-dev-clean.pt] [--utts 16]
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

from local import data
from local import model as M
from local.paths import DATA_DIR


@torch.no_grad()
def diagnose(path, ds):
    st = torch.load(path, map_location="cpu")
    net = M.ConformerCTC(M.ConformerConfig(**st["config"]))
    net.load_state_dict(st["model"])
    net.eval()
    x, lens, tg, tl = data.collate(ds, list(range(len(ds))))
    h = net.cmvn(x).unsqueeze(1)
    alive, dead = [], []
    for m in net.subsample.conv:
        h = m(h)
        if isinstance(m, (torch.nn.ReLU, torch.nn.SiLU)):
            alive.append(float((h > 0).float().mean()))
            dead.append(f"{int(((h > 0).float().amax(dim=(0, 2, 3)) == 0).sum())}/{h.shape[1]}")
    lp, ol = net(x, lens)
    valid = torch.arange(lp.size(1)).unsqueeze(0) < ol.unsqueeze(1)
    sub, _ = net.subsample(net.cmvn(x), lens)
    mask = valid.unsqueeze(1)
    enc = net.drop(sub)
    for layer in net.layers:
        enc = layer(enc, mask)
    time_std = float(torch.stack([enc[b, : int(ol[b])].std(dim=0).mean() for b in range(enc.size(0))]).mean())
    nats = float(F.ctc_loss(lp.transpose(0, 1), tg, ol, tl, blank=0, reduction="sum", zero_infinity=True)) / float(tl.sum())
    blank = float((lp.argmax(-1)[valid] == 0).float().mean())
    print(f"{path}: step {st.get('step')} | subsampling activations > 0: {', '.join(f'{a:.2f}' for a in alive)} "
          f"(dead channels {', '.join(dead)}) | encoder std over time {time_std:.3f} | CTC {nats:.3f} nats/char | "
          f"blank argmax {100 * blank:.1f} % of frames")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", nargs="+", required=True)
    ap.add_argument("--shard", default=os.path.join(DATA_DIR, "shards", "libri-dev-clean.pt"))
    ap.add_argument("--utts", type=int, default=16)
    a = ap.parse_args()
    torch.set_num_threads(2)
    ds = data.FeatureSet([a.shard], limit=a.utts)
    if len(ds) == 0:
        sys.exit(f"no utterances in {a.shard}")
    for path in a.checkpoint:
        diagnose(path, ds)


if __name__ == "__main__":
    main()
