#!/usr/bin/env bash
# CoDA smoke test (< 60 s CPU): a random tiny dense checkpoint, a few CoDA training steps on a handful of cached
# features (+2 unlabelled clips), export of all four CoDA graphs with checks and a 4-utterance dev card, the ONNX
# Runtime cross-check (where Java and the onnxruntime jar are there), the routing-aware joint backbone stage and
# coda_eval.py. Needs the cached features of prepare_data.py: DATA=asr-model/training/data (override with
# CODA_DATA=..., e.g. the data folder smoke_test.sh left).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
DATA="${CODA_DATA:-$HERE/data}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export PYTHONDONTWRITEBYTECODE=1
[ -f "$DATA/shards/fsdd.pt" ] || { echo "no cached features in $DATA (run prepare_data.py or set CODA_DATA)"; exit 2; }
start=$(date +%s)
(cd "$HERE" && "$PY" - "$TMP/backbone.pt" "$DATA" <<'PYEOF'
import os, sys, torch
from local import model as M
torch.manual_seed(0)
cfg = M.ConformerConfig(d_model=32, heads=2, ff=64, layers=3, kernel=15, subsampling=4, subsampling_channels=8,
                        vocab=29, dropout=0.1)
net = M.ConformerCTC(cfg)
c = torch.load(os.path.join(sys.argv[2], "cmvn.pt"))
net.cmvn.set_stats(c["mean"], c["std"])
torch.save({"model": net.state_dict(), "config": cfg.to_dict(), "step": 0, "dev_wer": None}, sys.argv[1])
print("random tiny backbone:", net.num_params(), "params")
PYEOF
)
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
  "$HERE/tools/coda_ort_check.sh" "$TMP/out" | grep -v "meta:"   # ONNX Runtime (Java) vs torch on coda-reference.json
else
  echo "(java or the onnxruntime jar in ~/.m2 missing: ONNX Runtime cross-check skipped)"
fi
# cache-based streaming graphs of the trained tiny CoDA at every r (local/coda_streaming.py): chunk by chunk equal to
# the chunk-masked per-chunk routed forward, then exported with export_streaming.py's trace check and ONNX checker
(cd "$HERE" && "$PY" - "$TMP/backbone.pt" "$TMP/run/coda-latest.pt" "$TMP/stream" <<'PYEOF' 2>&1 | grep -v -i "warning\|_C._jit\|^ *$"
import os, sys
import onnx
import export_streaming as E
from local import coda as C, coda_streaming as CS
from local.checkpoint import load_backbone
bb, _ = load_backbone(sys.argv[1])
net, _ = C.load_coda(bb, sys.argv[2])
os.makedirs(sys.argv[3])
for r in C.CODA_R_VALUES:
    enc = CS.CodaStreamingEncoder(net, r, 16, 4).eval()
    E.parity(lambda u: CS.chunk_routed_forward(net, u, r, 16, 4), lambda u: CS.run_chunked(enc, u),
             E.test_inputs(sys.argv[3], 3), 1e-4, f"tiny CoDA r={r} streaming")
    path = os.path.join(sys.argv[3], f"r{r}.onnx")
    E.export(enc, bb.cfg, enc.empty_caches(2)[1:], 16, path, 17)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    assert enc.total_slots == (64 * 3 if r == 1 else 64 + 2 * 4 * -(-16 // r)), enc.slots
print("CoDA streaming graphs: parity and export OK at r =", C.CODA_R_VALUES)
PYEOF
)
# routing-aware backbone stage (train_coda.py --train-backbone-lr): the backbone trains with the routers/adapters,
# r = 0 batches train it alone; then coda_eval.py scores it against the starting backbone
"$PY" "$HERE/train_coda.py" --backbone "$TMP/backbone.pt" --run-dir "$TMP/joint" --data "$DATA" \
  --sources fsdd,ljspeech --limit 6 --steps 4 --log-every 1 --ckpt-every 2 --max-frames 4000 --threads 1 --no-resume \
  --train-backbone-lr 1e-3 --r-values 0,2 --seed 7 | tee "$TMP/joint.log"
grep -q "kd_by_r {'0'" "$TMP/joint.log" && grep -q "kd_by_r {'2'" "$TMP/joint.log" \
  || { echo "FAIL: the joint stage did not run both r = 0 and r = 2 batches"; exit 1; }
(cd "$HERE" && "$PY" - "$TMP/backbone.pt" "$TMP/joint" <<'PYEOF'
import os, sys
from local import coda
from local.checkpoint import load_backbone
start, _ = load_backbone(sys.argv[1])
moved, st = load_backbone(os.path.join(sys.argv[2], "backbone-latest.pt"))
diff = max(float((p - q).abs().max()) for p, q in zip(start.parameters(), moved.parameters()))
assert diff > 0, "the joint stage left the backbone unchanged"
assert st["step"] == 4 and st["routing_aware_from_step"] == 0, st.keys()
net, cst = coda.load_coda(moved, os.path.join(sys.argv[2], "coda-latest.pt"))
assert cst["step"] == 4 and any(float(a.up.weight.abs().max()) > 0 for a in net.coda.adapters), "adapters untrained"
print(f"joint stage: backbone moved (max |diff| {diff:.2e}), routers/adapters trained with it")
PYEOF
)
"$PY" "$HERE/coda_eval.py" --backbone "$TMP/joint/backbone-latest.pt" --coda "$TMP/joint/coda-latest.pt" \
  --reference "$TMP/backbone.pt" --data "$DATA" --dev-limit 2 --r 0,1,2 | tee "$TMP/eval.log"
[ "$(grep -c ' WER ' "$TMP/eval.log")" = 3 ] || { echo "FAIL: coda_eval.py did not score r = 0, 1, 2"; exit 1; }
echo "coda smoke test OK in $(( $(date +%s) - start )) s"
