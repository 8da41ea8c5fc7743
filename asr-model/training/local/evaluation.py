"""Greedy CTC scoring of the dev set: batched (training checkpoints, export cards) and one utterance at a time
(CoDA variants, with fidelity figures against a reference model)."""
import time

import torch

from . import data, tokens


@torch.no_grad()
def score(net, ds, device, amp_dtype, max_frames=40000, chunk=0, left_chunks=-1):
    """Greedy CTC decode of a FeatureSet in its vocabulary: {wer, cer, non_blank (share of output frames whose
    argmax is not blank), hyps (in ds order)}."""
    net.eval()
    hyps = [""] * len(ds)
    labelled, frames = 0, 0
    for idx in data.make_batches([f.shape[0] for f in ds.feats], max_frames):
        x, lens, _, _ = data.collate(ds, idx)
        with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            lp, ol = net(x.to(device), lens.to(device), chunk=chunk, left_chunks=left_chunks)
        lp = lp.float().cpu()
        for j, i in enumerate(idx):
            hyps[i] = tokens.greedy_ctc(lp[j], int(ol[j]), ds.vocab)
            n, t = tokens.non_blank_share(lp[j], int(ol[j]))
            labelled, frames = labelled + n, frames + t
    w, _, _ = tokens.wer(ds.texts, hyps)
    return {"wer": w, "cer": tokens.cer(ds.texts, hyps), "non_blank": labelled / max(1, frames), "hyps": hyps}


def evaluate(net, ds, device, amp_dtype, max_frames=40000, chunk=0, left_chunks=-1):
    """score() as (WER %, hyps)."""
    res = score(net, ds, device, amp_dtype, max_frames, chunk, left_chunks)
    return res["wer"], res["hyps"]


@torch.no_grad()
def evaluate_per_utterance(fn, dev, reference=None):
    """Greedy dev WER of fn(features, lengths) -> (log_probs, out_len[, selected]) run on one utterance at a time
    (full attention, exactly the exported eval path), timed. reference: the dense model's log_probs per utterance,
    for the fidelity figures. Returns a dict (wer, processed, seconds, kl, agree), the hypotheses and the
    log-probs."""
    hyps, lps, proc, tot, secs, kl, agree, frames = [], [], 0, 0, 0.0, 0.0, 0, 0
    labelled, out_frames = 0, 0
    for i, f in enumerate(dev.feats):
        x, lens = f.float().unsqueeze(0), torch.tensor([f.shape[0]])
        t0 = time.perf_counter()
        out = fn(x, lens)
        secs += time.perf_counter() - t0
        n = int(out[1][0])
        lp = out[0][0, :n]
        lps.append(lp)
        hyps.append(tokens.greedy_ctc(lp, n, dev.vocab))
        nb, t = tokens.non_blank_share(lp, n)
        labelled, out_frames = labelled + nb, out_frames + t
        if len(out) > 2:
            proc += int(out[2].sum())
            tot += n * out[2].size(1)
        if reference is not None:
            ref = reference[i]
            kl += float((ref.exp() * (ref - lp)).sum())
            agree += int((ref.argmax(-1) == lp.argmax(-1)).sum())
            frames += n
    w, _, _ = tokens.wer(dev.texts, hyps)
    res = {"wer": w, "cer": tokens.cer(dev.texts, hyps), "processed": proc / tot if tot else 1.0, "seconds": secs,
           "non_blank": labelled / max(1, out_frames)}
    if reference is not None:
        res.update({"kl_per_frame": kl / max(1, frames), "argmax_agreement": agree / max(1, frames)})
    return res, hyps, lps
