#!/usr/bin/env bash
# The recipe as ONE call on a remote GPU host: a machine lent for a short, fixed wall-time budget, reached through a
# transfer with a size limit on what travels (in: the working tree + carried paths; back: a few files of limited size
# in $OUT). Inside --budget-s seconds: data from carry/ (real speech + 0.9x/1.1x speed perturbation) -> dense
# backbone (plateau check, retry) -> CoDA routers/adapters on it -> PyTorch GPU timing of dense/adapter/CoDA (and ONNX
# Runtime CUDA timing when available) -> results packed into $OUT (the model travels as fp16 parts, see handback.py).
#
#   OUT=$OUT asr-model/training/gpu_session.sh [--budget-s 550] [--coda-s 100] [--coda-min MIN] [--smoke]
#       [--shared DIR] [--backbone F] [--finetune MIN] [--route-finetune MIN] [--joint MIN] [--synthetic-hours H]
#       [--extend TOTAL_MIN] [--bpe FILE|N]
#
# --backbone F: a trained backbone (train.py checkpoint, or handback.py's backbone.part0.pt with its parts beside it):
#   no backbone training, the whole budget after the data goes to CoDA (and the stages below).
# --finetune MIN (with --backbone): first fine-tune the given backbone densely for MIN minutes (GPU_FINETUNE_ARGS),
#   on every training source, so with --synthetic-hours on real + synthetic speech.
# --route-finetune MIN (with --backbone): then fine-tune it for MIN minutes with uniformly random CoDA-style routing
#   (train.py --route-r, GPU_ROUTE_ARGS), then train CoDA on the result.
# --joint MIN: routing-aware backbone stage, on the trained or given backbone (after any --finetune/--route-finetune):
#   the backbone trains jointly with LEARNED routers and adapters (train_coda.py --train-backbone-lr, GPU_JOINT_ARGS),
#   distilled from its frozen starting point; the CoDA stage then starts from those routers/adapters on the frozen
#   result. Each of these stages hands its result back as the backbone: score it (decode.py) before shipping.
# --bpe FILE|N: a word-piece CTC head: FILE = a train_bpe.py bpe.model, N = train an N-piece vocabulary here on the
#   carried book text and training transcripts (train_bpe.py; bpe.model is handed back). Every train.py stage uses it
#   (with --backbone a character checkpoint gets a new head in the first fine-tune), and the joint and CoDA stages use
#   the word-piece routing design of conf/gpu.sh (GPU_BPE_JOINT_ARGS, GPU_BPE_ROUTING).
# --synthetic-hours H: synthesize H hours of speech on the host first (make_synthetic.sh on every core; tools from
#   carry/debs of tools/fetch_synth_debs.sh, sentences from carry/text of tools/make_carry.py --synth-text-mb) and
#   train on it too.
# --extend TOTAL_MIN: a further call on a host that is still warm from a previous call (its WORK folder kept): resume
#   that call's backbone with its optimizer state until TOTAL_MIN minutes of training in all, then retrain CoDA on it
#   (data reused).
# --coda-s S: seconds of the budget kept for the CoDA stage and what follows; --coda-min MIN fixes the CoDA minutes.
# --shared DIR: the data root (default carry/shared when it exists, else ../shared/data next to the repository).
# --smoke: the same flow on the CPU with a tiny model and tiny budgets (about a minute; the CI smoke test).
# Preparation (here) and the hand-back (back here: run.sh --from-handback): README.md, "Remote GPU host".
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-python3}"
BUDGET_S=550; CODA_S=100; SMOKE=0; SHARED=""; GIVEN_BACKBONE=""; ROUTE_MIN=""; FT_MIN=""; SYNTH_H=""; JOINT_MIN=""
CODA_MIN_GIVEN=""; EXTEND_MIN=""; BPE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --budget-s) BUDGET_S="$2"; shift ;;
    --coda-s) CODA_S="$2"; shift ;;
    --coda-min) CODA_MIN_GIVEN="$2"; shift ;;
    --extend) EXTEND_MIN="$2"; shift ;;
    --smoke) SMOKE=1 ;;
    --shared) SHARED="$2"; shift ;;
    --backbone) GIVEN_BACKBONE="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    --route-finetune) ROUTE_MIN="$2"; shift ;;
    --finetune) FT_MIN="$2"; shift ;;
    --joint) JOINT_MIN="$2"; shift ;;
    --synthetic-hours) SYNTH_H="$2"; shift ;;
    --bpe) case "$2" in *[!0-9]*) BPE="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")" ;; *) BPE="$2" ;; esac; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$SHARED" ]; then
  SHARED="$HERE/carry/shared"
  [ -d "$SHARED" ] || SHARED="$(cd "$HERE/../.." && pwd)/../shared/data"
