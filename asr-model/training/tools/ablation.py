#!/usr/bin/env python3
"""Data-source ablation: the same training run on real speech only, synthetic speech only, and both; dev WER/CER.

Every arm is one `train.py` run with identical settings (seed, steps, LR schedule, batch size, SpecAugment, dynamic
chunks); only --sources differs. With --init-from the arms fine-tune the same checkpoint (the cheap CPU form: how
each source moves an existing model), without it they train from scratch (the GPU form). The starting checkpoint
is scored too, so every arm reads as a change against it. Results: OUT/ablation.md + OUT/ablation.json; --card DIR
also puts the figures into DIR/model-card.json ("ablation"). The table belongs in RESULTS.md, with its command.

  python3 -m tools.ablation --data data --init-from runs/backbone/step237.pt --out runs/ablation --steps 100 --threads 2 \\
      --card ../models/conformer-ctc-small
Extra train.py flags go after `--` (e.g. `-- --frame-skip 0.3`).
"""
import argparse
import json
import os
import subprocess
import sys

import torch

from local import data, tokens
from local.checkpoint import load_backbone
from local.evaluation import evaluate
from local.paths import DATA_DIR, RECIPE_DIR

REAL = "libri-train-clean-5,libri-dev-clean,ljspeech"
SECTION = "## Data-source ablation"


def score(ckpt_path, dev):
    net, state = load_backbone(ckpt_path)
    dev.vocab = net.vocab
    wer, hyps = evaluate(net, dev, torch.device("cpu"), None)
    return wer, tokens.cer(dev.texts, hyps), state.get("step")


def run_arm(a, name, sources, extra):
    run_dir = os.path.join(a.out, name)
    cmd = [sys.executable, os.path.join(RECIPE_DIR, "train.py"), "--data", a.data, "--run-dir", run_dir,
           "--sources", sources, "--steps", str(a.steps), "--lr", str(a.lr), "--warmup", str(a.warmup),
           "--min-lr-ratio", str(a.min_lr_ratio), "--max-frames", str(a.max_frames), "--threads", str(a.threads),
           "--seed", str(a.seed), "--ckpt-every", str(a.steps), "--keep", "1"]
    if a.init_from:
        cmd += ["--init-from", a.init_from]
    cmd += extra
    print(f"[{name}] {' '.join(cmd)}", flush=True)
    with open(os.path.join(a.out, f"{name}.stdout.log"), "w") as log:
        subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(run_dir, "config.json")) as f:
        cfg = json.load(f)
    return run_dir, cfg


def markdown(rows, a, extra):
    start = "the starting checkpoint" if a.init_from else "scratch"
    lines = [SECTION, "",
             f"Same `train.py` run per arm from {start}: {a.steps} steps, LR {a.lr} (warm-up {a.warmup}, cosine to "
             f"{a.min_lr_ratio:g}x), <= {a.max_frames} padded frames per batch, seed {a.seed}"
             + (f", extra flags `{' '.join(extra)}`" if extra else "") + "; only the training sources differ. "
             "Dev = LibriSpeech test-other sample (50 utterances), greedy CTC, PyTorch (= Java greedy)."
             + (f" {a.note}" if a.note else ""), "",
             "| arm | sources | hours by source | dev WER % | dev CER % | WER change |",
             "| --- | --- | --- | --- | --- | --- |"]
    base = rows[0]["wer"]
    for r in rows:
        hours = ", ".join(f"{k} {v:.2f} h" for k, v in r.get("hours_by_source", {}).items()) or "-"
        change = "-" if r is rows[0] else f"{r['wer'] - base:+.2f}"
        lines.append(f"| {r['arm']} | {r['sources']} | {hours} | {r['wer']:.2f} | {r['cer']:.2f} | {change} |")
    lines += ["", "Reproduce (from asr-model/training): `python3 -m tools.ablation --data <data> "
              + ("--init-from <checkpoint> " if a.init_from else "")
              + f"--out <dir> --steps {a.steps} --threads {a.threads}"
              + (f" -- {' '.join(extra)}" if extra else "") + "`", ""]
    return "\n".join(lines)


