"""Character vocabulary shared with the Java runtime: line index in tokens.txt = token id."""
import re
import unicodedata

BLANK = "<blk>"
SPACE = "\u2581"  # word separator token
TOKENS = [BLANK, SPACE, "'"] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
TOKEN_TO_ID = {t: i for i, t in enumerate(TOKENS)}
VOCAB_SIZE = len(TOKENS)  # 29


class TextError(Exception):
    pass


def write_tokens(path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for t in TOKENS:
            f.write(t + "\n")


def normalize(text: str) -> str:
    """LibriSpeech-style normalization: upper case A-Z, apostrophe inside words, single spaces.
    Hyphens/dashes become spaces, other punctuation is dropped, accents are stripped."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("\u2019", "'").replace("\u2018", "'").upper()
    t = re.sub(r"[-\u2013\u2014/]", " ", t)
    t = re.sub(r"[^A-Z']", " ", t)
    t = re.sub(r"(?<![A-Z])'|'(?![A-Z])", " ", t)  # keep apostrophes only inside words
    return re.sub(r" +", " ", t).strip()


def encode(text: str):
    """Text (already normalized) -> token ids. Raises TextError on characters outside the vocabulary."""
    ids = []
    for c in text:
        if c == " ":
            ids.append(TOKEN_TO_ID[SPACE])
        elif c in TOKEN_TO_ID and c != BLANK:
            ids.append(TOKEN_TO_ID[c])
        else:
            raise TextError(f"character {c!r} is not in the vocabulary")
    return ids


def decode_ids(ids) -> str:
    return "".join(" " if TOKENS[i] == SPACE else TOKENS[i] for i in ids if i != 0).strip()


def greedy_ctc(log_probs, length: int) -> str:
    """Greedy CTC: argmax per frame, merge repeats, drop blanks. log_probs: [T, V] tensor."""
    best = log_probs[:length].argmax(dim=-1).tolist()
    out, prev = [], -1
    for b in best:
        if b != prev and b != 0:
            out.append(b)
        prev = b
    return re.sub(r" +", " ", decode_ids(out))


def edit_distance(ref, hyp) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def wer(refs, hyps):
    """Corpus WER in percent: total word edits / total reference words."""
    errs = sum(edit_distance(r.split(), h.split()) for r, h in zip(refs, hyps))
    words = sum(len(r.split()) for r in refs)
    return 100.0 * errs / max(1, words), errs, words


def cer(refs, hyps):
    """Corpus character error rate in percent (spaces count as characters)."""
    errs = sum(edit_distance(list(r), list(h)) for r, h in zip(refs, hyps))
    chars = sum(len(r) for r in refs)
    return 100.0 * errs / max(1, chars)