fi
T0=$(date +%s)
left() { echo $(( BUDGET_S - ($(date +%s) - T0) )); }
export PYTHONUNBUFFERED=1
OUT="${OUT:-$HERE/runs/gpu-out}"; mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
WORK="${WORK:-$HERE/runs/gpu}"; mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"; DATA="$WORK/data"; RUN="$WORK/backbone"; CRUN="$WORK/coda"
mkdir -p "$DATA/shards" "$RUN" "$CRUN"
LOG="$WORK/session.log"
say() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$LOG"; }
finish() {  # always hand back what exists
  say "packing results"
  [ -s "${RUN:-/nonexistent}/checkpoints/last-model.pt" ] && "$PY" "$HERE/handback.py" pack "$RUN/checkpoints/last-model.pt" "$OUT" --prefix backbone 2>&1 | tee -a "$LOG"
  [ -s "$CRUN/coda-latest.pt" ] && cp "$CRUN/coda-latest.pt" "$OUT/coda.pt"
  [ -s "$WORK/coda-adapter/coda-latest.pt" ] && cp "$WORK/coda-adapter/coda-latest.pt" "$OUT/coda-adapter.pt"
  tar -czf "$OUT/logs.tgz" -C "$WORK" --exclude='*.pt' --exclude='*.onnx' --exclude='shards' --exclude='manifests' . 2>/dev/null
  ls -la "$OUT" | tee -a "$LOG"
}
trap finish EXIT

if [ $SMOKE = 1 ]; then
  JOBS=2; LIMIT="--limit 12"
  MODEL=(--d-model 32 --heads 2 --layers 3 --ff 64 --subsampling-channels 8 --max-frames 6000 --log-every 2 --threads 2)
  ATTEMPT1=(--lr 1e-3 --warmup 2 --plateau-check 3:0.5)   # forced to fail: exercises the retry
  ATTEMPT2=(--lr 5e-4 --warmup 4)
  CODA_ARGS=(--max-frames 6000 --warmup 2 --log-every 2 --ckpt-every 4 --threads 2 --dense-layers 0)
  ROUTE_ARGS=(--route-r 1,2,4 --lr 3e-4 --warmup 2)
  FT_ARGS=(--lr 3e-4 --warmup 2 --frame-skip 0.3)
  JOINT_ARGS=(--max-frames 6000 --warmup 2 --log-every 2 --ckpt-every 4 --threads 2 --dense-layers 0
              --train-backbone-lr 1e-4 --r-values 0,0,2,4,4,8)
  BPE_ROUTING=(--dense-layers 1 --dense-last-layers 1 --router-guide 1)
  BPE_FT_ARGS=(--lr 5e-4 --warmup 2)
  BPE_JOINT_ARGS=(--max-frames 6000 --warmup 2 --log-every 2 --ckpt-every 4 --threads 2 --train-backbone-lr 3e-4
                  --r-values 0,2,4,8 "${BPE_ROUTING[@]}")
  ADAPTER_ARGS=(--steps 4)
