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
# fine-tuning from a checkpoint's weights with frame skipping (the CoDA-robust backbone option)
"$PY" "$HERE/train.py" --data "$TMP/data" --run-dir "$TMP/finetune" --init-from "$TMP/run/checkpoints/last-model.pt" \
  --frame-skip 0.3 --route-r 2,4 --max-frames 4000 --warmup 2 --log-every 2 --steps 2 --ckpt-every 2 > "$TMP/finetune.log"
grep -q "weights from" "$TMP/finetune.log" || { echo "FAIL: train.py --init-from"; exit 1; }
# the data-source ablation driver (three arms, fsdd standing in for the synthetic shard), table into a card copy
"$PY" "$HERE/ablation.py" --data "$TMP/data" --init-from "$TMP/run/checkpoints/last-model.pt" --out "$TMP/ablation" \
  --steps 1 --warmup 1 --max-frames 4000 --threads 1 --synthetic fsdd > "$TMP/ablation.log"
grep -q "^| both |" "$TMP/ablation/ablation.md" || { echo "FAIL: ablation.py wrote no table"; exit 1; }
(cd "$HERE" && "$PY" - <<'PYEOF'
import torch, model as M
torch.manual_seed(0)
net = M.ConformerCTC(M.ConformerConfig(d_model=32, heads=2, ff=32, layers=3, subsampling_channels=4, dropout=0.0)).train()
x, n = torch.randn(2, 60, 80), torch.tensor([60, 41])
with torch.no_grad():
    full = net(x, n)[0]
    assert torch.allclose(net(x, n, frame_skip=0.0)[0], full), "frame_skip 0 must be the plain forward"
    h, ol = net.subsample(net.cmvn(x), n)
    mask = (torch.arange(h.size(1)).unsqueeze(0) < ol.unsqueeze(1)).unsqueeze(1)
    only_first = torch.log_softmax(net.head(net.layers[0](h, mask)), -1)
    assert torch.allclose(net(x, n, frame_skip=1.0)[0], only_first, atol=1e-6), "frame_skip 1 skips layers 1.."
    assert torch.allclose(net.eval()(x, n, frame_skip=1.0)[0], full), "frame skipping is training-only"
print("frame-skip check OK")
PYEOF
)
"$PY" "$HERE/export_onnx.py" --run-dir "$TMP/run" --data "$TMP/data" --out "$TMP/export" --int8 > "$TMP/export.log" 2>&1 \
  || { cat "$TMP/export.log"; exit 1; }
"$PY" "$HERE/decode.py" --run-dir "$TMP/run" --data "$TMP/data" --out "$TMP/hyps.tsv" | tail -1
for f in model.onnx model.int8.onnx tokens.txt model-card.md model-card.json; do
  [ -s "$TMP/export/$f" ] || { echo "FAIL: missing $f"; exit 1; }
done
grep "padded-batch check ok" "$TMP/export.log"
# the backbone checkpoint rebuilt from the exported ONNX (what the CoDA stage starts from when no .pt is kept):
# exact for an fp32 export, within fp16 rounding after share_weights.py --fp16
"$PY" "$HERE/recover_backbone.py" "$TMP/export" --out "$TMP/recovered.pt" --tolerance 1e-4
cp -r "$TMP/export" "$TMP/export-fp16"
"$PY" "$HERE/share_weights.py" "$TMP/export-fp16" model.onnx --fp16 --min-bytes 256 > /dev/null
"$PY" "$HERE/recover_backbone.py" "$TMP/export-fp16" --out "$TMP/recovered-fp16.pt"
echo "smoke test OK in $(( $(date +%s) - start )) s ($TMP)"
