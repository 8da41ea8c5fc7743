#!/usr/bin/env python3
"""Word-piece vocabulary for a label-sparse CTC head: a SentencePiece model (BPE or unigram) trained on the book
text and the training transcripts only (never on the dev/evaluation transcripts).

  /usr/bin/python3 train_bpe.py --vocab-size 256                 # -> data/lang_bpe_256/{bpe.model,tokens.txt,summary.json}

Id 0 is "<blk>" (the CTC blank), id 1 "<unk>", no BOS/EOS; tokens.txt lists the pieces by id (the Java runtime's
vocabulary). summary.json reports pieces per word and the share of 40 ms output frames that would carry a label on
the training set (pieces / subsampled frames), the figure that decides whether frames can skip layers.
"""
import argparse
import json
import os
import random
import sys
import tempfile

from local import tokens
from local.paths import DATA_DIR, REPO


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA_DIR, help="prepare_data.py output (train.jsonl: training transcripts)")
    ap.add_argument("--text", default=os.path.join(REPO, "..", "shared", "data", "text", "sentences.txt"),
                    help="book sentences, LibriSpeech-normalised")
    ap.add_argument("--vocab-size", type=int, default=256)
    ap.add_argument("--model-type", default="bpe", choices=["bpe", "unigram"])
    ap.add_argument("--max-sentences", type=int, default=300000, help="book sentences sampled for training")
    ap.add_argument("--subsampling", type=int, default=4, help="for the label-share estimate")
    ap.add_argument("--out", default="", help="default DATA/lang_<type>_<size>")
    ap.add_argument("--seed", type=int, default=1234)
    return ap.parse_args(argv)


def training_transcripts(data_dir):
    path = os.path.join(data_dir, "train.jsonl")
    if not os.path.exists(path):
        sys.exit(f"{path} missing: run prepare_data.py first")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv=None):
    a = parse_args(argv)
    import sentencepiece as spm
    out = a.out or os.path.join(a.data, f"lang_{a.model_type}_{a.vocab_size}")
    os.makedirs(out, exist_ok=True)
    utts = training_transcripts(a.data)
    lines = [u["text"] for u in utts]
    if os.path.exists(a.text):
        with open(a.text, encoding="utf-8") as f:
            book = [tokens.normalize(line) for line in f]
        book = [b for b in book if b]
        random.Random(a.seed).shuffle(book)
        lines += book[: a.max_sentences]
    else:
        print(f"warning: {a.text} missing; training transcripts only", file=sys.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        corpus = f.name
    try:
        prefix = os.path.join(out, "bpe")
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=prefix, vocab_size=a.vocab_size, model_type=a.model_type,
            character_coverage=1.0, user_defined_symbols=[tokens.BLANK], unk_id=1, bos_id=-1, eos_id=-1,
            pad_id=-1, input_sentence_size=len(lines), shuffle_input_sentence=True, seed_sentencepiece_size=200000,
            num_threads=2, minloglevel=2)
    finally:
        os.remove(corpus)
    vocab = tokens.PieceVocabulary.load(prefix + ".model")
    vocab.write(os.path.join(out, "tokens.txt"))
    os.remove(prefix + ".vocab")

    words = pieces = frames = chars = 0
    for u in utts:
        ids = vocab.encode(u["text"])
        if vocab.decode(ids) != u["text"]:
            sys.exit(f"round trip failed for {u['id']}: {u['text']!r} -> {vocab.decode(ids)!r}")
        words += len(u["text"].split())
        chars += len(u["text"])
        pieces += len(ids)
        frames += int(u["duration"] * 100) // a.subsampling
    summary = {"model_type": a.model_type, "vocab_size": vocab.size, "training_lines": len(lines),
               "training_utterances": len(utts), "pieces_per_word": round(pieces / max(1, words), 3),
               "label_share_pieces": round(pieces / max(1, frames), 3),
               "label_share_characters": round(chars / max(1, frames), 3),
               "output_frame_ms": 10 * a.subsampling}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"wrote {out}: {vocab.size} pieces; {summary['pieces_per_word']} pieces/word; labels on "
          f"{100 * summary['label_share_pieces']:.1f} % of {summary['output_frame_ms']} ms frames "
          f"(characters: {100 * summary['label_share_characters']:.1f} %)")


if __name__ == "__main__":
    main()