else
  source "$HERE/conf/gpu.sh"
  JOBS=$(nproc); LIMIT=""
  MODEL=("${GPU_MODEL[@]}")
  ATTEMPT1=("${GPU_SCHEDULE[@]}")
  # fallback: the CPU profile's configuration, known to leave the plateau, with its batch size and schedule
  ATTEMPT2=(--d-model 144 --ff 576 --layers 4 --subsampling-channels 32 --max-frames 8000 --lr 1.5e-3 --warmup 200)
  CODA_ARGS=("${GPU_CODA_ARGS[@]}")
  ROUTE_ARGS=("${GPU_ROUTE_ARGS[@]}")
  FT_ARGS=("${GPU_FINETUNE_ARGS[@]}")
  JOINT_ARGS=("${GPU_JOINT_ARGS[@]}")
  BPE_ROUTING=("${GPU_BPE_ROUTING[@]}")
  BPE_FT_ARGS=("${GPU_BPE_FINETUNE_ARGS[@]}")
  BPE_JOINT_ARGS=("${GPU_BPE_JOINT_ARGS[@]}")
  ADAPTER_ARGS=(--steps 100000 --max-minutes 0.4)
fi
if [ -n "$BPE" ]; then  # the word-piece design: its own fine-tune and joint stage, CoDA with the same dense ends and guidance
  FT_ARGS=("${BPE_FT_ARGS[@]}")
  JOINT_ARGS=("${BPE_JOINT_ARGS[@]}")
  CODA_ARGS+=("${BPE_ROUTING[@]}")
fi
if [ -n "$EXTEND_MIN" ] && [ -n "$GIVEN_BACKBONE" ]; then echo "--extend continues this host's own backbone: no --backbone" >&2; exit 2; fi
say "host $(hostname) nproc $(nproc); budget ${BUDGET_S}s"
nvidia-smi -L 2>&1 | tee -a "$LOG"
"$PY" -c 'import torch, sys; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), "python", sys.version.split()[0])' 2>&1 | tee -a "$LOG"
"$PY" -c 'import torchaudio; print("torchaudio", torchaudio.__version__, "compliance", hasattr(torchaudio, "compliance"))' 2>&1 | tee -a "$LOG"
"$PY" -c 'import onnxruntime as o; print("onnxruntime", o.__version__, o.get_available_providers())' 2>&1 | tee -a "$LOG"

# 1. data: the carried Opus speech, plus 0.9x and 1.1x speed-perturbed copies of the real speech, plus synthetic
#    speech made here (not speed-perturbed: synthesize.py already varies rate, tempo and pitch)
SYNTH_ARG=()
REUSE_DATA=0; [ -n "$EXTEND_MIN" ] && [ -s "$DATA/cmvn.pt" ] && REUSE_DATA=1  # a further call: the features exist
if [ -n "$SYNTH_H" ] && [ $REUSE_DATA = 0 ]; then
  TEXT="$HERE/carry/text/sentences.txt"
  [ -s "$TEXT" ] || TEXT="$(cd "$HERE/../.." && pwd)/../shared/data/text/sentences.txt"
  [ $SMOKE = 1 ] && SYNTH_H=0.005
  bash "$HERE/make_synthetic.sh" --out "$WORK/synthetic-audio" --hours "$SYNTH_H" --jobs "$JOBS" --format flac \
    --text "$TEXT" --seed 1234 > "$WORK/synthesize.log" 2>&1
  say "synthesize ${SYNTH_H} h rc=$? $(tail -n 3 "$WORK/synthesize.log" | tr '\n' ' ' | cut -c1-300)"
  cp "$WORK/synthetic-audio/summary.json" "$WORK/synthetic-summary.json" 2>/dev/null
  SYNTH_ARG=(--synthetic "$WORK/synthetic-audio")
fi
if [ $REUSE_DATA = 1 ]; then
  say "data of the previous call reused ($DATA)"
else
  cp -n "$HERE/carry/data/stats_unlabelled.pt" "$DATA/" 2>/dev/null
  "$PY" "$HERE/prepare_data.py" --shared "$SHARED" --out "$DATA" --jobs "$JOBS" --no-fsdd \
    --speed-perturb 0.9,1.1 "${SYNTH_ARG[@]}" $LIMIT > "$WORK/prepare.log" 2>&1
  say "prepare rc=$? $(grep -A12 '== summary' "$WORK/prepare.log" | tr '\n' ' ')"
