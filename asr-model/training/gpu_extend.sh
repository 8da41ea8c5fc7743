#!/usr/bin/env bash
# Second call on a still-warm device after gpu_session.sh: resume the backbone (optimizer state kept on the device)
# for a few more minutes, retrain CoDA on the result, pack into $OUT.
#   OUT=$OUT bash asr-model/training/gpu_extend.sh TOTAL_BACKBONE_MIN CODA_MIN
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; PY=python3; W="$HERE/runs/gpu"
export PYTHONUNBUFFERED=1
source "$HERE/gpu_profile.sh"
# resuming restores the optimizer and the step count (past the plateau check step, so that check stays silent)
"$PY" "$HERE/train.py" --data "$W/data" --run-dir "$W/backbone" "${GPU_MODEL[@]}" "${GPU_SCHEDULE[@]}" --steps 100000 \
  --max-minutes "$1" --time-schedule --speed-perturb --ckpt-every 100000 --ckpt-minutes 2 > "$W/backbone-extend.out" 2>&1
echo "backbone rc=$? $(tail -2 "$W/backbone-extend.out" | tr '\n' ' ')"
"$PY" "$HERE/handback.py" pack "$W/backbone/checkpoints/last-model.pt" "$OUT" --prefix backbone
SOURCES=$(ls "$W/data/shards" | grep -v '^dev' | sed 's/\.pt$//' | paste -sd, -)
rm -rf "$W/coda2"
"$PY" "$HERE/train_coda.py" --backbone "$W/backbone/checkpoints/last-model.pt" --run-dir "$W/coda2" --data "$W/data" \
  --sources "$SOURCES" "${GPU_CODA_ARGS[@]}" --r-values 2,4,8 --steps 100000 --max-minutes "$2" > "$W/coda2.out" 2>&1
echo "coda rc=$? $(tail -2 "$W/coda2.out" | tr '\n' ' ')"
[ -s "$W/coda2/coda-latest.pt" ] && cp "$W/coda2/coda-latest.pt" "$OUT/coda.pt"
tar -czf "$OUT/logs-extend.tgz" -C "$W" backbone-extend.out coda2.out backbone/train.log 2>/dev/null
ls -la "$OUT"
