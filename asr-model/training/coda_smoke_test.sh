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
ort_check() {  # ONNX Runtime (Java) vs torch on the folder's coda-reference.json
  if command -v java >/dev/null && ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar >/dev/null 2>&1; then
    "$HERE/tools/coda_ort_check.sh" "$1" | grep -v "meta:"
  else
    echo "(java or the onnxruntime jar in ~/.m2 missing: ONNX Runtime cross-check skipped)"
  fi
}
ort_check "$TMP/out"
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
# routing-aware backbone stage (train_coda.py --train-backbone-lr), here with routed frames attending to every frame
# (--attend-all-frames): the backbone trains with the routers/adapters, r = 0 batches train it alone; then
# coda_eval.py scores it against the starting backbone and its r = 2 graph is exported
"$PY" "$HERE/train_coda.py" --backbone "$TMP/backbone.pt" --run-dir "$TMP/joint" --data "$DATA" \
  --sources fsdd,ljspeech --limit 6 --steps 4 --log-every 1 --ckpt-every 2 --max-frames 4000 --threads 1 --no-resume \
  --train-backbone-lr 1e-3 --r-values 0,2 --seed 7 --attend-all-frames --eval-every 2 --eval-r 0,2 | tee "$TMP/joint.log"
if [ -s "$DATA/shards/validation.pt" ]; then  # --eval-every: the validation split scored, the best kept
  [ "$(wc -l < "$TMP/joint/valid_wer.tsv")" = 3 ] && [ -s "$TMP/joint/backbone-best.pt" ] && [ -s "$TMP/joint/coda-best.pt" ] \
    || { echo "FAIL: --eval-every left no valid_wer.tsv rows or best checkpoints"; exit 1; }
fi
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
# attend_all_frames: a routed frame's output depends on the unselected frames (only through attention), the default
# design's does not; the flag travels in the checkpoint and the graph's metadata
(cd "$HERE" && "$PY" - "$TMP/joint" <<'PYEOF'
import os, sys, torch
from local import coda
from local.checkpoint import load_backbone
bb, _ = load_backbone(os.path.join(sys.argv[1], "backbone-latest.pt"))
net, st = coda.load_coda(bb, os.path.join(sys.argv[1], "coda-latest.pt"))
assert st["coda_config"]["attend_all_frames"] and net.coda.cfg.attend_all_frames, st["coda_config"]
torch.manual_seed(0)
routed = min(int(i) for i in net.coda.routers)
layer, w = bb.layers[routed], net.coda.routers[str(routed)]
x = torch.randn(1, 50, bb.cfg.d_model)
idx, valid = coda.select_frames(x @ w, torch.ones(1, 50, dtype=torch.bool), torch.tensor([50]), 2)
x2 = x.clone()
x2[0, sorted(set(range(50)) - set(idx[0].tolist()))[-1]] += 3 * torch.randn(bb.cfg.d_model)  # an unselected frame
moved = {}
with torch.no_grad():
    for attend in (True, False):
        m = torch.ones(1, 1, 50 if attend else idx.size(1), dtype=torch.bool)
        outs = [coda.layer_forward_at(layer, coda.gather_rows(v, idx), m, idx, v, valid, v if attend else None)
                for v in (x, x2)]
        moved[attend] = float((outs[0] - outs[1]).abs().max())
assert moved[True] > 1e-4 and moved[False] < 1e-6, moved
print(f"attend_all_frames: an unselected frame moves the selected outputs by {moved[True]:.2e} (default design "
      f"{moved[False]:.1e})")
PYEOF
)
"$PY" "$HERE/export_coda.py" --backbone "$TMP/joint/backbone-latest.pt" --coda "$TMP/joint/coda-latest.pt" \
  --data "$DATA" --out "$TMP/out-all" --r 2 --skip-eval --timing-repeats 1 --threads 1 2>&1 | grep -v -i "warning\|_C._jit\|^ *$"
"$PY" -c 'import onnx, sys; m = {p.key: p.value for p in onnx.load(sys.argv[1]).metadata_props}; \
assert m["coda_attend_all_frames"] == "1", m; print("graph metadata coda_attend_all_frames =", m["coda_attend_all_frames"])' \
  "$TMP/out-all/model.coda-r2.onnx"
ort_check "$TMP/out-all"
echo "coda smoke test OK in $(( $(date +%s) - start )) s"