def update_card(folder, result):
    json_path = os.path.join(folder, "model-card.json")
    with open(json_path) as f:
        card = json.load(f)
    card["ablation"] = result
    with open(json_path, "w") as f:
        json.dump(card, f, indent=1)


def write_outputs(a, md, result):
    with open(os.path.join(a.out, "ablation.md"), "w") as f:
        f.write(md)
    with open(os.path.join(a.out, "ablation.json"), "w") as f:
        json.dump(result, f, indent=1)
    if a.card:
        update_card(a.card, result)
    print(md)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--out", required=True)
    ap.add_argument("--init-from", default="", help="checkpoint all arms fine-tune (default: from scratch)")
    ap.add_argument("--real", default=REAL, help="shards of real speech")
    ap.add_argument("--synthetic", default="synthetic", help="shard(s) of synthetic speech")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--max-frames", type=int, default=8000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--card", default="", help="model folder whose model-card.json gets the figures")
    ap.add_argument("--note", default="", help="a sentence for the table, e.g. how the synthetic shard was made")
    ap.add_argument("--report-only", action="store_true",
                    help="no training: rewrite the table (and --card) from OUT/ablation.json, e.g. after a re-export "
                         "replaced the model card")
    a, extra = ap.parse_known_args()
    extra = [e for e in extra if e != "--"]
    if a.report_only:
        with open(os.path.join(a.out, "ablation.json")) as f:
            result = json.load(f)
        for key in ("steps", "lr", "warmup", "min_lr_ratio", "threads", "max_frames", "seed"):
            setattr(a, key, result[key])
        a.init_from = result["init_from"] or ""
        a.note = a.note or result.get("note", "")
        result["note"] = a.note
        md = markdown(result["arms"], a, result["extra_train_flags"])
        write_outputs(a, md, result)
        return
    torch.set_num_threads(a.threads)
    for s in (a.real + "," + a.synthetic).split(","):
        if not os.path.exists(os.path.join(a.data, "shards", s + ".pt")):
            sys.exit(f"missing shard {s}.pt in {a.data}/shards (prepare_data.py; synthetic: synthesize.py, then "
                     f"prepare_data.py --synthetic <folder>)")
    os.makedirs(a.out, exist_ok=True)
    dev = data.FeatureSet([os.path.join(a.data, "shards", "dev-test-other.pt")], subsampling=1)
    rows = []
    if a.init_from:
        wer, cer, step = score(a.init_from, dev)
        rows.append({"arm": "starting checkpoint", "sources": "-", "wer": wer, "cer": cer, "step": step})
        print(f"[start] dev WER {wer:.2f}% CER {cer:.2f}%", flush=True)
    for name, sources in (("real", a.real), ("synthetic", a.synthetic), ("both", a.real + "," + a.synthetic)):
        run_dir, cfg = run_arm(a, name, sources, extra)
        wer, cer, step = score(os.path.join(run_dir, "checkpoints", "last-model.pt"), dev)
        rows.append({"arm": name, "sources": sources, "wer": wer, "cer": cer, "step": step,
                     "train_hours": cfg.get("train_hours"), "hours_by_source": cfg.get("hours_by_source", {})})
        print(f"[{name}] dev WER {wer:.2f}% CER {cer:.2f}%", flush=True)
    result = {"init_from": a.init_from or None, "steps": a.steps, "lr": a.lr, "warmup": a.warmup,
              "min_lr_ratio": a.min_lr_ratio, "threads": a.threads, "max_frames": a.max_frames, "seed": a.seed,
              "note": a.note, "extra_train_flags": extra, "dev_utterances": len(dev), "arms": rows}
    write_outputs(a, markdown(rows, a, extra), result)


if __name__ == "__main__":
    main()
