#!/usr/bin/env python3
"""Train the conformer-CTC model on cached fbank features (prepare_data.py). Resumes automatically from the latest
checkpoint in --run-dir. Works on CPU (default 2 threads) and CUDA (bf16 autocast, larger --max-frames).

Run dir layout: config.json, train.log (loss, lr, audio-seconds per wall-second), dev_wer.tsv (validation and dev
WER per checkpoint), checkpoints/ckpt-<step>.pt (last --keep kept), checkpoints/best.pt (lowest VALIDATION WER: the
held-out training speakers of prepare_data.py; the dev set is only reported, never chooses; without a validation
split no best.pt is written and later stages take the latest), checkpoints/latest (name).
"""
import argparse
import collections
import glob
import json
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

from local import data, tokens
from local import model as M
from local.checkpoint import latest_checkpoint, save_checkpoint
from local.evaluation import score
from local.paths import DATA_DIR
from local import training
from local.training import amp_dtype_for, pick_device, run_logger, spec_augment


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--sources", default=data.DEFAULT_SOURCES, help="comma-separated training shards")
    ap.add_argument("--limit", type=int, default=0, help="max utterances per shard (smoke tests)")
    # model
    ap.add_argument("--d-model", type=int, default=144)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=0, help="default 4*d_model")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--kernel", type=int, default=15)
    ap.add_argument("--subsampling", type=int, default=4, choices=[4, 8])
    ap.add_argument("--subsampling-channels", type=int, default=64)
    ap.add_argument("--subsampling-act", default="relu", choices=["relu", "silu"],
                    help="activation of the convolutional subsampling (silu cannot die at high learning rates)")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--frame-skip", type=float, default=0.0,
                    help="per-frame probability of skipping each layer but the first in training (model.py): makes "
                         "the backbone tolerate CoDA routing; 0 = off")
    ap.add_argument("--route-r", default="",
                    help="comma-separated r values, e.g. 1,2,4: per batch one is drawn and, if > 1, every layer but "
                         "the first runs CoDA-style on a uniformly random top-k = ceil(n/r) subset of the frames "
                         "(attention among them only, the others pass unchanged): a backbone that CoDA's routers "
                         "can later skip frames of (coda.py); empty = off")
    # optimisation
    ap.add_argument("--steps", type=int, default=6000, help="total optimizer steps (LR schedule length)")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (with checkpoint) after this wall time")
    ap.add_argument("--time-schedule", action="store_true", help="cosine decay over --max-minutes of wall time")
    ap.add_argument("--max-frames", type=int, default=30000, help="padded input frames per batch (100 = 1 s)")
    ap.add_argument("--max-utt-frames", type=int, default=2000, help="drop longer utterances")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-ratio", type=float, default=0.02)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--weight-decay", type=float, default=1e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--accum", type=int, default=1, help="gradient accumulation steps")
    # augmentation / streaming
    ap.add_argument("--specaug", type=int, default=1)
    ap.add_argument("--freq-mask", type=int, default=15, help="max width F of each of 2 frequency masks")
    ap.add_argument("--time-mask-ratio", type=float, default=0.05)
    ap.add_argument("--dynamic-chunk", type=int, default=1)
    ap.add_argument("--max-chunk", type=int, default=25)
    ap.add_argument("--plateau-check", default="",
                    help="STEP:NATS - at STEP, if the CTC loss per target character over the last 100 steps is still "
                         "above NATS (a model that only learned character frequencies sits near 3), stop with exit "
                         "code 3 so a driver can retry with a gentler schedule instead of burning the budget")
    ap.add_argument("--speed-perturb", action="store_true",
                    help="also train on the speed-perturbed shards <source>-sp*.pt (prepare_data.py --speed-perturb)")
    # bookkeeping
    ap.add_argument("--ckpt-every", type=int, default=500, help="checkpoint every N steps")
    ap.add_argument("--ckpt-minutes", type=float, default=10.0, help="...and at least every N minutes")
    ap.add_argument("--eval-every-ckpt", type=int, default=1, help="dev WER at every checkpoint")
    ap.add_argument("--keep", type=int, default=3)
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--amp", default="auto", choices=["auto", "bf16", "off"])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--no-resume", action="store_true")
    ap.add_argument("--bpe", default="", help="word-piece vocabulary (train_bpe.py's bpe.model) instead of "
                    "characters; with --init-from a checkpoint of another vocabulary, its head is replaced by a new "
                    "one and everything else is kept")
    ap.add_argument("--init-from", default="", help="start from this checkpoint's weights and model config (e.g. a "
                    "hand-back unpacked by handback.py) with a fresh optimizer and schedule; ignored when resuming")
    return ap.parse_args(argv)


