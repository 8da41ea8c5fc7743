#!/usr/bin/env bash
# Full recipe: data prep -> train (resumes automatically) -> ONNX export. Every stage can be re-run safely.
#   run.sh --cpu [--run-dir DIR] [--name NAME] [-- extra train.py args]
#   run.sh --gpu [--run-dir DIR] [--name NAME] [-- extra train.py args]
# CPU profile: 2.1M-param model sized for ~2 contended cores and ~2 h. GPU profile: 10.3M params, fp32/TF32, big
# batches, cosine LR over a wall-time budget (--max-minutes 6). For a lent device machine use gpu_session.sh (one
# call: data, backbone with plateau check and retry, CoDA, timing, hand-back).
# Without ../shared/data the compact carry/ (make_carry.sh) is used as the data source.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-python3}"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null && PY="${PYTHON:-/usr/bin/python3}"
PROFILE=cpu; RUN_DIR=""; NAME=""; STAGES="prepare,train,export"
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) PROFILE=cpu ;;
    --gpu) PROFILE=gpu ;;
    --run-dir) RUN_DIR="$2"; shift ;;
    --name) NAME="$2"; shift ;;
    --stages) STAGES="$2"; shift ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
RUN_DIR="${RUN_DIR:-$HERE/runs/$PROFILE}"
NAME="${NAME:-conformer-ctc-$([ $PROFILE = gpu ] && echo base || echo small)}"
SHARED="$REPO/../shared/data"
DATA="$HERE/data"
if [ ! -d "$SHARED/librispeech-extra" ] && [ -d "$HERE/carry/shared" ]; then
  echo "shared data not found: using $HERE/carry"
  SHARED="$HERE/carry/shared"
  mkdir -p "$DATA/shards"
  cp -n "$HERE/carry/data/shards/"*.pt "$DATA/shards/" 2>/dev/null || true
  cp -n "$HERE/carry/data/stats_unlabelled.pt" "$DATA/" 2>/dev/null || true
fi
# Debian's torch 1.13 links the reference BLAS (BLAS_INFO=generic): ~20x slower GEMMs. Use OpenBLAS for our
# processes only (unpacked into runs/openblas, no system change).
if "$PY" -c 'import sys, torch; sys.exit(0 if "BLAS_INFO=generic" in torch.__config__.show() else 1)' 2>/dev/null; then
  OB="$HERE/runs/openblas"
  if [ ! -e "$OB/libblas.so.3" ] && command -v apt-get >/dev/null; then
    T=$(mktemp -d) && (cd "$T" && apt-get download libopenblas0-pthread >/dev/null 2>&1 && dpkg -x ./*.deb x \
      && mkdir -p "$HERE/runs" && mv x/usr/lib/x86_64-linux-gnu/openblas-pthread "$OB") || echo "warning: no OpenBLAS"
    rm -rf "$T"
  fi
  [ -e "$OB/libblas.so.3" ] && export LD_LIBRARY_PATH="$OB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=2
fi
JOBS=2; [ $PROFILE = gpu ] && JOBS=$(( $(nproc) > 2 ? $(nproc) - 1 : 2 ))
if [ $PROFILE = cpu ]; then
  TRAIN_ARGS=(--d-model 144 --heads 4 --layers 4 --ff 576 --subsampling-channels 32 --max-frames 8000 --steps 3000
              --warmup 200 --lr 1.5e-3 --max-minutes 105 --time-schedule --ckpt-every 200 --ckpt-minutes 10
              --log-every 10 --threads 2)
else
  source "$HERE/gpu_profile.sh"
  TRAIN_ARGS=("${GPU_MODEL[@]}" "${GPU_SCHEDULE[@]}" --steps 100000 --ckpt-every 1000 --ckpt-minutes 3
              --max-minutes 6 --time-schedule)
fi
mkdir -p "$RUN_DIR"
if [[ $STAGES == *prepare* ]]; then
  "$PY" "$HERE/prepare_data.py" --shared "$SHARED" --out "$DATA" --jobs $JOBS 2>&1 | tee "$RUN_DIR/prepare.log" | grep -v SKIP || true
fi
if [[ $STAGES == *train* ]]; then
  "$PY" "$HERE/train.py" --data "$DATA" --run-dir "$RUN_DIR" "${TRAIN_ARGS[@]}" "$@"
fi
if [[ $STAGES == *export* ]]; then
  "$PY" "$HERE/export_onnx.py" --run-dir "$RUN_DIR" --which best --data "$DATA" --out "$REPO/asr-model/models/$NAME" --int8 \
    || echo "export failed (is the onnx package installed?): copy $RUN_DIR/checkpoints/best.pt back and export elsewhere"
fi
# On a lent GPU machine, hand the results back through $OUT (model-only checkpoint, logs, exported model).
if [ -n "${OUT:-}" ] && [ -d "$OUT" ]; then
  mkdir -p "$OUT/run" && cp "$RUN_DIR"/*.log "$RUN_DIR"/*.tsv "$RUN_DIR"/config.json "$OUT/run/" 2>/dev/null || true
  cp "$RUN_DIR/checkpoints/best-model.pt" "$OUT/run/" 2>/dev/null || true
  [ -d "$REPO/asr-model/models/$NAME" ] && cp -r "$REPO/asr-model/models/$NAME" "$OUT/" || true
fi