fi
SOURCES=$(ls "$DATA/shards" | grep -v '^dev' | sed 's/\.pt$//' | paste -sd, -)  # every training shard
BPE_ARG=()
case "$BPE" in
  "") ;;
  *[!0-9]*) [ -s "$BPE" ] || { say "--bpe $BPE: no such vocabulary file"; exit 2; }; BPE_ARG=(--bpe "$BPE") ;;
  *)
    TEXT="$HERE/carry/text/sentences.txt"
    [ -s "$TEXT" ] || TEXT="$SHARED/text/sentences.txt"
    [ -s "$TEXT" ] || { say "--bpe $BPE: no book text (carry/text/sentences.txt or $SHARED/text/sentences.txt)"; exit 2; }
    "$PY" "$HERE/train_bpe.py" --data "$DATA" --text "$TEXT" --vocab-size "$BPE" --out "$WORK/lang_bpe_$BPE" \
      $([ $SMOKE = 1 ] && echo "--max-sentences 2000") > "$WORK/train_bpe.log" 2>&1
    say "train_bpe $BPE rc=$? $(tail -1 "$WORK/train_bpe.log")"
    [ -s "$WORK/lang_bpe_$BPE/bpe.model" ] || exit 1
    cp "$WORK/lang_bpe_$BPE/bpe.model" "$OUT/bpe.model"
    BPE_ARG=(--bpe "$WORK/lang_bpe_$BPE/bpe.model") ;;
esac
# feature fingerprint (first utterance of each shard: frames and per-dim mean), to be compared with the same
# utterances' features computed off the device: a device-side decoding or fbank difference would show here
"$PY" - "$DATA/shards" > "$WORK/feature-fingerprint.json" 2>&1 <<'PYEOF'
import json, os, sys, torch
root = sys.argv[1]
out = {}
for name in sorted(os.listdir(root)):
    s = torch.load(os.path.join(root, name))
    f = s["feats"][0].float()
    out[name] = {"id": s["ids"][0], "frames": f.shape[0], "text": s["texts"][0][:60],
                 "mean": [round(v, 3) for v in f.mean(0)[::8].tolist()], "std": round(float(f.std()), 3)}
print(json.dumps(out, indent=1))
PYEOF

# 2. backbone: train until the CoDA stage's share of the budget is reached. Attempt 1 stops itself (exit 3) if it
#    is still on the CTC blank plateau at the check step; attempt 2 then restarts with a gentler schedule.
train_minutes() {  # what is left after the CoDA share and the joint stage's minutes
  awk -v l="$(left)" -v c="$CODA_S" -v j="${JOINT_MIN:-0}" 'BEGIN { m = (l - c - 45 - 60 * j) / 60; if (m < 0.3) m = 0.3; printf "%.2f", m }'
}
attempt() {  # attempt NAME extra-train.py-args... (resumes NAME's checkpoint when there is one)
  local name="$1"; shift
  local minutes; minutes=$(train_minutes); [ $SMOKE = 1 ] && minutes=0.3
  [ -n "$EXTEND_MIN" ] && minutes="$EXTEND_MIN"  # --max-minutes counts the training time over all resumes
  say "backbone attempt $name for $minutes min: $*"
  "$PY" "$HERE/train.py" --data "$DATA" --run-dir "$WORK/$name" "${MODEL[@]}" "${BPE_ARG[@]}" "$@" --steps 100000 \
    --max-minutes "$minutes" --time-schedule --speed-perturb --ckpt-every 100000 --ckpt-minutes 2 $LIMIT \
    > "$WORK/$name.out" 2>&1
  local rc=$?
  say "attempt $name rc=$rc $(grep -E 'PLATEAU|plateau check|finished' "$WORK/$name.out" | tail -2 | tr '\n' ' ')"
  return $rc
}
if [ -n "$GIVEN_BACKBONE" ]; then
  RUN="$WORK/given-backbone"; mkdir -p "$RUN/checkpoints"
  case "$GIVEN_BACKBONE" in
    *.part0.pt) "$PY" "$HERE/handback.py" unpack "$GIVEN_BACKBONE" "$RUN/checkpoints/last-model.pt" >> "$LOG" 2>&1 ;;
    *) cp "$GIVEN_BACKBONE" "$RUN/checkpoints/last-model.pt" ;;
  esac
  say "given backbone $GIVEN_BACKBONE: no backbone training"
  # fine_tune NAME MINUTES WHAT train.py-args...: continue $RUN's checkpoint; on success $RUN moves to the result
  fine_tune() {
    local name="$1" minutes="$2" what="$3"; shift 3
    [ $SMOKE = 1 ] && minutes=0.3
    say "$what of the given backbone for $minutes min: $*"
    "$PY" "$HERE/train.py" --data "$DATA" --run-dir "$WORK/$name" --init-from "$RUN/checkpoints/last-model.pt" \
      "${MODEL[@]}" "${BPE_ARG[@]}" "$@" --steps 100000 --max-minutes "$minutes" --time-schedule --speed-perturb \
      --ckpt-every 100000 --ckpt-minutes 2 $LIMIT > "$WORK/$name.out" 2>&1
    say "$what rc=$? $(grep -E 'finished' "$WORK/$name.out" | tail -1)"
    [ -s "$WORK/$name/checkpoints/last-model.pt" ] && RUN="$WORK/$name"
  }
  [ -n "$FT_MIN" ] && fine_tune finetuned "$FT_MIN" "dense fine-tune" "${FT_ARGS[@]}"
  [ -n "$ROUTE_MIN" ] && fine_tune routed "$ROUTE_MIN" "routing fine-tune" "${ROUTE_ARGS[@]}"
