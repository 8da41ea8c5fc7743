#!/usr/bin/env python3
"""Greedy CTC decoding of the dev set (LibriSpeech test-other sample) from a checkpoint; writes hypotheses and WER.
The Java runtime must reproduce this WER within 0.5 absolute on the exported model.

  decode.py --run-dir asr-model/training/runs/cpu1 [--which best|latest] [--chunk 16 --left-chunks 4] --out hyps.tsv
"""
import argparse
import json

import torch

from local import data, tokens
from local import model as M
from local.checkpoint import resolve_checkpoint
from local.evaluation import evaluate
from local.paths import DATA_DIR, DEV_DIR
from local.training import pick_device


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default="")
    ap.add_argument("--run-dir", default="")
    ap.add_argument("--which", default="best", choices=["best", "latest"])
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--dev-dir", default=DEV_DIR, help="used when no cached dev shard exists")
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=0, help="attention chunk in output frames (0 = full)")
    ap.add_argument("--left-chunks", type=int, default=-1)
    ap.add_argument("--out", default="", help="hypotheses TSV (id, ref, hyp); WER summary goes to <out>.json")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = resolve_checkpoint(a.checkpoint, a.run_dir, a.which)
    state = torch.load(ck, map_location="cpu")
    net = M.ConformerCTC(M.ConformerConfig(**state["config"]))
    net.load_state_dict(state["model"])
    device = pick_device(a.device)
    net.to(device)
    dev = data.load_dev(a.data, a.dev_dir, limit=a.dev_limit, vocab=tokens.vocabulary_of(state))
    wer, hyps = evaluate(net, dev, device, None, chunk=a.chunk, left_chunks=a.left_chunks)
    _, errs, words = tokens.wer(dev.texts, hyps)
    c = tokens.cer(dev.texts, hyps)
    print(f"{ck}: step {state['step']}  dev WER {wer:.2f}% ({errs}/{words}), CER {c:.2f}%, {len(dev)} utts, "
          f"chunk {a.chunk} left {a.left_chunks}")
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for i, r, h in zip(dev.ids, dev.texts, hyps):
                f.write(f"{i}\t{r}\t{h}\n")
        with open(a.out + ".json", "w") as f:
            json.dump({"checkpoint": ck, "step": state["step"], "wer": wer, "cer": c, "errors": errs, "words": words,
                       "utterances": len(dev), "chunk": a.chunk, "left_chunks": a.left_chunks}, f, indent=1)


if __name__ == "__main__":
    main()
