#!/usr/bin/env bash
# The routed-backbone campaign's long run (issue 30; CAMPAIGN.md): joint routed training of the BPE-256 backbone with
# the design that won the equal-budget arms (RESULTS.md). Runs niced on one thread in the background-friendly way the
# shared 2-core machines need; re-running it resumes from the last checkpoint (every 25 steps) until --max-minutes of
# training wall time in all. Everything lives under $CAMPAIGN_HOME (default ~/.cache/coda-asr), outside the checkout.
#   setsid nohup asr-model/training/campaign.sh >> ~/.cache/coda-asr/runs/campaign-joint.out 2>&1 < /dev/null &
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
C="${CAMPAIGN_HOME:-$HOME/.cache/coda-asr}"
R="$C/runs"
[ -s "$R/bpe256-shared-b/checkpoints/last-model.pt" ] || { echo "no shared start in $R (CAMPAIGN.md: data, start)"; exit 2; }
cd "$HERE"
export LD_LIBRARY_PATH="$C/openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1
exec nice -n 10 "${PYTHON:-/usr/bin/python3}" train_coda.py --backbone "$R/bpe256-shared-b/checkpoints/last-model.pt" \
  --run-dir "$R/campaign-joint" --data "$C/data" --sources libri-train-clean-5,libri-dev-clean,librilight,ljspeech \
  --train-backbone-lr 4e-4 --lr 1e-3 --warmup 10 --min-lr-ratio 0.02 --r-values 0,2,4,8 \
  --dense-layers 1 --dense-last-layers 1 --router-guide 1 --kd-weight 0.3 --max-frames 8000 \
  --steps 100000 --max-minutes 480 --ckpt-every 25 --keep 2 --eval-every 100 --eval-r 0,4 --threads 1 --clock cpu --seed 1236 "$@"
