#!/usr/bin/env python3
"""Dev WER / CER of a backbone and its CoDA parameters at several r, without exporting anything (export_coda.py writes
the graphs and the card): greedy CTC on the 50 dev utterances one at a time, plus KL(reference || model) per output
frame against --reference (default: the backbone itself), so a routing-aware backbone can be compared with the one it
started from. r = 0 is the backbone alone (no adapters); r = 1 the parallel adapter.

  coda_eval.py --backbone runs/joint6-a/backbone-latest.pt --coda runs/joint6-a/coda-latest.pt \
      --reference runs/backbone/shipped.pt --r 0,1,2,4,8
--adapter-coda: the CoDA checkpoint whose adapters serve r = 1 (a separate r = 1 run, as export_coda.py takes it);
--out: the figures as JSON too (run.sh stage 6). --split validation scores the held-out training speakers
(prepare_data.py) instead: the split that chooses between runs and settings; the dev set only reports.
"""
import argparse
import json
import os

import torch

from local import coda as C
from local import data, tokens
from local.checkpoint import load_backbone
from local.evaluation import evaluate_per_utterance as evaluate
from local.paths import DATA_DIR


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--coda", required=True)
    ap.add_argument("--reference", default="", help="dense checkpoint the KL is measured against (default --backbone)")
    ap.add_argument("--adapter-coda", default="", help="CoDA checkpoint whose adapters serve r = 1 (default --coda)")
    ap.add_argument("--r", default="0,1,2,4,8")
    ap.add_argument("--out", default="", help="also write the figures as JSON here")
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--split", default="dev", choices=["dev", "validation"])
    ap.add_argument("--dev-limit", type=int, default=0, help="max utterances of the split")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    bb, bstate = load_backbone(a.backbone)
    dev = data.FeatureSet([os.path.join(a.data, "shards", "dev-test-other.pt")], limit=a.dev_limit, subsampling=1,
                          vocab=bb.vocab) if a.split == "dev" else data.load_validation(a.data, a.dev_limit, bb.vocab)
    if not len(dev):
        raise SystemExit(f"no {a.split} utterances in {a.data}")
    net, cstate = C.load_coda(bb, a.coda)
    adapter_net = C.load_coda(bb, a.adapter_coda)[0] if a.adapter_coda else net
    ref_bb = load_backbone(a.reference)[0] if a.reference else bb
    with torch.no_grad():
        _, _, ref_lps = evaluate(lambda f, n: ref_bb(f, n), dev)
        print(f"backbone {a.backbone} (step {bstate.get('step')}), CoDA {a.coda} (step {cstate.get('step')}), "
              f"reference {a.reference or a.backbone}, {a.split} ({len(dev)} utts)", flush=True)
        results = {}
        for r in map(int, a.r.split(",")):
            fn = (lambda f, n: bb(f, n)) if r == 0 else (lambda f, n, r=r: (adapter_net if r == 1 else net)(f, n, r=r))
            res, hyps, _ = evaluate(fn, dev, ref_lps)
            res["cer"] = tokens.cer(dev.texts, hyps)
            results[str(r)] = res
            name = "backbone alone" if r == 0 else ("parallel adapter" if r == 1 else f"CoDA r={r}")
            print(f"{name:16s} WER {res['wer']:6.2f}  CER {res['cer']:6.2f}  "
                  f"KL {res['kl_per_frame']:.3f}  agree {100 * res['argmax_agreement']:.1f}%  "
                  f"frames processed {100 * res['processed']:.1f}%", flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"backbone": a.backbone, "backbone_step": bstate.get("step"), "coda": a.coda,
                       "coda_step": cstate.get("step"), "adapter_coda": a.adapter_coda or a.coda,
                       "reference": a.reference or a.backbone, "split": a.split, "utterances": len(dev), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
