#!/usr/bin/env bash
# End-to-end smoke test of the recipe on a handful of files (CI), through run.sh --smoke: stages 0-2 (synthetic
# speech where espeak-ng and sox are installed, data, 3 training steps), then stages 0-7 again (stage 2 resumes to
# step 5; the joint stage, CoDA, export, evaluation, ship into --ship-dir; stage 7 without --ship-dir ships nothing), then what sits around the stages: fine-tuning with
# --init-from / --frame-skip / --route-r, a word-piece vocabulary and head (train_bpe.py, train.py --bpe) with its
# export, the data-source ablation tool, frame skipping, and the backbone rebuilt from
# the exported ONNX (fp32 and fp16-shared weights). Writes only into a temp dir (or $1): the export Java loads is
# $1/export, the prepared data $1/data. Needs ../shared/data next to the repository.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
TMP="${1:-$(mktemp -d -t asr-smoke.XXXXXX)}"
mkdir -p "$TMP"; TMP="$(cd "$TMP" && pwd)"
export PYTHON="$PY" PYTHONDONTWRITEBYTECODE=1
echo "smoke test in $TMP"
start=$(date +%s)
fail() { echo "FAIL: $*"; exit 1; }
RUN=(bash "$HERE/run.sh" --smoke --run-dir "$TMP/run" --data "$TMP/data" --export-dir "$TMP/export")
SYNTH=()
if command -v espeak-ng >/dev/null && command -v sox >/dev/null; then
  SYNTH=(--synthetic-hours 0.003)
else
  echo "(espeak-ng or sox missing: stage 0, synthetic speech, not exercised)"
fi
"${RUN[@]}" --stage 0 --stop-stage 2 "${SYNTH[@]}" -- --steps 3 --ckpt-every 3 > "$TMP/run-a.log" 2>&1 \
  || { cat "$TMP/run-a.log"; fail "run.sh --stage 0 --stop-stage 2"; }
"${RUN[@]}" --stage 0 --stop-stage 7 --joint --share-weights none --ship-dir "$TMP/shipped" > "$TMP/run-b.log" 2>&1 \
  || { cat "$TMP/run-b.log"; fail "run.sh --stage 0 --stop-stage 7"; }
