#!/usr/bin/env python3
"""Dev WER / CER of a backbone and its CoDA parameters at several r, without exporting anything (export_coda.py writes
the graphs and the card): greedy CTC on the 50 dev utterances one at a time, plus KL(reference || model) per output
frame against --reference (default: the backbone itself), so a routing-aware backbone can be compared with the one it
started from. r = 0 is the backbone alone (no adapters); r = 1 the parallel adapter.

  coda_eval.py --backbone runs/joint6-a/backbone-latest.pt --coda runs/joint6-a/coda-latest.pt \
      --reference runs/backbone/shipped.pt --r 0,1,2,4,8
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coda as C  # noqa: E402
import data  # noqa: E402
import tokens  # noqa: E402
from export_coda import evaluate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--coda", required=True)
    ap.add_argument("--reference", default="", help="dense checkpoint the KL is measured against (default --backbone)")
    ap.add_argument("--r", default="0,1,2,4,8")
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dev = data.FeatureSet([os.path.join(a.data, "shards", "dev-test-other.pt")], limit=a.dev_limit, subsampling=1)
    bb, bstate = C.load_backbone(a.backbone)
    net, cstate = C.load_coda(bb, a.coda)
    ref_bb = C.load_backbone(a.reference)[0] if a.reference else bb
    with torch.no_grad():
        _, _, ref_lps = evaluate(lambda f, n: ref_bb(f, n), dev)
        print(f"backbone {a.backbone} (step {bstate.get('step')}), CoDA {a.coda} (step {cstate.get('step')}), "
              f"reference {a.reference or a.backbone}", flush=True)
        for r in map(int, a.r.split(",")):
            fn = (lambda f, n: bb(f, n)) if r == 0 else (lambda f, n, r=r: net(f, n, r=r))
            res, hyps, _ = evaluate(fn, dev, ref_lps)
            name = "backbone alone" if r == 0 else ("parallel adapter" if r == 1 else f"CoDA r={r}")
            print(f"{name:16s} WER {res['wer']:6.2f}  CER {tokens.cer(dev.texts, hyps):6.2f}  "
                  f"KL {res['kl_per_frame']:.3f}  agree {100 * res['argmax_agreement']:.1f}%  "
                  f"frames processed {100 * res['processed']:.1f}%", flush=True)


if __name__ == "__main__":
    main()
