#!/usr/bin/env python3
"""Dev WER of backbones when frames skip layers the CoDA way before any router is trained: each routed layer
processes only a uniformly random top-k (k = ceil(n / r)) of the frames, attending among them; the others pass
unchanged (no adapters). This is what train.py --route-r trains for, and a lower bound for trained routers. For
every checkpoint: dense, then r = 2 / 4 / 8, with WER, CER and the non-blank share of the output frames.

  python3 -m tools.routed_eval runs/bpe256-dense/checkpoints/best.pt runs/bpe256-routed/checkpoints/best.pt \
      --r 2,4,8 --out runs/routed-eval.json
"""
import argparse
import json
import os

import torch

from local import coda as C
from local import data
from local.checkpoint import load_backbone
from local.evaluation import evaluate_per_utterance
from local.paths import DATA_DIR


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+", help="train.py checkpoints")
    ap.add_argument("--r", default="2,4,8")
    ap.add_argument("--dense-layers", type=int, default=1, help="first layers never routed")
    ap.add_argument("--dense-last-layers", type=int, default=0, help="last layers never routed")
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="", help="also write the figures as JSON here")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    results = {}
    for path in a.checkpoints:
        bb, state = load_backbone(path)
        dev = data.FeatureSet([os.path.join(a.data, "shards", "dev-test-other.pt")], limit=a.dev_limit,
                              subsampling=1, vocab=bb.vocab)
        routed = C.CodaConformer(bb, C.CodaAdapters(bb.cfg, C.CodaConfig(dense_layers=a.dense_layers,
                                                                   dense_last_layers=a.dense_last_layers))).eval()
        rows = {}
        with torch.no_grad():
            rows["1"], _, _ = evaluate_per_utterance(lambda f, n: bb(f, n), dev)
            for r in map(int, a.r.split(",")):
                torch.manual_seed(a.seed)
                rows[str(r)], _, _ = evaluate_per_utterance(
                    lambda f, n, r=r: routed(f, n, r=r, random_routing=True), dev)
        results[path] = {"step": state.get("step"), "vocabulary": bb.vocab.kind, "vocab_size": bb.vocab.size,
                         "by_r": rows}
        print(f"{path} (step {state.get('step')}, {bb.vocab.kind} {bb.vocab.size})")
        for r, res in rows.items():
            label = "dense" if r == "1" else f"r={r}"
            print(f"  {label:6s} WER {res['wer']:6.2f}  CER {res['cer']:6.2f}  non-blank {100 * res['non_blank']:5.1f}%"
                  f"  frames processed {100 * res['processed']:5.1f}%", flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"dense_layers": a.dense_layers, "dense_last_layers": a.dense_last_layers, "seed": a.seed,
                       "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
