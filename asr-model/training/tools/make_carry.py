#!/usr/bin/env python3
"""Pack a compact training set for a GPU machine that has this working tree but not ../shared/data, into the
git-ignored folder asr-model/training/carry/ (default budget 55 MB).

Why audio and not features: fp16 fbank of the 8.4 h training set is ~475 MB (8000 values per second), far over the
budget; the Opus files are ~2 KB per second. So the carry holds
  carry/shared/...            the original Opus files + transcripts in the shared-data layout, by priority, until the
                              budget is used: LJSpeech, LibriSpeech train-clean-5, dev-clean (speaker by speaker);
                              FSDD re-encoded to 16 kbps Opus (opusenc), since its 8 kHz WAVs are 21 MB
  carry/data/shards/dev-test-other.pt, carry/data/stats_unlabelled.pt
                              cached dev features (eval only) and the unlabelled-audio CMVN statistics
  carry/bin/opusdec + carry/lib/*.so   Debian 12 opus-tools decoder (needs glibc >= 2.34 and libssl3)
  carry/debs/                 kept as they are (tools/fetch_synth_debs.sh, before or after this script) and counted first
  carry/text/sentences.txt    with --synth-text-mb: a seeded sample of text/sentences.txt without the dev
                              transcripts, for synthesizing speech on the device (gpu_session.sh --synthetic-hours)
On the GPU machine: gpu_session.sh or run.sh --gpu (both use carry/ when ../shared/data is absent).
"""
import argparse
import glob
import os
import random
import shutil
import subprocess
import sys

from local.paths import DATA_DIR, RECIPE_DIR, REPO
from local.sentences import load_sentences


def size(p):
    return os.path.getsize(p)


def write_text_sample(a, dst, report):
    """A seeded random sample of whole sentences, up to --synth-text-mb, with the dev transcripts removed here (the
    device has no dev set to filter against). Returns the bytes written."""
    sentences, dropped = load_sentences(os.path.join(a.shared, "text", "sentences.txt"), 10 ** 6,
                                       os.path.join(a.shared, "librispeech"))
    random.Random(1234).shuffle(sentences)
    limit, n, out = int(a.synth_text_mb * 1e6), 0, []
    for s in sentences:
        if n + len(s) + 1 > limit:
            break
        out.append(s)
        n += len(s) + 1
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(s + "\n" for s in out))
    report.append(f"text: {len(out)} of {len(sentences)} sentences ({n / 1e6:.1f} MB; {dropped} dev transcripts removed)")
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.abspath(os.path.join(REPO, "..", "shared", "data")))
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--out", default=os.path.join(RECIPE_DIR, "carry"))
    ap.add_argument("--max-mb", type=float, default=55.0)
    ap.add_argument("--fsdd-kbps", type=int, default=16)
    ap.add_argument("--no-fsdd", action="store_true", help="leave the digits out (little use for read speech)")
    ap.add_argument("--no-dev-features", action="store_true",
                    help="leave the dev features out (no dev WER on the device; evaluate the returned model here)")
    ap.add_argument("--synth-text-mb", type=float, default=0.0,
                    help="carry this many MB of sentences (seeded sample, dev transcripts removed) to synthesize from")
    a = ap.parse_args()
    budget = int(a.max_mb * 1e6)
    # rebuild the carry from scratch, except fetch_synth_debs.sh's download in carry/debs, which counts first
    debs = os.path.join(a.out, "debs")
    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(a.out):
        p = os.path.join(a.out, name)
        if p == debs:
            continue
        if os.path.isdir(p):
            shutil.rmtree(p)
        else:
            os.remove(p)
    used = sum(size(p) for p in glob.glob(os.path.join(debs, "*")))
    report = [f"synthesizer .debs (kept): {used / 1e6:.1f} MB"] if used else []
    if a.synth_text_mb > 0:
        used += write_text_sample(a, os.path.join(a.out, "text", "sentences.txt"), report)

    def copy(src, rel):
        nonlocal used
        dst = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        used += size(src)

    # 1. decoder, CMVN stats, dev features (small, always)
    before = used
    for b in ["/usr/bin/opusdec"]:
        if os.path.exists(b):
            copy(b, "bin/opusdec")
            os.chmod(os.path.join(a.out, "bin/opusdec"), 0o755)
    for lib in ["libopus.so.0", "libopusfile.so.0", "libopusurl.so.0", "libogg.so.0"]:
        p = os.path.join("/usr/lib/x86_64-linux-gnu", lib)
        if os.path.exists(p):
            copy(os.path.realpath(p), "lib/" + lib)
    for rel in ["shards/dev-test-other.pt", "stats_unlabelled.pt", "cmvn.pt", "cmvn.json"]:
        if a.no_dev_features and rel.startswith("shards/dev"):
            continue
        p = os.path.join(a.data, rel)
        if not os.path.exists(p):
            sys.exit(f"{p} missing: run prepare_data.py first")
        copy(p, "data/" + rel)
    report.append(f"decoder{'' if a.no_dev_features else ' + dev features'} + CMVN stats: {(used - before) / 1e6:.1f} MB")

    # 2. FSDD as Opus
    fsdd = sorted(glob.glob(os.path.join(a.shared, "fsdd", "recordings", "*.wav")))
    if fsdd and shutil.which("opusenc") and not a.no_fsdd:
        before = used
        d = os.path.join(a.out, "shared", "fsdd", "recordings")
        os.makedirs(d, exist_ok=True)
        for w in fsdd:
            dst = os.path.join(d, os.path.splitext(os.path.basename(w))[0] + ".opus")
            subprocess.run(["opusenc", "--quiet", "--bitrate", str(a.fsdd_kbps), w, dst], check=True)
            used += size(dst)
        report.append(f"fsdd: {len(fsdd)} files re-encoded to {a.fsdd_kbps} kbps Opus, {(used - before) / 1e6:.1f} MB")

    # 3. Opus speech by priority, whole chapters (transcript + its audio) until the budget is reached
    lj = os.path.join(a.shared, "ljspeech", "LJSpeech-1.1")
    groups = []
    if os.path.isdir(lj):
        groups.append(("ljspeech", [os.path.join(lj, "metadata.csv")] + sorted(glob.glob(os.path.join(lj, "wavs", "*.opus")))))
    for split in ["train-clean-5", "dev-clean"]:
        for trans in sorted(glob.glob(os.path.join(a.shared, "librispeech-extra", "LibriSpeech", split, "*", "*", "*.trans.txt"))):
            groups.append((split, [trans] + sorted(glob.glob(os.path.join(os.path.dirname(trans), "*.opus")))))
    kept, left = {}, {}
    for name, files in groups:
        total = sum(size(f) for f in files)
        if used + total > budget:
            left[name] = left.get(name, 0) + len(files) - 1
            continue
        for f in files:
            copy(f, os.path.join("shared", os.path.relpath(f, a.shared)))
        kept[name] = kept.get(name, 0) + len(files) - 1
    for name in kept.keys() | left.keys():
        report.append(f"{name}: {kept.get(name, 0)} audio files carried, {left.get(name, 0)} left out (budget)")
    report.append(f"TOTAL {used / 1e6:.1f} MB of {a.max_mb} MB budget in {a.out}")
    with open(os.path.join(a.out, "CARRY.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
