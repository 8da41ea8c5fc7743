#!/usr/bin/env bash
# Turn what a device session handed back (gpu_session.sh: backbone.part*.pt, coda.pt) into a model folder the Java
# side ships: dense fp32 graph + int8 variant + parallel adapter + CoDA r=2/4/8, the shared weights stored once
# (float16 with --fp16), model and CoDA cards with PyTorch dev WER, and an ONNX Runtime check of every graph.
#   ship_model.sh FILES_AT OUT_DIR [--fp16] [--data DATA_DIR] [--coda FILE] [--adapter-coda FILE]
# --coda: a CoDA checkpoint other than FILES_AT/coda.pt (e.g. retrained here); --adapter-coda: the checkpoint whose
# adapters make model.adapter.onnx when --coda was trained without r=1 (see export_coda.py).
# Then: ./asr eval librispeech ../shared/data/librispeech/LibriSpeech/test-other --model OUT_DIR (Java WER).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
[ $# -ge 2 ] || { sed -n 2,6p "$0"; exit 2; }
FROM="$1"; OUT="$2"; shift 2
FP16=""; DATA="$HERE/data"; CODA=""; ADAPTER_CODA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fp16) FP16="--fp16" ;;
    --data) DATA="$2"; shift ;;
    --coda) CODA="$2"; shift ;;
    --adapter-coda) ADAPTER_CODA=(--adapter-coda "$2"); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -s "$FROM/backbone.part0.pt" ] || { echo "$FROM/backbone.part0.pt missing" >&2; exit 1; }
[ -s "$DATA/cmvn.pt" ] || { echo "$DATA/cmvn.pt missing: run prepare_data.py (or pass --data)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/ship.XXXXXX)"
"$PY" "$HERE/handback.py" unpack "$FROM/backbone.part0.pt" "$WORK/backbone.pt"
mkdir -p "$OUT"
"$PY" "$HERE/export_onnx.py" --checkpoint "$WORK/backbone.pt" --data "$DATA" --out "$OUT" --int8
GRAPHS=(model.onnx)
[ -n "$CODA" ] || CODA="$FROM/coda.pt"
[ ${#ADAPTER_CODA[@]} -gt 0 ] || [ ! -s "$FROM/coda-adapter.pt" ] || ADAPTER_CODA=(--adapter-coda "$FROM/coda-adapter.pt")
if [ -s "$CODA" ]; then
  "$PY" "$HERE/export_coda.py" --backbone "$WORK/backbone.pt" --coda "$CODA" "${ADAPTER_CODA[@]}" --data "$DATA" --out "$OUT"
  GRAPHS+=(model.adapter.onnx model.coda-r2.onnx model.coda-r4.onnx model.coda-r8.onnx)
fi
"$PY" "$HERE/share_weights.py" "$OUT" "${GRAPHS[@]}" $FP16
[ -s "$OUT/coda-reference.json" ] && "$HERE/coda_ort_check.sh" "$OUT" | grep "max|diff|"
du -sh "$OUT"
echo "shipped into $OUT (work files in $WORK)"
