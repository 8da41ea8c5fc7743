#!/usr/bin/env python3
"""Train CoDA routers + parallel adapters (coda.py) on a FROZEN dense conformer-CTC checkpoint (train.py).

Loss per batch = ctc_weight * CTC (labelled rows) + kd_weight * KL(teacher || student) summed over valid frames
(every row, so unlabelled speech helps too), both divided by the batch size. Teacher = the frozen dense model on the
same (SpecAugmented) features with the same attention mask; student = CoDA, which reuses the teacher's
subsampling and first-layer outputs (the first layer is dense and its input has no trainable parameter before it). r is sampled per batch
from --r-values, so ONE set of routers/adapters serves every r at run time (r = 1 trains the parallel-adapter
baseline with the same parameters). Dynamic chunk masks as in train.py. LR: warmup, then cosine over
max(step / --steps, elapsed / --max-minutes), so a time-limited run still ends at the low LR.

Run dir: train.log, coda-latest.pt (+ coda-<step>.pt every --ckpt-every steps, last --keep kept); with
--eval-every N, valid_wer.tsv (greedy WER of the validation split, the held-out training speakers, per r of --eval-r)
and coda-best.pt (+ backbone-best.pt in the joint stage): the checkpoint with the lowest mean of those WERs.
Resumes from coda-latest.pt unless --no-resume. Example:
  train_coda.py --backbone runs/cpu1/checkpoints/best.pt --run-dir runs/coda1 --max-minutes 25 --threads 1
"""
import argparse
import glob
import os
import random
import shutil
import sys
import time

import torch
import torch.nn.functional as F

from local import coda as C
from local import data
from local.checkpoint import load_backbone
from local.evaluation import evaluate_per_utterance
from local.paths import DATA_DIR, REPO
from local import training
from local.training import amp_dtype_for, pick_device, run_logger, spec_augment  # one scheme with train.py

