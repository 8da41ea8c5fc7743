"""The book-text sentence list that synthetic speech is made from (synthesize.py, tools/make_carry.py)."""
import glob
import os


def load_sentences(path, max_words, dev_dir):
    """Sentences of `path` (one per line, LibriSpeech-normalised) with at most max_words words, without any exact
    match of a transcript under dev_dir. Returns (sentences, number dropped as dev transcripts)."""
    dev = set()
    for trans in glob.glob(os.path.join(dev_dir, "**", "*.trans.txt"), recursive=True):
        with open(trans, encoding="utf-8") as f:
            dev.update(line.strip().partition(" ")[2] for line in f)
    out, dropped = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = " ".join(line.split())
            if not s or len(s.split()) > max_words:
                continue
            if s in dev:
                dropped += 1
                continue
            out.append(s)
    return out, dropped