elif [ -n "$EXTEND_MIN" ]; then
  # resuming restores the optimizer and the step count (past the plateau check step, so that check stays silent)
  if [ -s "$WORK/backbone-retry/checkpoints/latest" ]; then RUN="$WORK/backbone-retry"; ARGS=("${ATTEMPT2[@]}")
  elif [ -s "$WORK/backbone/checkpoints/latest" ]; then RUN="$WORK/backbone"; ARGS=("${ATTEMPT1[@]}")
  else say "--extend: no backbone of a previous call in $WORK"; exit 1
  fi
  attempt "$(basename "$RUN")" "${ARGS[@]}"
  rm -rf "$CRUN" "$WORK/coda-adapter"  # CoDA is retrained on the extended backbone
  mkdir -p "$CRUN"
else
  RUN="$WORK/backbone"
  attempt backbone "${ATTEMPT1[@]}"
  if [ $? = 3 ] || [ ! -s "$RUN/checkpoints/last-model.pt" ]; then
    RUN="$WORK/backbone-retry"
    attempt backbone-retry "${ATTEMPT2[@]}"
  fi
fi
[ -s "$RUN/checkpoints/last-model.pt" ] || { say "no backbone checkpoint"; tail -30 "$WORK"/backbone*.out; exit 1; }
if [ -n "$JOINT_MIN" ]; then
  "$PY" "$HERE/handback.py" pack "$RUN/checkpoints/last-model.pt" "$OUT" --prefix backbone >> "$LOG" 2>&1
  [ $SMOKE = 1 ] && JOINT_MIN=0.3
  say "routing-aware (joint) stage of the backbone for $JOINT_MIN min: ${JOINT_ARGS[*]}"
  "$PY" "$HERE/train_coda.py" --backbone "$RUN/checkpoints/last-model.pt" --run-dir "$WORK/joint" --data "$DATA" \
    --sources "$SOURCES" "${JOINT_ARGS[@]}" --steps 100000 --max-minutes "$JOINT_MIN" $LIMIT > "$WORK/joint.out" 2>&1
  say "joint rc=$? $(tail -1 "$WORK/joint.out")"
  if [ -s "$WORK/joint/backbone-latest.pt" ]; then
    mkdir -p "$WORK/joint-backbone/checkpoints"
    cp "$WORK/joint/backbone-latest.pt" "$WORK/joint-backbone/checkpoints/last-model.pt"
    RUN="$WORK/joint-backbone"
    CODA_ARGS+=(--init-from "$WORK/joint/coda-latest.pt")
  fi
fi
# packed now as well as at exit: a call killed at its time limit runs no exit trap
"$PY" "$HERE/handback.py" pack "$RUN/checkpoints/last-model.pt" "$OUT" --prefix backbone >> "$LOG" 2>&1