UNLABELLED_DIR = os.path.join(REPO, "..", "shared", "data", "unlabelled", "librispeech-train-clean-100")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", required=True, help="dense checkpoint, or a run dir (newest checkpoints/*.pt)")
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--sources", default=data.DEFAULT_SOURCES)
    ap.add_argument("--limit", type=int, default=0, help="max utterances per shard (smoke tests)")
    ap.add_argument("--unlabelled", type=int, default=0,
                    help="add N unlabelled clips (fbank computed once, cached in the run dir; KL only)")
    ap.add_argument("--unlabelled-dir", default=UNLABELLED_DIR)
    # CoDA
    ap.add_argument("--r-values", default="1,2,4,8",
                    help="r sampled per batch (1 = parallel adapter; 0 = the backbone alone, no adapters, only with "
                         "--train-backbone-lr)")
    ap.add_argument("--adapter-dim", type=int, default=0, help="0: d_model // 4")
    ap.add_argument("--dense-layers", type=int, default=1)
    ap.add_argument("--dense-last-layers", type=int, default=0, help="the last N layers are never routed either")
    ap.add_argument("--router-guide", type=float, default=0.0,
                    help="> 0: weight of an auxiliary loss that trains every router towards the frames on which the "
                         "dense teacher emits a label (binary cross-entropy of the router score on the detached "
                         "layer input, per valid frame, mean over routed layers); 0 = routers learn from the "
                         "straight-through gate alone")
    ap.add_argument("--attend-all-frames", action="store_true",
                    help="in a routed layer the selected frames' queries attend to the keys/values of every frame "
                         "(CodaConfig.attend_all_frames); default: attention among the selected frames only")
    ap.add_argument("--adapter-dropout", type=float, default=0.1)
    ap.add_argument("--train-backbone-lr", type=float, default=0.0,
                    help="> 0: ROUTING-AWARE BACKBONE stage, not CoDA proper: the backbone trains too (this peak LR, "
                         "same schedule) jointly with the routers and adapters, distilled from a frozen copy of the "
                         "starting backbone; writes <run-dir>/backbone-latest.pt (train.py format) for a later "
                         "frozen-backbone CoDA stage. Put 0 in --r-values so the dense path keeps its accuracy")
    # loss / optimisation
    ap.add_argument("--ctc-weight", type=float, default=1.0)
    ap.add_argument("--kd-weight", type=float, default=1.0)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--min-lr-ratio", type=float, default=0.05)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--clip", type=float, default=0.5)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--max-minutes", type=float, default=0)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="what --max-minutes counts: wall time, or this process's CPU time divided by --threads "
                         "(a run starved by other jobs on a shared machine then keeps its schedule)")
    ap.add_argument("--max-frames", type=int, default=12000, help="padded input frames per batch")
    ap.add_argument("--max-utt-frames", type=int, default=2000)
    ap.add_argument("--specaug", type=int, default=1)
    ap.add_argument("--freq-mask", type=int, default=15)
    ap.add_argument("--time-mask-ratio", type=float, default=0.05)
    ap.add_argument("--dynamic-chunk", type=int, default=1)
    ap.add_argument("--max-chunk", type=int, default=25)
    # bookkeeping
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--keep", type=int, default=2)
    ap.add_argument("--eval-every", type=int, default=0,
                    help="every N steps (at a checkpoint): validation WER per r of --eval-r -> valid_wer.tsv, and "
                         "coda-best.pt / backbone-best.pt by their mean; 0 = off")
    ap.add_argument("--eval-r", default="0,4", help="r values scored at --eval-every (0 = the backbone alone)")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument("--no-resume", action="store_true")
    ap.add_argument("--init-from", default="", help="start routers and adapters from another CoDA checkpoint of the "
                    "same backbone (e.g. one trained with another --r-values or conv variant); ignored on resume")
    ap.add_argument("--device", default="auto", help="auto: cuda when available, else cpu")
    ap.add_argument("--amp", default="auto", choices=["auto", "bf16", "off"], help="bf16 autocast on CUDA")
    return ap.parse_args(argv)


def resolve_backbone(path):
    if os.path.isdir(path):
        cks = glob.glob(os.path.join(path, "checkpoints", "*.pt")) or glob.glob(os.path.join(path, "*.pt"))
        if not cks:
            sys.exit(f"no *.pt checkpoint under {path}")
        return max(cks, key=os.path.getmtime)
    return path


def lr_at(step, elapsed_min, a):
    """training.lr_at with this script's arguments (the wall time always counts when --max-minutes is set)."""
    return training.lr_at(step, a.lr, a.warmup, a.steps, a.min_lr_ratio,
                          elapsed_min / a.max_minutes if a.max_minutes else 0.0)


def load_unlabelled(a, log):
    """Up to N unlabelled clips as fp16 fbank, cached in the run dir (features.py = the dense recipe's fbank)."""
    cache = os.path.join(a.run_dir, f"unlabelled-{a.unlabelled}.pt")
    if os.path.exists(cache):
        return torch.load(cache)
    from local import features
    files = sorted(glob.glob(os.path.join(a.unlabelled_dir, "*.flac")))[: a.unlabelled]
    t0, feats, ids = time.time(), [], []
    for p in files:
        try:
            f = features.fbank(features.load_audio(p)).to(torch.float16)
        except Exception as e:  # noqa: BLE001 - one bad clip must not stop training; logged
            log(f"unlabelled: skipped {p}: {e}")
            continue
        if a.max_utt_frames and f.shape[0] > a.max_utt_frames:
            f = f[: a.max_utt_frames]
        feats.append(f)
        ids.append(os.path.basename(p))
    log(f"unlabelled: {len(feats)} clips, {sum(f.shape[0] for f in feats) / 360000:.2f} h "
        f"(fbank {time.time() - t0:.0f}s) from {a.unlabelled_dir}")
    out = {"ids": ids, "feats": feats}
    torch.save(out, cache)
    return out


class Pool:
    """Labelled utterances (FeatureSet) + unlabelled clips, one index space; targets empty when unlabelled."""

    def __init__(self, labelled, unlabelled):
        self.feats = list(labelled.feats) + list(unlabelled["feats"])
        self.targets = list(labelled.targets) + [torch.zeros(0, dtype=torch.long)] * len(unlabelled["feats"])
        self.labelled = [True] * len(labelled.feats) + [False] * len(unlabelled["feats"])

    def collate(self, idx):
        """data.collate plus a bool per row: True when it has a transcript (unlabelled rows get KD loss only)."""
        return (*data.collate(self, idx), torch.tensor([self.labelled[i] for i in idx]))


def kd_loss(student_lp, teacher_lp, out_len):
    """sum over valid frames of KL(teacher || student), per utterance mean over the batch."""
    valid = (torch.arange(student_lp.size(1), device=out_len.device).unsqueeze(0) < out_len.unsqueeze(1)).unsqueeze(-1)
    kl = (teacher_lp.exp() * (teacher_lp - student_lp)).masked_fill(~valid, 0.0)
    return kl.sum() / student_lp.size(0)


def router_guide_loss(router_logits, teacher_lp, out_len):
    """Mean over routed layers of the binary cross-entropy between each frame's router score and whether the teacher's
    best token on that frame is a label (not blank), over valid frames: routers learn to keep the label frames."""
    valid = torch.arange(teacher_lp.size(1), device=out_len.device).unsqueeze(0) < out_len.unsqueeze(1)
    target = (teacher_lp.argmax(-1) != 0).float()
    losses = [F.binary_cross_entropy_with_logits(s.float()[valid], target[valid]) for s in router_logits]
    return torch.stack(losses).mean()


def main(argv=None):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    log = run_logger(a.run_dir)

    r_values = [int(v) for v in a.r_values.split(",")]
    if any(r < 0 for r in r_values):
        sys.exit("--r-values must be >= 0 (0 = backbone alone, with --train-backbone-lr)")
    backbone_path = resolve_backbone(a.backbone)
    backbone, bstate = load_backbone(backbone_path)
    latest = os.path.join(a.run_dir, "coda-latest.pt")
    resume = None if a.no_resume or not os.path.exists(latest) else torch.load(latest)
    ccfg = C.CodaConfig.from_checkpoint(resume["coda_config"]) if resume else C.CodaConfig(
        adapter_dim=a.adapter_dim, dense_layers=a.dense_layers, dense_last_layers=a.dense_last_layers,
        adapter_dropout=a.adapter_dropout, attend_all_frames=a.attend_all_frames)
    device = pick_device(a.device)
    amp_dtype = amp_dtype_for(a.amp, device)
    coda = C.CodaAdapters(backbone.cfg, ccfg)
    joint = a.train_backbone_lr > 0
    if 0 in r_values and not joint:
        sys.exit("--r-values 0 (backbone alone) trains nothing unless --train-backbone-lr > 0")
    teacher = backbone
    student_path = os.path.join(a.run_dir, "backbone-latest.pt")
    if joint:  # the student backbone starts as a copy of the teacher (or resumes from its own file)
        backbone, _ = load_backbone(student_path if resume and os.path.exists(student_path) else backbone_path)
        backbone.train()
    if a.init_from and not resume:
        init = torch.load(a.init_from, map_location="cpu")
        coda.load_state_dict(init["coda"])
        log(f"routers and adapters initialised from {a.init_from} (step {init.get('step')})")
    net = C.CodaConformer(backbone, coda, freeze_backbone=not joint)
    for p in teacher.parameters():
        p.requires_grad_(False)
    mean = backbone.cmvn.mean.clone()  # SpecAugment fill value, applied on the CPU batch
    net.to(device)
    teacher.to(device)
    groups = [{"params": list(coda.parameters()), "peak": a.lr}]
    if joint:
        groups.append({"params": [p for p in backbone.parameters() if p.requires_grad], "peak": a.train_backbone_lr,
                       "weight_decay": 1e-3})  # train.py's default for the backbone, not the adapters' 1e-2
    trainable = [p for g in groups for p in g["params"]]
    opt = torch.optim.AdamW(groups, lr=a.lr, betas=(0.9, 0.98), weight_decay=a.weight_decay)
    step, minutes_before = 0, 0.0
    if resume:
        coda.load_state_dict(resume["coda"])
        opt.load_state_dict(resume["optimizer"])
        step, minutes_before = resume["step"], resume.get("minutes", 0.0)
        log(f"resuming from {latest} (step {step})")
    shards = [os.path.join(a.data, "shards", s + ".pt") for s in a.sources.split(",") if s]
    shards = [p for p in shards if os.path.exists(p)]
    train = data.FeatureSet(shards, max_frames=a.max_utt_frames, limit=a.limit, subsampling=backbone.cfg.subsampling,
                            vocab=teacher.vocab)
    unl = load_unlabelled(a, log) if a.unlabelled else {"ids": [], "feats": []}
    pool = Pool(train, unl)
    if not pool.feats:
        sys.exit(f"no training utterances in {shards}")
    bb_params = backbone.num_params()
    log(f"backbone {backbone_path} step {bstate.get('step')} params {bb_params} | new params {coda.num_params()} "
        f"({100.0 * coda.num_params() / bb_params:.2f} %) {ccfg.to_dict()} | train {len(train)} utts "
        f"{train.hours():.2f} h + {len(unl['feats'])} unlabelled | r {r_values} | threads {torch.get_num_threads()} "
        f"| device {device} amp {amp_dtype}")
    lengths = [f.shape[0] for f in pool.feats]
    gen = torch.Generator().manual_seed(a.seed + step)
    t_start, cpu_start = time.time(), time.process_time()
    win = {"ctc": 0.0, "kd": 0.0, "guide": 0.0, "n": 0, "audio": 0.0, "t": time.time()}
    per_r = {r: [0.0, 0] for r in r_values}
    last = {}
    # a resume starts the epoch after the saved one, so a campaign of short sessions does not replay one epoch's start
    epoch, done = (resume.get("epoch", -1) + 1 if resume else 0), False

    def elapsed_min():
        if a.clock == "cpu":
            return minutes_before + (time.process_time() - cpu_start) / max(1, a.threads) / 60
        return minutes_before + (time.time() - t_start) / 60

    def save(final=False):
        st = {"coda": coda.state_dict(), "coda_config": ccfg.to_dict(), "optimizer": opt.state_dict(), "step": step,
              "minutes": elapsed_min(), "epoch": epoch, "args": vars(a), "backbone": os.path.relpath(os.path.abspath(backbone_path),
                                                                                    REPO),
              "backbone_step": bstate.get("step"), "backbone_config": backbone.cfg.to_dict(),
              "train_hours": round(train.hours(), 3), "unlabelled_utts": len(unl["feats"]),
              "new_params": coda.num_params(), "backbone_params": bb_params, "last_losses": last}
        if joint:  # the student backbone first: a resume never pairs new adapters with an older backbone
            bst = {"model": backbone.state_dict(), "config": backbone.cfg.to_dict(), "step": step,
                   "dev_wer": None, "routing_aware_from": os.path.relpath(os.path.abspath(backbone_path), REPO),
                   "routing_aware_from_step": bstate.get("step"), "coda_run": os.path.abspath(a.run_dir),
                   "vocabulary": teacher.vocab.to_state()}
            torch.save(bst, student_path + ".tmp")
            os.replace(student_path + ".tmp", student_path)
        torch.save(st, latest + ".tmp")
        os.replace(latest + ".tmp", latest)
        if not final and a.eval_every and step % a.eval_every == 0 and len(valid):
            evaluate_validation(st)
        if not final:
            torch.save(st, os.path.join(a.run_dir, f"coda-{step:06d}.pt"))
            for old in sorted(glob.glob(os.path.join(a.run_dir, "coda-0*.pt")))[:-a.keep]:
                os.remove(old)
        log(f"saved {latest} (step {step})")

    valid = data.load_validation(a.data, limit=a.limit, vocab=teacher.vocab) if a.eval_every else None
    eval_r = [int(v) for v in a.eval_r.split(",")]
    if a.eval_every and not len(valid):
        log(f"--eval-every: no validation split in {a.data} (prepare_data.py --validation-speakers); not evaluated")

    def evaluate_validation(st):
        """Greedy validation WER per r (one utterance at a time, as coda_eval.py); the best mean keeps copies."""
        t0 = time.time()
        net.eval()
        wers = {}
        with torch.no_grad():
            for r in eval_r:
                fn = (lambda f, n: backbone(f.to(device), n.to(device))) if r == 0 else \
                    (lambda f, n, r=r: net(f.to(device), n.to(device), r=r))
                wers[r] = evaluate_per_utterance(fn, valid)[0]["wer"]
        net.train()
        mean = sum(wers.values()) / len(wers)
        tsv = os.path.join(a.run_dir, "valid_wer.tsv")
        best = min([float(line.split("\t")[-1]) for line in open(tsv).readlines()[1:]] if os.path.exists(tsv)
                   else [], default=float("inf"))
        if not os.path.exists(tsv):
            with open(tsv, "w") as f:
                f.write("step\tminutes\t" + "\t".join(f"wer_r{r}" for r in eval_r) + "\tmean\n")
        with open(tsv, "a") as f:
            f.write(f"{step}\t{elapsed_min():.1f}\t" + "\t".join(f"{w:.2f}" for w in wers.values())
                    + f"\t{mean:.2f}\n")
        if mean <= best:
            torch.save(st, os.path.join(a.run_dir, "coda-best.pt"))
            if joint:
                shutil.copyfile(student_path, os.path.join(a.run_dir, "backbone-best.pt"))
        log(f"validation WER {' '.join(f'r={r} {w:.2f}' for r, w in wers.items())} mean {mean:.2f} at step {step}"
            f"{' (best)' if mean <= best else ''} ({time.time() - t0:.0f}s)")

    while not done:
        for idx in data.make_batches(lengths, a.max_frames, seed=a.seed + epoch):
            x, lens, tg, tl, labelled = pool.collate(idx)
            r = r_values[int(torch.randint(0, len(r_values), (1,), generator=gen))]
            chunk, left = 0, -1
            if a.dynamic_chunk and torch.rand(1, generator=gen).item() >= 0.5:
                chunk = int(torch.randint(1, a.max_chunk + 1, (1,), generator=gen))
                if torch.rand(1, generator=gen).item() < 0.5:
                    left = int(torch.randint(0, 8, (1,), generator=gen))
            if a.specaug:
                x = spec_augment(x, lens, mean, a, gen)
            x, lens, tg, tl, labelled = (v.to(device) for v in (x, lens, tg, tl, labelled))
            # teacher and student see the same (augmented) features; a frozen-backbone student reuses the teacher's
            # subsampling and first (dense, frozen, adapter-free input) layer output
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                teacher_lp, shared = C.teacher_forward(teacher, x, lens, chunk=chunk, left_chunks=left)
                net.train()
                scores = [] if a.router_guide > 0 and r > 1 else None
                if r == 0:
                    lp, ol = backbone(x, lens, chunk=chunk, left_chunks=left)
                else:
                    lp, ol, _ = net(x, lens, r=r, chunk=chunk, left_chunks=left,
                                    shared=shared if ccfg.dense_layers >= 1 and not joint else None,
                                    router_logits=scores)
            lp, teacher_lp = lp.float(), teacher_lp.float()
            kd = kd_loss(lp, teacher_lp, ol)
            guide = router_guide_loss(scores, teacher_lp, ol) if scores else torch.zeros((), device=device)
            ctc = torch.zeros((), device=device)
            if labelled.any():
                ctc_each = F.ctc_loss(lp.transpose(0, 1), tg, ol, tl, blank=0, reduction="none", zero_infinity=True)
                ctc = (ctc_each * labelled.float()).sum() / len(idx)
            loss = a.ctc_weight * ctc + a.kd_weight * kd + a.router_guide * guide
            for g in opt.param_groups:
                g["lr"] = lr_at(step, elapsed_min(), a) * g["peak"] / a.lr
            opt.zero_grad(set_to_none=True)
            if not torch.isfinite(loss):
                log(f"step {step}: non-finite loss (ctc {float(ctc)}, kd {float(kd)}, r {r}), batch skipped")
                continue
            loss.backward()
            gnorm = torch.nn.utils.clip_grad_norm_(trainable, a.clip)
            if not torch.isfinite(gnorm):
                log(f"step {step}: non-finite gradient (r {r}), batch skipped")
                opt.zero_grad(set_to_none=True)
                continue
            opt.step()
            step += 1
            win["ctc"] += float(ctc)
            win["kd"] += float(kd)
            win["guide"] += float(guide)
            win["n"] += 1
            win["audio"] += float(lens.sum()) / 100.0
            per_r[r][0] += float(kd)
            per_r[r][1] += 1
            if step % a.log_every == 0:
                dt = time.time() - win["t"]
                last = {"ctc": round(win["ctc"] / win["n"], 3), "kd": round(win["kd"] / win["n"], 3),
                        "kd_by_r": {str(k): round(v[0] / v[1], 3) for k, v in per_r.items() if v[1]}}
                if a.router_guide > 0:
                    last["guide"] = round(win["guide"] / win["n"], 3)
                log(f"step {step} epoch {epoch} ctc {last['ctc']:.3f} kd {last['kd']:.3f} kd_by_r {last['kd_by_r']} "
                    f"{'guide ' + str(last['guide']) + ' ' if 'guide' in last else ''}"
                    f"lr {lr_at(step, elapsed_min(), a):.2e} audio_s/s {win['audio'] / dt:.1f} "
                    f"elapsed {elapsed_min():.1f}min")
                win = {"ctc": 0.0, "kd": 0.0, "guide": 0.0, "n": 0, "audio": 0.0, "t": time.time()}
                per_r = {k: [0.0, 0] for k in r_values}
            if step % a.ckpt_every == 0:
                save()
            if step >= a.steps or (a.max_minutes and elapsed_min() >= a.max_minutes):
                done = True
                break
        epoch += 1
    save(final=True)
    log(f"finished at step {step} after {elapsed_min():.1f} min")


if __name__ == "__main__":
    main()
