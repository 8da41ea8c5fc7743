#!/usr/bin/env python3
"""Build manifests and cached fbank features (fp16) for training, dev and CMVN.

Outputs under --out (default asr-model/training/data/, git-ignored):
  shards/<source>.pt      dict(ids, feats=[fp16 [T,80] tensors], texts, durations) - one file per source
  manifests/<source>.jsonl one line per utterance: id, audio, duration, text, source
  train.jsonl / dev.jsonl  concatenations (train = all training sources; dev = test-other, eval only)
  validation.jsonl         the validation split: every utterance of --validation-speakers, held out of every
                           training source (shard validation.pt); it chooses checkpoints and tunes, never the dev set
  stats_unlabelled.pt      fbank sum / sum of squares / frame count of the unlabelled clips
  cmvn.pt + cmvn.json      global mean/std per bin over training features + unlabelled audio
  summary.json             counts, hours per source, skipped items with reasons
A shard that already exists is reused (use --force to rebuild), so the script is resumable and a machine that only
has the carried shards (tools/make_carry.py) can rebuild the rest without the original audio.
"""
import argparse
import glob
import json
import os
import sys
import time
from multiprocessing import Pool

import torch

from local import features, tokens
from local.paths import DATA_DIR, REPO

DEFAULT_SHARED = os.path.abspath(os.path.join(REPO, "..", "shared", "data"))
DIGITS = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]
TRAIN_SOURCES = ["libri-train-clean-5", "libri-dev-clean", "librilight", "ljspeech", "fsdd", "synthetic"]
PERTURBED_SOURCES = {"libri-train-clean-5", "libri-dev-clean", "librilight", "ljspeech"}  # real read speech only
LIBRILIGHT_SPLITS = ["train-1h-clean", "train-1h-other", "train-9h-other"]
# ~22 min of training speakers held out as the validation split: one train-other-500 speaker (the harder speech the
# dev set resembles; its Libri-light 1 h and 9 h folds) and two train-clean-100 speakers (train-clean-5, Libri-light 1 h)
VALIDATION_SPEAKERS = "1746,1737,3259"


class Skips:
    def __init__(self):
        self.items = []

    def add(self, source, what, why):
        print(f"  SKIP [{source}] {what}: {why}", file=sys.stderr)
        self.items.append({"source": source, "item": what, "reason": why})


