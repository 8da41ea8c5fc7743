"""Cached-feature datasets, length-bucketed batching by total frames, and padding."""
import os
import random

import torch

from . import tokens

# the training shards train.py and train_coda.py read by default (prepare_data.py's sources; missing ones are skipped)
DEFAULT_SOURCES = "libri-train-clean-5,libri-dev-clean,librilight,ljspeech,fsdd,synthetic"


class FeatureSet:
    """Utterances from one or more shard files (see prepare_data.py), kept in memory as fp16."""

    def __init__(self, shard_paths, max_frames=0, min_frames=0, limit=0, subsampling=4, vocab=tokens.CHARS):
        self.vocab = vocab
        self.ids, self.feats, self.texts, self.durations, self.targets = [], [], [], [], []
        self.dropped = 0
        self.hours_by_source = {}
        for p in shard_paths:
            if not os.path.exists(p):
                print(f"warning: shard {p} missing, skipped")
                continue
            s = torch.load(p)
            n = len(s["ids"]) if not limit else min(limit, len(s["ids"]))
            before = len(self.durations)
            for i in range(n):
                f = s["feats"][i]
                ids = vocab.encode(s["texts"][i])
                out_frames = (f.shape[0] - 3) // subsampling  # lower bound of the subsampled length
                if (max_frames and f.shape[0] > max_frames) or f.shape[0] < max(min_frames, 7 * subsampling // 4 + 4) \
                        or out_frames < len(ids):
                    self.dropped += 1
                    continue
                self.ids.append(s["ids"][i])
                self.feats.append(f)
                self.texts.append(s["texts"][i])
                self.durations.append(s["durations"][i])
                self.targets.append(torch.tensor(ids, dtype=torch.long))
            src = os.path.splitext(os.path.basename(p))[0]
            self.hours_by_source[src] = round(sum(self.durations[before:]) / 3600, 4)

    @classmethod
    def from_audio_dir(cls, librispeech_dir, limit=0, vocab=tokens.CHARS):
        """Dev set straight from audio (LibriSpeech layout, *.trans.txt + audio) when no cached shard exists."""
        import glob
        from . import features
        ds = cls([], vocab=vocab)
        for trans in sorted(glob.glob(os.path.join(librispeech_dir, "*", "*", "*.trans.txt"))):
            d = os.path.dirname(trans)
            for line in open(trans, encoding="utf-8"):
                uid, _, text = line.strip().partition(" ")
                if not uid or (limit and len(ds) >= limit):
                    continue
                path = next((os.path.join(d, uid + e) for e in (".flac", ".wav", ".opus")
                             if os.path.exists(os.path.join(d, uid + e))), None)
                if path is None:
                    print(f"warning: no audio for {uid} in {d}, skipped")
                    continue
                wav = features.load_audio(path)
                ds.ids.append(uid)
                ds.feats.append(features.fbank(wav).to(torch.float16))
                ds.texts.append(text.strip())
                ds.durations.append(wav.numel() / features.SAMPLE_RATE)
                ds.targets.append(torch.tensor(vocab.encode(text.strip()), dtype=torch.long))
        return ds

    def __len__(self):
        return len(self.ids)

    def hours(self):
        return sum(self.durations) / 3600


def make_batches(lengths, max_frames, seed=None, max_batch=512):
    """Indices grouped into batches whose padded size (max length * count) stays <= max_frames.
    Sorted by length (bucketing); batch order shuffled with `seed` (None: keep sorted order)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    if seed is not None:  # mild shuffle inside similar lengths so batches differ between epochs
        rnd = random.Random(seed)
        order = sorted(order, key=lambda i: lengths[i] * (1 + 0.1 * rnd.random()))
    batches, cur, cur_max = [], [], 0
    for i in order:
        m = max(cur_max, lengths[i])
        if cur and (m * (len(cur) + 1) > max_frames or len(cur) >= max_batch):
            batches.append(cur)
            cur, m = [], lengths[i]
        cur.append(i)
        cur_max = m
    if cur:
        batches.append(cur)
    if seed is not None:
        random.Random(seed + 1).shuffle(batches)
    return batches


def collate(ds: FeatureSet, idx):
    feats = [ds.feats[i].float() for i in idx]
    lens = torch.tensor([f.shape[0] for f in feats], dtype=torch.long)
    x = torch.zeros(len(feats), int(lens.max()), feats[0].shape[1])
    for j, f in enumerate(feats):
        x[j, : f.shape[0]] = f
    tg = [ds.targets[i] for i in idx]
    return x, lens, torch.cat(tg), torch.tensor([len(t) for t in tg], dtype=torch.long)


def load_validation(data_dir, limit=0, vocab=tokens.CHARS):
    """The validation split (prepare_data.py: held-out training speakers; it chooses checkpoints and tunes), or an
    empty set when the data folder has none."""
    shard = os.path.join(data_dir, "shards", "validation.pt")
    return FeatureSet([shard] if os.path.exists(shard) else [], limit=limit, subsampling=1, vocab=vocab)


def load_dev(data_dir, dev_dir, limit=0, vocab=tokens.CHARS):
    """The dev set (LibriSpeech test-other sample): the cached shard of prepare_data.py when it exists, else
    fbank straight from the audio in dev_dir."""
    shard = os.path.join(data_dir, "shards", "dev-test-other.pt")
    if os.path.exists(shard):
        return FeatureSet([shard], limit=limit, subsampling=1, vocab=vocab)
    return FeatureSet.from_audio_dir(dev_dir, limit=limit, vocab=vocab)
