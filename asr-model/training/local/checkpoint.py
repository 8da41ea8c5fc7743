"""train.py checkpoints: write (with the slim model-only copies), find the newest, resolve a run dir, load a backbone.

Run dir layout: checkpoints/ckpt-<step>.pt (full state, last `keep` kept), checkpoints/latest (its name),
checkpoints/last-model.pt (model only: for export and hand-back), checkpoints/best.pt + best-model.pt (lowest
validation WER: the held-out training speakers, never the dev set).
"""
import glob
import os
import shutil

import torch

from . import model as M
from . import tokens


def save_checkpoint(run_dir, state, keep, valid_wer=None):
    """valid_wer: this checkpoint's validation WER; it becomes best.pt when no earlier one was lower."""
    ck = os.path.join(run_dir, "checkpoints")
    os.makedirs(ck, exist_ok=True)
    path = os.path.join(ck, f"ckpt-{state['step']:07d}.pt")
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)
    with open(os.path.join(ck, "latest"), "w") as f:
        f.write(os.path.basename(path) + "\n")
    slim = {k: v for k, v in state.items() if k not in ("optimizer", "rng")}  # for export / hand-back
    torch.save(slim, os.path.join(ck, "last-model.pt.tmp"))
    os.replace(os.path.join(ck, "last-model.pt.tmp"), os.path.join(ck, "last-model.pt"))
    if valid_wer is not None and valid_wer <= state.get("best_valid_wer", float("inf")):
        shutil.copyfile(path, os.path.join(ck, "best.pt.tmp"))
        os.replace(os.path.join(ck, "best.pt.tmp"), os.path.join(ck, "best.pt"))
        torch.save(slim, os.path.join(ck, "best-model.pt.tmp"))
        os.replace(os.path.join(ck, "best-model.pt.tmp"), os.path.join(ck, "best-model.pt"))
    for old in sorted(glob.glob(os.path.join(ck, "ckpt-*.pt")))[:-keep]:
        os.remove(old)
    return path


def latest_checkpoint(run_dir):
    cks = sorted(glob.glob(os.path.join(run_dir, "checkpoints", "ckpt-*.pt")))
    return cks[-1] if cks else None


def resolve_checkpoint(checkpoint, run_dir, which="best"):
    """An explicit checkpoint file wins; else the run dir's best.pt (which="best", when it exists) or its latest."""
    if checkpoint:
        return checkpoint
    ck = os.path.join(run_dir, "checkpoints")
    if which == "best" and os.path.exists(os.path.join(ck, "best.pt")):
        return os.path.join(ck, "best.pt")
    with open(os.path.join(ck, "latest")) as f:
        return os.path.join(ck, f.read().strip())


def load_backbone(path, map_location="cpu"):
    """Dense checkpoint (train.py format: dict with 'model' and 'config') -> (ConformerCTC in eval, state); the
    net's `vocab` is the checkpoint's vocabulary (characters when it names none)."""
    state = torch.load(path, map_location=map_location)
    cfg = M.ConformerConfig(**state["config"])
    net = M.ConformerCTC(cfg)
    net.load_state_dict(state["model"])
    net.vocab = tokens.vocabulary_of(state)
    return net.eval(), state
