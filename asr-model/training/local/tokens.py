"""Vocabularies shared with the Java runtime (line index in tokens.txt = token id, blank = 0): the characters of the
first models, or word pieces (SentencePiece BPE / unigram) for a label-sparse CTC output; text normalisation, greedy
CTC, WER / CER."""
import re
import unicodedata

BLANK = "<blk>"
SPACE = "\u2581"  # word separator token
TOKENS = [BLANK, SPACE, "'"] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
TOKEN_TO_ID = {t: i for i, t in enumerate(TOKENS)}
VOCAB_SIZE = len(TOKENS)  # 29


class TextError(Exception):
    pass


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


class Vocabulary:
    """Token ids <-> text. `pieces` are the lines of tokens.txt: "<blk>" first, "\u2581" marks a word start
    (characters: the word separator token itself; word pieces: the first piece of every word carries it)."""
    kind = "char"

    @property
    def pieces(self):
        return TOKENS

    @property
    def size(self):
        return len(self.pieces)

    def encode(self, text: str):
        return encode(text)

    def decode(self, ids) -> str:
        return re.sub(r" +", " ", decode_ids(ids))

    def to_state(self):
        """What a checkpoint stores to rebuild this vocabulary (from_state)."""
        return {"kind": self.kind}

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            for t in self.pieces:
                f.write(t + "\n")


CHARS = Vocabulary()


class PieceVocabulary(Vocabulary):
    """A SentencePiece model trained by train_bpe.py: id 0 is "<blk>" (a user-defined symbol, so SentencePiece
    never emits it), id 1 "<unk>", no BOS/EOS. Encoding never yields <unk> for normalised text (the trainer covers
    every character), which encode checks."""
    kind = "bpe"

    def __init__(self, proto: bytes):
        import sentencepiece as spm
        self.proto = bytes(proto)
        self.sp = spm.SentencePieceProcessor(model_proto=self.proto)
        self._pieces = [self.sp.id_to_piece(i) for i in range(self.sp.get_piece_size())]
        if self._pieces[0] != BLANK:
            raise ValueError(f"piece 0 is {self._pieces[0]!r}, expected {BLANK!r}: not a train_bpe.py model")

    @classmethod
    def load(cls, path: str) -> "PieceVocabulary":
        with open(path, "rb") as f:
            return cls(f.read())

    @property
    def pieces(self):
        return self._pieces

    def encode(self, text: str):
        ids = self.sp.encode(text)
        if self.sp.unk_id() in ids:
            raise TextError(f"{text!r} has characters the word-piece model does not know")
        return ids

    def decode(self, ids) -> str:
        words = "".join(self._pieces[i] for i in ids if i > 1).replace(SPACE, " ")
        return re.sub(r" +", " ", words).strip()

    def to_state(self):
        return {"kind": self.kind, "proto": self.proto}


def vocabulary_from_state(stored) -> Vocabulary:
    """The vocabulary a checkpoint was trained with (checkpoints without one: characters)."""
    if not stored or stored.get("kind", "char") == "char":
        return CHARS
    if stored["kind"] == "bpe":
        return PieceVocabulary(stored["proto"])
    raise ValueError(f"unknown vocabulary kind {stored['kind']!r}")


def vocabulary_of(state: dict) -> Vocabulary:
    return vocabulary_from_state(state.get("vocabulary"))


def greedy_ids(log_probs, length: int):
    """Greedy CTC ids: argmax per frame, merge repeats, drop blanks. log_probs: [T, V] tensor."""
    best = log_probs[:length].argmax(dim=-1).tolist()
    out, prev = [], -1
    for b in best:
        if b != prev and b != 0:
            out.append(b)
        prev = b
    return out


def greedy_ctc(log_probs, length: int, vocab: Vocabulary = CHARS) -> str:
    return vocab.decode(greedy_ids(log_probs, length))


def non_blank_share(log_probs, length: int):
    """(frames whose argmax is not blank, frames): how label-dense the CTC output is."""
    best = log_probs[:length].argmax(dim=-1)
    return int((best != 0).sum()), int(length)


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
