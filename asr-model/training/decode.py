#!/usr/bin/env python3
"""Greedy CTC decoding of the dev set (LibriSpeech test-other sample) from a checkpoint; writes hypotheses and WER.
The Java runtime must reproduce this WER within 0.5 absolute on the exported model.

  decode.py --run-dir asr-model/training/runs/cpu1 [--which best|latest] [--chunk 16 --left-chunks 4] --out hyps.tsv
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_onnx  # noqa: E402
import model as M  # noqa: E402
import tokens  # noqa: E402
import train  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default="")
    ap.add_argument("--run-dir", default="")
    ap.add_argument("--which", default="best", choices=["best", "latest"])
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--dev-dir", default=export_onnx.DEV_DIR, help="used when no cached dev shard exists")
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=0, help="attention chunk in output frames (0 = full)")
    ap.add_argument("--left-chunks", type=int, default=-1)
    ap.add_argument("--out", default="", help="hypotheses TSV (id, ref, hyp); WER summary goes to <out>.json")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = export_onnx.resolve_checkpoint(a)
    state = torch.load(ck, map_location="cpu")
    net = M.ConformerCTC(M.ConformerConfig(**state["config"]))
    net.load_state_dict(state["model"])
    device = train.pick_device(a.device)
    net.to(device)
    dev = export_onnx.load_dev(a, limit=a.dev_limit)
    wer, hyps = train.evaluate(net, dev, device, None, chunk=a.chunk, left_chunks=a.left_chunks)
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