# 3. CoDA: routers + adapters on the frozen backbone, r sampled from 2,4,8 per batch (r = 1 is left out: its
#    adapters would have to stay zero, the dense teacher being optimal there, while r >= 2 needs them large), then a
#    short r = 1 run for the parallel-adapter baseline (model.adapter.onnx)
CODA_MIN=$(awk -v l="$(left)" -v g="${GIVEN_BACKBONE:+1}" 'BEGIN { m = (l - 70) / 60; if (m > 3 && g != 1) m = 3; printf "%.2f", m }')
[ $SMOKE = 1 ] && CODA_MIN=0.3
[ -n "$CODA_MIN_GIVEN" ] && CODA_MIN="$CODA_MIN_GIVEN"
if awk -v m="$CODA_MIN" 'BEGIN { exit !(m >= 0.3) }'; then
  say "CoDA for ${CODA_MIN} min on $SOURCES"
  "$PY" "$HERE/train_coda.py" --backbone "$RUN/checkpoints/last-model.pt" --run-dir "$CRUN" --data "$DATA" \
    --sources "$SOURCES" "${CODA_ARGS[@]}" --r-values 2,4,8 --steps 100000 --max-minutes "$CODA_MIN" $LIMIT \
    > "$WORK/coda.out" 2>&1
  say "coda rc=$? $(tail -2 "$WORK/coda.out" | tr '\n' ' ')"
  "$PY" "$HERE/train_coda.py" --backbone "$RUN/checkpoints/last-model.pt" --run-dir "$WORK/coda-adapter" --data "$DATA" \
    --sources "$SOURCES" "${CODA_ARGS[@]}" --r-values 1 "${ADAPTER_ARGS[@]}" $LIMIT > "$WORK/coda-adapter.out" 2>&1
  say "adapter (r=1) rc=$? $(tail -1 "$WORK/coda-adapter.out" | tr '\n' ' ')"
else
  say "no time left for CoDA ($CODA_MIN min)"
fi

# 4. GPU timing of dense / adapter / CoDA r (PyTorch), if time remains
if [ -s "$CRUN/coda-latest.pt" ] && [ "$(left)" -gt 30 ]; then
  timeout $(( $(left) - 15 )) env PYTHONPATH="$HERE" "$PY" -m tools.coda_gpu_bench --backbone "$RUN/checkpoints/last-model.pt" \
    --coda "$CRUN/coda-latest.pt" --shard "$DATA/shards/libri-dev-clean.pt" --out "$WORK/coda-gpu-bench.json" \
    $([ $SMOKE = 1 ] && echo "--repeats 2 --seconds 3") > "$WORK/bench.out" 2>&1
  say "bench rc=$? $(cat "$WORK/bench.out" | tr '\n' ' ' | cut -c1-600)"
fi
# 5. ONNX Runtime with CUDA, if this machine's onnxruntime has it and time remains: export the graphs (no dev
#    eval) and time them there
if [ -s "$CRUN/coda-latest.pt" ] && [ "$(left)" -gt 75 ] && \
    "$PY" -c 'import sys, onnxruntime as o; sys.exit(0 if "CUDAExecutionProvider" in o.get_available_providers() else 1)' 2>/dev/null; then
  timeout $(( $(left) - 15 )) bash -c "\"$PY\" \"$HERE/export_onnx.py\" --checkpoint \"$RUN/checkpoints/last-model.pt\" --data \"$DATA\" \
      --out \"$WORK/onnx\" --skip-eval && \"$PY\" \"$HERE/export_coda.py\" --backbone \"$RUN/checkpoints/last-model.pt\" \
      --coda \"$CRUN/coda-latest.pt\" --data \"$DATA\" --out \"$WORK/onnx\" --skip-eval && \
      PYTHONPATH=\"$HERE\" \"$PY\" -m tools.coda_ort_gpu_bench --model-dir \"$WORK/onnx\" --out \"$WORK/coda-ort-gpu-bench.json\"" \
    > "$WORK/ort-bench.out" 2>&1
  say "ORT CUDA bench rc=$? $(grep -E '^\{' "$WORK/ort-bench.out" | tr '\n' ' ' | cut -c1-400)"
fi
say "done, $(left)s of the budget left"
