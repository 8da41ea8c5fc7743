#!/usr/bin/env bash
# CoDA smoke test (< 60 s CPU): a random tiny dense checkpoint, a few CoDA training steps on a handful of cached
# features (+2 unlabelled clips), export of all four CoDA graphs with checks and a 4-utterance dev card.
# Needs the cached features of prepare_data.py: DATA=asr-model/training/data (override with CODA_DATA=...).
# If the dense recipe (model.py, data.py, tokens.py) is not next to coda.py, set DENSE_RECIPE_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
DATA="${CODA_DATA:-$HERE/data}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export PYTHONDONTWRITEBYTECODE=1
[ -f "$DATA/shards/fsdd.pt" ] || { echo "no cached features in $DATA (run prepare_data.py or set CODA_DATA)"; exit 2; }
start=$(date +%s)
CODA_HERE="$HERE" "$PY" - "$TMP/backbone.pt" "$DATA" <<'PYEOF'
import os, sys, torch
sys.path.insert(0, os.environ["CODA_HERE"])
import coda
M = coda.M
torch.manual_seed(0)
cfg = M.ConformerConfig(d_model=32, heads=2, ff=64, layers=3, kernel=15, subsampling=4, subsampling_channels=8,
                        vocab=29, dropout=0.1)
net = M.ConformerCTC(cfg)
c = torch.load(os.path.join(sys.argv[2], "cmvn.pt"))
net.cmvn.set_stats(c["mean"], c["std"])
torch.save({"model": net.state_dict(), "config": cfg.to_dict(), "step": 0, "dev_wer": None}, sys.argv[1])
print("random tiny backbone:", net.num_params(), "params")
PYEOF
"$PY" "$HERE/train_coda.py" --backbone "$TMP/backbone.pt" --run-dir "$TMP/run" --data "$DATA" \
  --sources fsdd,ljspeech --limit 6 --unlabelled 2 --steps 6 --log-every 2 --ckpt-every 3 --max-frames 4000 \
  --threads 1 --no-resume
"$PY" "$HERE/export_coda.py" --backbone "$TMP/backbone.pt" --coda "$TMP/run/coda-latest.pt" --data "$DATA" \
  --out "$TMP/out" --dev-limit 4 --timing-repeats 2 --threads 1 2>&1 | grep -v -i "warning\|_C._jit\|^ *$"
for f in model.adapter.onnx model.coda-r2.onnx model.coda-r4.onnx model.coda-r8.onnx coda-card.md; do
  [ -s "$TMP/out/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
grep -q "coda-r4.onnx (r=4)" "$TMP/out/coda-card.md" || { echo "FAIL: card has no r=4 row"; exit 1; }
if command -v java >/dev/null && ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar >/dev/null 2>&1; then
  "$HERE/coda_ort_check.sh" "$TMP/out" | grep -v "meta:"   # ONNX Runtime (Java) vs torch on coda-reference.json
else
  echo "(java or the onnxruntime jar in ~/.m2 missing: ONNX Runtime cross-check skipped)"
fi
echo "coda smoke test OK in $(( $(date +%s) - start )) s"