grep -q "resuming from" "$TMP/run-b.log" || fail "stage 2 did not resume"
[ ${#SYNTH[@]} = 0 ] || grep -q "synthetic" "$TMP/data/summary.json" || fail "stage 1 left out the synthetic speech"
[ -s "$TMP/run/joint/backbone-latest.pt" ] || fail "stage 3 wrote no routing-aware backbone"
[ -s "$TMP/run/coda/coda-latest.pt" ] && [ -s "$TMP/run/coda-adapter/coda-latest.pt" ] || fail "stage 4"
for f in model.onnx model.int8.onnx tokens.txt model-card.md model-card.json model.adapter.onnx model.coda-r2.onnx \
    model.coda-r4.onnx model.coda-r8.onnx coda-card.md coda-card.json model.streaming.onnx model.streaming.int8.onnx streaming-reference.json; do
  [ -s "$TMP/export/$f" ] || fail "stage 5 wrote no $f"
done
grep "parity with the chunk-masked forward" "$TMP/run-b.log" || fail "export_streaming.py checked no parity"
grep "padded-batch check ok" "$TMP/run-b.log"
grep -q "r=1 adapters from" "$TMP/export/coda-card.json" || fail "model.adapter.onnx not from the r = 1 run"
grep -q "^| CoDA r=4 |" "$TMP/run/eval/dev-wer.md" || fail "stage 6 wrote no CoDA r=4 row"
cat "$TMP/run/eval/dev-wer.md"
[ -s "$TMP/shipped/model.coda-r4.onnx" ] || fail "stage 7 shipped nothing into --ship-dir"
"${RUN[@]}" --stages ship > "$TMP/run-c.log" 2>&1 || { cat "$TMP/run-c.log"; fail "run.sh --stages ship"; }
grep -q "nothing shipped (no --ship-dir)" "$TMP/run-c.log" && [ ! -e "$TMP/run/models" ] \
  || fail "stage 7 without --ship-dir must ship nothing"

# fine-tuning from a checkpoint's weights with frame skipping and random routing (CoDA-robust backbone options)
"$PY" "$HERE/train.py" --data "$TMP/data" --run-dir "$TMP/finetune" --init-from "$TMP/run/checkpoints/last-model.pt" \
  --frame-skip 0.3 --route-r 2,4 --max-frames 4000 --warmup 2 --log-every 2 --steps 2 --ckpt-every 2 > "$TMP/finetune.log"
grep -q "weights from" "$TMP/finetune.log" || fail "train.py --init-from"
# word pieces: a SentencePiece vocabulary of the smoke data, a new head on the smoke backbone (train.py --bpe), its
# export (tokens.txt = the pieces) and the routed evaluation
"$PY" "$HERE/train_bpe.py" --data "$TMP/data" --vocab-size 40 --max-sentences 2000 --out "$TMP/bpe" > "$TMP/bpe.log"
grep -q "pieces/word" "$TMP/bpe.log" || fail "train_bpe.py"
"$PY" "$HERE/train.py" --data "$TMP/data" --run-dir "$TMP/bpe-run" --init-from "$TMP/run/checkpoints/last-model.pt" \
  --bpe "$TMP/bpe/bpe.model" --route-r 1,2 --max-frames 4000 --warmup 2 --log-every 2 --steps 2 --ckpt-every 2 \
  > "$TMP/bpe-run.log"
grep -q "new bpe head of 40 tokens" "$TMP/bpe-run.log" || fail "train.py --bpe kept the character head"
"$PY" "$HERE/export_onnx.py" --run-dir "$TMP/bpe-run" --which latest --data "$TMP/data" --out "$TMP/export-bpe" \
  --dev-limit 2 --threads 1 > "$TMP/export-bpe.log"
[ "$(sed -n 2p "$TMP/export-bpe/tokens.txt")" = "<unk>" ] && [ "$(wc -l < "$TMP/export-bpe/tokens.txt")" = 40 ] \
  || fail "the word-piece export's tokens.txt"
(cd "$HERE" && "$PY" -m tools.routed_eval "$TMP/bpe-run/checkpoints/last-model.pt" --data "$TMP/data" --r 2 \
  --dev-limit 2 > "$TMP/routed-eval.log") && grep -q "r=2" "$TMP/routed-eval.log" || fail "tools.routed_eval"
# the data-source ablation tool (three arms, fsdd standing in for the synthetic shard), table into a card copy
(cd "$HERE" && "$PY" -m tools.ablation --data "$TMP/data" --init-from "$TMP/run/checkpoints/last-model.pt" \
  --out "$TMP/ablation" --steps 1 --warmup 1 --max-frames 4000 --threads 1 --synthetic fsdd > "$TMP/ablation.log")
grep -q "^| both |" "$TMP/ablation/ablation.md" || fail "tools/ablation.py wrote no table"
(cd "$HERE" && "$PY" - <<'PYEOF'
import torch
from local import model as M
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
# the backbone checkpoint rebuilt from the exported ONNX (what the CoDA stage starts from when no .pt is kept):
# exact for an fp32 export, within fp16 rounding after share_weights.py --fp16
(cd "$HERE" && "$PY" -m tools.recover_backbone "$TMP/export" --out "$TMP/recovered.pt" --tolerance 1e-4)
rm -rf "$TMP/export-fp16"; cp -r "$TMP/export" "$TMP/export-fp16"
"$PY" "$HERE/share_weights.py" "$TMP/export-fp16" model.onnx --fp16 --min-bytes 256 > /dev/null
(cd "$HERE" && "$PY" -m tools.recover_backbone "$TMP/export-fp16" --out "$TMP/recovered-fp16.pt")
echo "smoke test OK in $(( $(date +%s) - start )) s ($TMP)"
