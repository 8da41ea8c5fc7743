#!/usr/bin/env bash
# End-to-end smoke test of the recipe on a handful of files (CI): prepare -> train a few steps -> resume -> export
# -> decode. Writes only into a temp dir (or $1). Needs ../shared/data next to the repository.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
TMP="${1:-$(mktemp -d /tmp/asr-smoke.XXXXXX)}"
mkdir -p "$TMP"
echo "smoke test in $TMP"
start=$(date +%s)
"$PY" "$HERE/prepare_data.py" --limit 4 --jobs 1 --out "$TMP/data" > "$TMP/prepare.log"
TINY="--d-model 32 --heads 2 --layers 1 --subsampling-channels 4 --max-frames 4000 --warmup 2 --log-every 2"
"$PY" "$HERE/train.py" --data "$TMP/data" --run-dir "$TMP/run" $TINY --steps 3 --ckpt-every 3 > "$TMP/train.log"
"$PY" "$HERE/train.py" --data "$TMP/data" --run-dir "$TMP/run" $TINY --steps 5 --ckpt-every 100 >> "$TMP/train.log"
grep -q "resuming from" "$TMP/train.log" || { echo "FAIL: train.py did not resume"; exit 1; }
"$PY" "$HERE/export_onnx.py" --run-dir "$TMP/run" --data "$TMP/data" --out "$TMP/export" --int8 > "$TMP/export.log" 2>&1 \
  || { cat "$TMP/export.log"; exit 1; }
"$PY" "$HERE/decode.py" --run-dir "$TMP/run" --data "$TMP/data" --out "$TMP/hyps.tsv" | tail -1
for f in model.onnx model.int8.onnx tokens.txt model-card.md model-card.json; do
  [ -s "$TMP/export/$f" ] || { echo "FAIL: missing $f"; exit 1; }
done
grep "padded-batch check ok" "$TMP/export.log"
echo "smoke test OK in $(( $(date +%s) - start )) s ($TMP)"