# ---------------------------------------------------------------- listing (id, audio path, text)
def list_librispeech(root, source, skips, ext):
    if not os.path.isdir(root):
        skips.add(source, root, "folder missing")
        return []
    out = []
    for trans in sorted(glob.glob(os.path.join(root, "*", "*", "*.trans.txt"))):
        d = os.path.dirname(trans)
        with open(trans, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                uid, _, text = line.strip().partition(" ")
                out.append((uid, os.path.join(d, uid + ext), text.strip()))
    if not out:
        skips.add(source, root, "no *.trans.txt found")
    return out


def list_ljspeech(root, skips):
    meta = os.path.join(root, "metadata.csv")
    if not os.path.isfile(meta):
        skips.add("ljspeech", meta, "metadata.csv missing")
        return []
    out = []
    with open(meta, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("|")
            if len(parts) < 3:
                skips.add("ljspeech", line.strip()[:40], "metadata line without 3 columns")
                continue
            out.append((parts[0], os.path.join(root, "wavs", parts[0] + ".opus"), tokens.normalize(parts[2])))
    return out


def list_fsdd(root, skips):
    if not os.path.isdir(root):
        skips.add("fsdd", root, "folder missing")
        return []
    out = []
    for p in sorted(glob.glob(os.path.join(root, "*.wav")) + glob.glob(os.path.join(root, "*.opus"))):
        name = os.path.splitext(os.path.basename(p))[0]
        d = name.split("_")[0]
        if not d.isdigit() or int(d) > 9:
            skips.add("fsdd", p, "file name does not start with a digit label")
            continue
        out.append(("fsdd-" + name, p, DIGITS[int(d)]))
    return out


def list_synthetic(root, skips):
    """Synthetic speech: LibriSpeech layout (*.trans.txt) or <id>.{wav,opus,flac} + <id>.txt pairs."""
    if not root:
        return []
    if not os.path.isdir(root):
        skips.add("synthetic", root, "folder missing")
        return []
    out = []
    for trans in sorted(glob.glob(os.path.join(root, "**", "*.trans.txt"), recursive=True)):
        d = os.path.dirname(trans)
        with open(trans, encoding="utf-8") as f:
            for line in f:
                uid, _, text = line.strip().partition(" ")
                if uid:
                    cands = [os.path.join(d, uid + e) for e in (".wav", ".opus", ".flac")]
                    path = next((c for c in cands if os.path.exists(c)), cands[0])
                    out.append(("syn-" + uid, path, tokens.normalize(text)))
    if not out:
        for txt in sorted(glob.glob(os.path.join(root, "**", "*.txt"), recursive=True)):
            stem = os.path.splitext(txt)[0]
            path = next((stem + e for e in (".wav", ".opus", ".flac") if os.path.exists(stem + e)), None)
            if path is None:
                continue
            with open(txt, encoding="utf-8") as f:
                out.append(("syn-" + os.path.basename(stem), path, tokens.normalize(f.read())))
    return out


def hold_out(lists, speakers):
    """Moves every utterance of the given LibriSpeech speakers (utterance id <speaker>-<chapter>-<utt>) out of the
    training lists, in place; returns them as the validation list (a speaker can read in several sources)."""
    held = []
    for src, items in lists.items():
        keep = [it for it in items if it[0].split("-")[0] not in speakers]
        held += [it for it in items if it[0].split("-")[0] in speakers]
        lists[src] = keep
    return held


# ---------------------------------------------------------------- feature extraction
def speed_perturb(wav, factor):
    """Kaldi/sox-style speed perturbation: play the waveform `factor` times faster (tempo and pitch both change),
    i.e. treat it as sampled at 16 kHz * factor and resample to 16 kHz."""
    sr = features.SAMPLE_RATE
    src = int(round(sr * factor))
    try:
        import torchaudio.functional as AF
        return AF.resample(wav, src, sr)
    except Exception:  # no torchaudio: linear interpolation (slight aliasing, fine for 0.9..1.1)
        n = int(round(wav.numel() / factor))
        return torch.nn.functional.interpolate(wav.view(1, 1, -1), size=n, mode="linear", align_corners=False).view(-1)


def _extract(item):
    uid, path, text = item[:3]
    factor = item[3] if len(item) > 3 else 1.0
    try:
        wav = features.load_audio(path)
        if factor != 1.0:
            wav = speed_perturb(wav, factor)
        if wav.numel() < 400 * 4:
            return uid, path, text, None, f"too short ({wav.numel()} samples)"
        feat = features.fbank(wav)
        return uid, path, text, (feat.to(torch.float16), wav.numel() / features.SAMPLE_RATE), None
    except features.AudioError as e:
        return uid, path, text, None, str(e)
    except Exception as e:  # any decoder crash is reported and skipped, never fatal
        return uid, path, text, None, f"{path}: {type(e).__name__}: {e}"


def write_manifest(shard, source, man_path):
    os.makedirs(os.path.dirname(man_path), exist_ok=True)
    with open(man_path, "w", encoding="utf-8") as f:
        for i, uid in enumerate(shard["ids"]):
            f.write(json.dumps({"id": uid, "audio": shard["audio"][i], "duration": round(shard["durations"][i], 3),
                                "text": shard["texts"][i], "source": source}) + "\n")


def build_shard(source, items, out_dir, jobs, skips, labelled=True, force=False, factor=1.0, held_out=()):
    """held_out: the validation speakers this shard was built without (stored; a reused shard must match)."""
    shard_path = os.path.join(out_dir, "shards", source + ".pt")
    man_path = os.path.join(out_dir, "manifests", source + ".jsonl")
    if os.path.exists(shard_path) and not force:
        print(f"[{source}] reusing {shard_path}")
        shard = torch.load(shard_path)
        if sorted(shard.get("held_out_speakers", [])) != sorted(held_out) and any(
                uid.split("-")[-3 if uid.startswith("sp") else 0] in held_out for uid in shard["ids"]):
            sys.exit(f"{shard_path} holds utterances of the validation speakers {sorted(held_out)}: "
                     f"rebuild it with --force")
        if not os.path.exists(man_path):
            write_manifest(shard, source, man_path)
        return shard
    if not items:
        return None
    good = []
    for uid, path, text in items:
        if labelled:
            if not text:
                skips.add(source, uid, "empty transcript")
                continue
            try:
                tokens.encode(text)
            except tokens.TextError as e:
                skips.add(source, uid, f"transcript {text[:40]!r}: {e}")
                continue
        good.append((uid, path, text, factor))
    t0 = time.time()
    shard = {"ids": [], "feats": [], "texts": [], "durations": [], "audio": [], "held_out_speakers": sorted(held_out)}
    with Pool(jobs) as pool:
        for n, (uid, path, text, res, err) in enumerate(pool.imap(_extract, good, chunksize=4), 1):
            if factor != 1.0:
                uid = f"sp{factor}-{uid}"
            if err:
                skips.add(source, uid, err)
                continue
            feat, dur = res
            shard["ids"].append(uid)
            shard["feats"].append(feat)
            shard["texts"].append(text)
            shard["durations"].append(dur)
            shard["audio"].append(os.path.relpath(path, REPO))
            if n % 250 == 0:
                print(f"[{source}] {n}/{len(good)} files, {time.time() - t0:.0f} s", flush=True)
    os.makedirs(os.path.dirname(shard_path), exist_ok=True)
    torch.save(shard, shard_path)
    write_manifest(shard, source, man_path)
    hours = sum(shard["durations"]) / 3600
    print(f"[{source}] {len(shard['ids'])} utterances, {hours:.2f} h, {time.time() - t0:.0f} s")
    return shard


def accumulate(stats, feats):
    for f in feats:
        f = f.float()
        stats["sum"] += f.sum(0).double()
        stats["sumsq"] += (f.double() ** 2).sum(0)
        stats["count"] += f.shape[0]


def new_stats():
    return {"sum": torch.zeros(80, dtype=torch.float64), "sumsq": torch.zeros(80, dtype=torch.float64), "count": 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=DEFAULT_SHARED, help="shared data root (default: <repo>/../shared/data)")
    ap.add_argument("--out", default=DATA_DIR)
    ap.add_argument("--synthetic", default="", help="optional synthetic speech folder")
    ap.add_argument("--no-fsdd", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--speed-perturb", default="",
                    help="comma-separated factors, e.g. 0.9,1.1: extra shards <source>-sp<f> of the real speech "
                         "sources (train.py --speed-perturb loads them)")
    ap.add_argument("--limit", type=int, default=0, help="max utterances per source (smoke tests)")
    ap.add_argument("--force", action="store_true", help="rebuild shards that already exist")
    ap.add_argument("--validation-speakers", default=VALIDATION_SPEAKERS,
                    help="comma-separated LibriSpeech speaker ids held out of every training source as the "
                         "validation split (checkpoint choice, tuning); empty = no validation split")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    skips = Skips()
    s = args.shared
    ls = os.path.join(s, "librispeech-extra", "LibriSpeech")
    lists = {
        "libri-train-clean-5": list_librispeech(os.path.join(ls, "train-clean-5"), "libri-train-clean-5", skips, ".opus"),
        "libri-dev-clean": list_librispeech(os.path.join(ls, "dev-clean"), "libri-dev-clean", skips, ".opus"),
        "librilight": [it for split in LIBRILIGHT_SPLITS for it in list_librispeech(
            os.path.join(s, "librilight", "LibriSpeech", split), "librilight", skips, ".opus")],
        "ljspeech": list_ljspeech(os.path.join(s, "ljspeech", "LJSpeech-1.1"), skips),
        "fsdd": [] if args.no_fsdd else list_fsdd(os.path.join(s, "fsdd", "recordings"), skips),
        "synthetic": list_synthetic(args.synthetic, skips),
    }
    dev_list = list_librispeech(os.path.join(s, "librispeech", "LibriSpeech", "test-other"), "dev-test-other", skips, ".flac")
    held_out = {v.strip() for v in args.validation_speakers.split(",") if v.strip()}
    validation_list = hold_out(lists, held_out)
    if args.limit:
        lists = {k: v[: args.limit] for k, v in lists.items()}
        dev_list = dev_list[: args.limit]
        validation_list = validation_list[: args.limit]
    os.makedirs(args.out, exist_ok=True)
    summary = {"sources": {}, "skipped": None}
    train_stats = new_stats()
    with open(os.path.join(args.out, "train.jsonl"), "w", encoding="utf-8") as tf:
        for src in TRAIN_SOURCES:
            shard = build_shard(src, lists[src], args.out, args.jobs, skips, force=args.force, held_out=held_out)
            if shard is None or not shard["ids"]:
                continue
            accumulate(train_stats, shard["feats"])
            summary["sources"][src] = {"utterances": len(shard["ids"]), "hours": round(sum(shard["durations"]) / 3600, 4)}
            with open(os.path.join(args.out, "manifests", src + ".jsonl"), encoding="utf-8") as mf:
                tf.write(mf.read())
            if src in PERTURBED_SOURCES:
                for factor in [float(v) for v in args.speed_perturb.split(",") if v.strip()]:
                    name = f"{src}-sp{factor:g}"
                    sp = build_shard(name, lists[src], args.out, args.jobs, skips, force=args.force, factor=factor,
                                     held_out=held_out)
                    if sp is not None and sp["ids"]:
                        summary["sources"][name] = {"utterances": len(sp["ids"]),
                                                    "hours": round(sum(sp["durations"]) / 3600, 4)}
    val = build_shard("validation", validation_list, args.out, args.jobs, skips, force=args.force)
    if val is not None and val["ids"]:
        summary["sources"]["validation (held-out training speakers)"] = {
            "utterances": len(val["ids"]), "hours": round(sum(val["durations"]) / 3600, 4),
            "speakers": sorted({uid.split("-")[0] for uid in val["ids"]})}
        with open(os.path.join(args.out, "validation.jsonl"), "w", encoding="utf-8") as vf, \
                open(os.path.join(args.out, "manifests", "validation.jsonl"), encoding="utf-8") as mf:
            vf.write(mf.read())
    dev = build_shard("dev-test-other", dev_list, args.out, args.jobs, skips, force=args.force)
    if dev is not None:
        summary["sources"]["dev-test-other (eval only)"] = {"utterances": len(dev["ids"]),
                                                           "hours": round(sum(dev["durations"]) / 3600, 4)}
        with open(os.path.join(args.out, "dev.jsonl"), "w", encoding="utf-8") as df, \
                open(os.path.join(args.out, "manifests", "dev-test-other.jsonl"), encoding="utf-8") as mf:
            df.write(mf.read())

    # unlabelled audio contributes to CMVN only
    un_path = os.path.join(args.out, "stats_unlabelled.pt")
    if os.path.exists(un_path) and not args.force:
        un = torch.load(un_path)
        print(f"[unlabelled] reusing {un_path}")
    else:
        files = sorted(glob.glob(os.path.join(s, "unlabelled", "librispeech-train-clean-100", "*.flac")))
        if args.limit:
            files = files[: args.limit]
        if not files:
            skips.add("unlabelled", os.path.join(s, "unlabelled"), "no flac files; CMVN from training data only")
        un = new_stats()
        with Pool(args.jobs) as pool:
            for uid, path, _, res, err in pool.imap(_extract, [(os.path.basename(f), f, "") for f in files], chunksize=4):
                if err:
                    skips.add("unlabelled", uid, err)
                else:
                    accumulate(un, [res[0]])
        if files:
            torch.save(un, un_path)
    total = new_stats()
    for k in ("sum", "sumsq"):
        total[k] = train_stats[k] + un[k]
    total["count"] = train_stats["count"] + un["count"]
    if total["count"] == 0:
        sys.exit("no features at all: check --shared (" + s + ")")
    mean = total["sum"] / total["count"]
    std = (total["sumsq"] / total["count"] - mean ** 2).clamp_min(1e-8).sqrt()
    torch.save({"mean": mean.float(), "std": std.float(), "frames": total["count"]}, os.path.join(args.out, "cmvn.pt"))
    with open(os.path.join(args.out, "cmvn.json"), "w") as f:
        json.dump({"frames": total["count"], "unlabelled_frames": un["count"], "mean": mean.tolist(), "std": std.tolist()}, f)
    summary["cmvn_frames"] = total["count"]
    summary["skipped_count"] = len(skips.items)
    summary["skipped"] = skips.items
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("== summary ==")
    for k, v in summary["sources"].items():
        print(f"  {k:28s} {v['utterances']:6d} utts {v['hours']:7.3f} h")
    print(f"  CMVN frames: {total['count']}  skipped items: {len(skips.items)} (details in summary.json)")


if __name__ == "__main__":
    main()
