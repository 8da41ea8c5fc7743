#!/usr/bin/env python3
"""Independent corpus-WER check of `asr eval --hypotheses FILE`: recomputes the WER of those hypotheses against the
LibriSpeech references with the training recipe's Python scorer (asr-model/training/local/tokens.py), which shares no code
with the Java WerCalculator.

  eval/scripts/wer_crosscheck.py ../shared/data/librispeech/LibriSpeech/test-other hyp.txt
"""
import glob
import os
import sys

# the recipe folder, so that its `local` package imports
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "asr-model", "training"))
from local import tokens  # noqa: E402


def main(root, hyp_file):
    refs = {}
    for trans in glob.glob(os.path.join(root, "**", "*.trans.txt"), recursive=True):
        with open(trans, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    uid, _, text = line.strip().partition(" ")
                    refs[uid] = text
    hyps = {}
    with open(hyp_file, encoding="utf-8") as f:
        for line in f:
            uid, _, text = line.rstrip("\n").partition(" ")
            hyps[uid] = text
    ids = sorted(hyps)
    missing = [u for u in ids if u not in refs]
    if missing:
        raise SystemExit(f"no reference for {missing[:3]}")
    r = [tokens.normalize(refs[u]) for u in ids]
    h = [tokens.normalize(hyps[u]) for u in ids]
    wer, errors, words = tokens.wer(r, h)
    print(f"utterances {len(ids)}  words {words}  errors {errors}  WER {wer:.2f}%")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