def lr_at(step, a, elapsed_min=0.0):
    """training.lr_at with this script's arguments; the wall time counts only with --time-schedule."""
    time_frac = elapsed_min / a.max_minutes if a.time_schedule and a.max_minutes else 0.0
    return training.lr_at(step, a.lr, a.warmup, a.steps, a.min_lr_ratio, time_frac)


def main(argv=None):
    a = parse_args(argv)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    device = pick_device(a.device)
    if device.type == "cuda":  # fp32 runs use TF32 tensor cores (10-bit mantissa products, fp32 accumulation)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    torch.set_num_threads(a.threads)  # on CUDA too: batching/SpecAugment run on the CPU, and several processes
    # on one machine with the default (all cores each) oversubscribe it badly (seen: 15x slower)
    amp_dtype = amp_dtype_for(a.amp, device)
    log = run_logger(a.run_dir)

    resume = None if a.no_resume else latest_checkpoint(a.run_dir)
    new_head = False
    if resume:
        state = torch.load(resume, map_location="cpu")
        cfg = M.ConformerConfig(**state["config"])
        vocab = tokens.vocabulary_of(state)
        log(f"resuming from {resume} (step {state['step']})")
    elif a.init_from:
        state = None
        init = torch.load(a.init_from, map_location="cpu")
        cfg = M.ConformerConfig(**init["config"])
        vocab = tokens.PieceVocabulary.load(a.bpe) if a.bpe else tokens.vocabulary_of(init)
        new_head = vocab.to_state() != tokens.vocabulary_of(init).to_state()
        if new_head:
            cfg = M.ConformerConfig(**{**cfg.to_dict(), "vocab": vocab.size})
        log(f"weights from {a.init_from} (its step {init.get('step')}); fresh optimizer and schedule"
            + (f"; new {vocab.kind} head of {vocab.size} tokens" if new_head else ""))
    else:
        state = None
        vocab = tokens.PieceVocabulary.load(a.bpe) if a.bpe else tokens.CHARS
        cfg = M.ConformerConfig(d_model=a.d_model, heads=a.heads, ff=a.ff or 4 * a.d_model, layers=a.layers,
                                kernel=a.kernel, subsampling=a.subsampling,
                                subsampling_channels=a.subsampling_channels, vocab=vocab.size,
                                dropout=a.dropout, subsampling_act=a.subsampling_act)
    net = M.ConformerCTC(cfg)
    cmvn = torch.load(os.path.join(a.data, "cmvn.pt"))
    net.cmvn.set_stats(cmvn["mean"], cmvn["std"])
    net.to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=a.weight_decay)
    step, epoch, batch_pos, best_valid = 0, 0, 0, float("inf")
    if not state and a.init_from:
        weights = {k: v.float() if v.is_floating_point() else v for k, v in init["model"].items()
                   if not (new_head and k.startswith("head."))}
        net.load_state_dict(weights, strict=not new_head)
    if state:
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, epoch, batch_pos = state["step"], state["epoch"], state["batch_pos"]
        best_valid = state.get("best_valid_wer", best_valid)
        torch.set_rng_state(state["rng"])
    routed, route_r = None, [1]
    if a.route_r:
        from local import coda as C
        route_r = [int(v) for v in a.route_r.split(",")]
        if any(r < 1 for r in route_r):
            sys.exit("--route-r values must be >= 1")
        # the wrapper only supplies the routed layer computation (random_routing: its routers and adapters unused)
        routed = C.CodaConformer(net, C.CodaAdapters(cfg, C.CodaConfig()), freeze_backbone=False).to(device)
    shards = [os.path.join(a.data, "shards", s + ".pt") for s in a.sources.split(",") if s]
    shards = [p for p in shards if os.path.exists(p)]
    if a.speed_perturb:
        perturbed = [q for p in shards for q in sorted(glob.glob(p[:-3] + "-sp*.pt"))]
        if not perturbed:
            sys.exit("--speed-perturb: no <source>-sp*.pt shards; run prepare_data.py --speed-perturb 0.9,1.1")
        shards += perturbed
    train = data.FeatureSet(shards, max_frames=a.max_utt_frames, limit=a.limit, subsampling=cfg.subsampling,
                            vocab=vocab)
    dev = data.FeatureSet([os.path.join(a.data, "shards", "dev-test-other.pt")], limit=a.limit,
                          subsampling=1, vocab=vocab)
    valid = data.load_validation(a.data, limit=a.limit, vocab=vocab)
    if not len(valid):
        log(f"no validation split in {a.data} (prepare_data.py --validation-speakers): no best.pt, the latest counts")
    if len(train) == 0:
        sys.exit(f"no training utterances found in {shards}")
    with open(os.path.join(a.run_dir, "config.json"), "w") as f:
        json.dump({"model": cfg.to_dict(), "args": vars(a), "train_hours": train.hours(),
                   "train_utts": len(train), "hours_by_source": train.hours_by_source, "dropped_utts": train.dropped, "shards": shards}, f, indent=1)
    log(f"device={device} amp={amp_dtype} threads={torch.get_num_threads()} params={net.num_params()} "
        f"train={len(train)} utts {train.hours():.2f} h (dropped {train.dropped}) dev={len(dev)} utts "
        f"validation={len(valid)} utts steps={a.steps} max_frames={a.max_frames}")
    if not os.path.exists(os.path.join(a.run_dir, "dev_wer.tsv")):
        with open(os.path.join(a.run_dir, "dev_wer.tsv"), "w") as f:
            f.write("step\tepoch\tcheckpoint\tdev_wer\ttrain_loss\tvalid_wer\n")
    mean = cmvn["mean"]
    lengths = [f.shape[0] for f in train.feats]
    gen = torch.Generator().manual_seed(a.seed + step)
    t_start = time.time() - (state.get("elapsed_s", 0.0) if state else 0.0)  # wall time accumulates over resumes

    def elapsed_min():
        return (time.time() - t_start) / 60
    t_ckpt = time.time()
    win_audio, win_t, win_loss, win_n = 0.0, time.time(), 0.0, 0
    win_nats, win_chars = 0.0, 0
    last_loss = float("nan")
    char_losses = collections.deque(maxlen=100 * a.accum)  # (loss sum, target chars) of the last 100 steps
    plateau_step, plateau_nats = (int(a.plateau_check.split(":")[0]), float(a.plateau_check.split(":")[1])) \
        if a.plateau_check else (0, 0.0)
    done = False
    while not done:
        batches = data.make_batches(lengths, a.max_frames, seed=a.seed + epoch)
        while batch_pos < len(batches):
            idx = batches[batch_pos]
            batch_pos += 1
            net.train()
            x, lens, tg, tl = data.collate(train, idx)
            if a.specaug:
                x = spec_augment(x, lens, mean, a, gen)
            chunk, left = 0, -1
            if a.dynamic_chunk and torch.rand(1, generator=gen).item() >= 0.5:
                chunk = int(torch.randint(1, a.max_chunk + 1, (1,), generator=gen))
                if torch.rand(1, generator=gen).item() < 0.5:
                    left = int(torch.randint(0, 8, (1,), generator=gen))
            for g in opt.param_groups:
                g["lr"] = lr_at(step, a, elapsed_min())
            r = route_r[int(torch.randint(0, len(route_r), (1,), generator=gen))] if routed is not None else 1
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                if r > 1:
                    lp, ol, _ = routed(x.to(device), lens.to(device), r=r, chunk=chunk, left_chunks=left,
                                       random_routing=True)
                else:
                    lp, ol = net(x.to(device), lens.to(device), chunk=chunk, left_chunks=left,
                                 frame_skip=a.frame_skip)
            loss = F.ctc_loss(lp.float().transpose(0, 1), tg.to(device), ol, tl.to(device), blank=0,
                              reduction="sum", zero_infinity=True) / len(idx)
            (loss / a.accum).backward()
            if batch_pos % a.accum == 0:
                torch.nn.utils.clip_grad_norm_(net.parameters(), a.clip)
                opt.step()
                opt.zero_grad(set_to_none=True)
                step += 1
            win_audio += float(lens.sum()) / 100.0
            win_loss += float(loss)
            win_n += 1
            chars = int(tl.sum())
            win_nats += float(loss) * len(idx)
            win_chars += chars
            char_losses.append((float(loss) * len(idx), chars))
            if step % a.log_every == 0 and win_n >= a.accum:
                dt = time.time() - win_t
                last_loss = win_loss / win_n
                log(f"step {step} epoch {epoch} batch {batch_pos}/{len(batches)} loss {last_loss:.3f} "
                    f"nats/token {win_nats / max(1, win_chars):.3f} "
                    f"lr {lr_at(step, a, elapsed_min()):.2e} audio_s/s {win_audio / dt:.1f} elapsed {time.time() - t_start:.0f}s")
                win_audio, win_t, win_loss, win_n = 0.0, time.time(), 0.0, 0
                win_nats, win_chars = 0.0, 0
            if plateau_step and step == plateau_step and batch_pos % a.accum == 0:
                nats = sum(n for n, _ in char_losses) / max(1, sum(c for _, c in char_losses))
                if nats > plateau_nats:
                    log(f"PLATEAU: {nats:.3f} nats/token at step {step} (> {plateau_nats}): still on the CTC blank "
                        f"plateau; stopping (exit 3)")
                    sys.exit(3)
                log(f"plateau check passed: {nats:.3f} nats/token at step {step}")
            stop = step >= a.steps or (a.max_minutes and time.time() - t_start > 60 * a.max_minutes)
            if (step % a.ckpt_every == 0 and batch_pos % a.accum == 0) or stop or \
                    time.time() - t_ckpt > 60 * a.ckpt_minutes:
                wer = valid_wer = None
                if a.eval_every_ckpt and len(valid):
                    t0 = time.time()
                    res = score(net, valid, device, amp_dtype)
                    valid_wer = res["wer"]
                    best_valid = min(best_valid, valid_wer)
                    log(f"validation WER {valid_wer:.2f}% CER {res['cer']:.2f}% at step {step} "
                        f"({time.time() - t0:.0f}s), best {best_valid:.2f}%")
                if a.eval_every_ckpt and len(dev):
                    t0 = time.time()
                    res = score(net, dev, device, amp_dtype)
                    wer = res["wer"]
                    log(f"dev WER {wer:.2f}% CER {res['cer']:.2f}% non-blank frames {100 * res['non_blank']:.1f}% "
                        f"at step {step} ({time.time() - t0:.0f}s)")
                st = {"model": net.state_dict(), "optimizer": opt.state_dict(), "config": cfg.to_dict(),
                      "step": step, "epoch": epoch, "elapsed_s": time.time() - t_start, "batch_pos": batch_pos, "best_valid_wer": best_valid,
                      "valid_wer": valid_wer, "dev_wer": wer,
                      "rng": torch.get_rng_state(), "train_hours": train.hours(),
                      "hours_by_source": train.hours_by_source, "batches_per_epoch": len(batches), "args": vars(a),
                      "sources": a.sources, "vocabulary": vocab.to_state()}
                path = save_checkpoint(a.run_dir, st, a.keep, valid_wer)
                with open(os.path.join(a.run_dir, "dev_wer.tsv"), "a") as f:
                    f.write(f"{step}\t{epoch}\t{os.path.basename(path)}\t"
                            f"{'' if wer is None else f'{wer:.2f}'}\t{last_loss:.3f}\t"
                            f"{'' if valid_wer is None else f'{valid_wer:.2f}'}\n")
                log(f"saved {path}")
                t_ckpt = time.time()
                win_t, win_audio = time.time(), 0.0  # keep eval time out of the throughput figure
            if stop:
                done = True
                break
        if not done:
            epoch += 1
            batch_pos = 0
    log(f"finished at step {step}" + (f", best validation WER {best_valid:.2f}%" if best_valid < float("inf") else ""))


if __name__ == "__main__":
    main()
