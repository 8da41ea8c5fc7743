#!/usr/bin/env bash
# The conformer-CTC / CoDA training recipe, in numbered stages (icefall style). Every stage can be re-run safely:
# data shards are reused, training resumes from its latest checkpoint.
#
#   asr-model/training/run.sh [--cpu|--gpu|--smoke] [--stage N] [--stop-stage M] [options] [-- extra train.py args]
#
#   stage 0  synthetic speech (only with --synthetic-hours H)             -> DATA/synthetic/
#   stage 1  data: manifests, fp16 fbank shards, CMVN (prepare_data.py)   -> DATA/
#   stage 2  dense conformer-CTC training (train.py)                      -> RUN_DIR/
#   stage 3  routing-aware joint backbone stage (only with --joint)       -> RUN_DIR/joint/
#   stage 4  CoDA routers + adapters on the frozen backbone (r from the profile's CODA_R), then the r = 1 parallel
#            adapters (train_coda.py)                                     -> RUN_DIR/coda/, RUN_DIR/coda-adapter/
#   stage 5  export: model.onnx + model.int8.onnx, model.streaming.onnx (cache-based streaming encoder),
#            model.adapter.onnx + model.coda-r{2,4,8}.onnx, cards, the shared weights stored once (fp16 by default),
#            ONNX Runtime check when Java is there                                                -> EXPORT_DIR
#   stage 6  evaluation: dev WER per variant (dense, chunked, int8 simulated, adapter, CoDA r) -> RUN_DIR/eval/
#   stage 7  ship: EXPORT_DIR -> the --ship-dir folder, only when one is named (the shipped model is replaced only by
#            --ship-dir asr-model/models/NAME; without --ship-dir the export stays in EXPORT_DIR)
#
# Profiles (conf/*.sh): --cpu (default; 2.1M-param model for ~2 cores), --gpu (10.3M params, wall-time budgets),
# --smoke (tiny model on a handful of files; RUN_DIR and DATA default to runs/smoke/).
# Options:
#   --stage N / --stop-stage M   run stages N..M (default 0..7); --stages LIST runs only the listed stages, by number
#                                or name (synth, prepare, train, joint, coda, export, eval, ship; the old
#                                prepare,train,export = stages 1, 2, 5 and 7)
#   --run-dir DIR      experiment folder (default runs/<profile>); --data DIR (default data/; smoke: RUN_DIR/data)
#   --shared DIR       the shared data root (default ../shared/data next to the repository; carry/shared when that
#                      is missing and tools/make_carry.py packed a carry/)
#   --name NAME        model folder name (default conformer-ctc-small, --gpu: conformer-ctc-base)
#   --export-dir DIR   stage 5 output (default RUN_DIR/export/NAME); --ship-dir DIR stage 7 target (no default:
#                      stage 7 ships nothing without it)
#   --synthetic-hours H   stage 0 synthesizes H hours into DATA/synthetic (make_synthetic.sh); stage 1 adds
#                      DATA/synthetic whenever it holds a synthesis (summary.json); --synthetic DIR: another folder
#   --joint            run stage 3; stages 4-6 then use its backbone (RUN_DIR/joint/backbone-latest.pt)
#   --backbone FILE    a train.py checkpoint (or a hand-back's backbone.part0.pt) for stages 3-6 instead of stage 2's
#   --which best|latest   which stage-2 checkpoint stages 3-6 use (default best: lowest validation WER)
#   --from-handback DIR   what gpu_session.sh handed back: --backbone DIR/backbone.part0.pt, and DIR/coda.pt,
#                      DIR/coda-adapter.pt for stages 5-6 (e.g. --gpu --from-handback DIR --stage 5)
#   --coda FILE / --adapter-coda FILE   CoDA checkpoints for stages 5-6 (default RUN_DIR/coda/coda-latest.pt and
#                      RUN_DIR/coda-adapter/coda-latest.pt; the adapter one makes model.adapter.onnx)
#   --share-weights fp16|fp32|none   how stage 5 stores the weights the graphs share (default fp16)
#   --version V        version string of the exported graphs (default <date>-step<N>)
# Extra train.py flags after -- go to stage 2 (e.g. -- --init-from CKPT --frame-skip 0.3 --lr 2e-4).
# On a lent GPU machine with $OUT set, logs, the best model-only checkpoint and the export are copied into $OUT at
# the end. For the one-call remote GPU job (data, backbone with plateau check and retry, CoDA, timing, hand-back)
# use gpu_session.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-python3}"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null && PY="${PYTHON:-/usr/bin/python3}"

PROFILE=cpu; STAGE=0; STOP=7; STAGE_LIST=""; RUN_DIR=""; DATA=""; SHARED=""; NAME=""; EXPORT_DIR=""; SHIP_DIR=""
SYNTH_H=""; SYNTH_DIR=""; JOINT=0; GIVEN_BACKBONE=""; WHICH=best; HANDBACK=""; CODA=""; ADAPTER_CODA=""
SHARE=fp16; VERSION=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) PROFILE=cpu ;;
    --gpu) PROFILE=gpu ;;
    --smoke) PROFILE=smoke ;;
    --stage) STAGE="$2"; shift ;;
    --stop-stage) STOP="$2"; shift ;;
    --stages) STAGE_LIST="$2"; shift ;;
    --run-dir) RUN_DIR="$2"; shift ;;
    --data) DATA="$2"; shift ;;
    --shared) SHARED="$2"; shift ;;
    --name) NAME="$2"; shift ;;
    --export-dir) EXPORT_DIR="$2"; shift ;;
    --ship-dir) SHIP_DIR="$2"; shift ;;
    --synthetic-hours) SYNTH_H="$2"; shift ;;
    --synthetic) SYNTH_DIR="$2"; shift ;;
    --joint) JOINT=1 ;;
    --backbone) GIVEN_BACKBONE="$2"; shift ;;
    --which) WHICH="$2"; shift ;;
    --from-handback) HANDBACK="$2"; shift ;;
    --coda) CODA="$2"; shift ;;
    --adapter-coda) ADAPTER_CODA="$2"; shift ;;
    --share-weights) SHARE="$2"; shift ;;
    --version) VERSION="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) echo "unknown option $1 (run.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$SHARE" in fp16|fp32|none) ;; *) echo "--share-weights fp16|fp32|none" >&2; exit 2 ;; esac
case "$WHICH" in best|latest) ;; *) echo "--which best|latest" >&2; exit 2 ;; esac
abspath() { mkdir -p "$1" && (cd "$1" && pwd); }
RUN_DIR="$(abspath "${RUN_DIR:-$HERE/runs/$PROFILE}")"
if [ -z "$DATA" ]; then DATA="$HERE/data"; [ $PROFILE = smoke ] && DATA="$RUN_DIR/data"; fi
DATA="$(abspath "$DATA")"
NAME="${NAME:-conformer-ctc-$([ $PROFILE = gpu ] && echo base || echo small)}"
EXPORT_DIR="$(abspath "${EXPORT_DIR:-$RUN_DIR/export/$NAME}")"
SYNTH_DIR="${SYNTH_DIR:-$DATA/synthetic}"
if [ -n "$HANDBACK" ]; then
  GIVEN_BACKBONE="${GIVEN_BACKBONE:-$HANDBACK/backbone.part0.pt}"
  [ -n "$CODA" ] || [ ! -s "$HANDBACK/coda.pt" ] || CODA="$HANDBACK/coda.pt"
  [ -n "$ADAPTER_CODA" ] || [ ! -s "$HANDBACK/coda-adapter.pt" ] || ADAPTER_CODA="$HANDBACK/coda-adapter.pt"
fi
for v in GIVEN_BACKBONE CODA ADAPTER_CODA; do  # absolute, so the python scripts get paths that do not move
  [ -z "${!v}" ] || [ ! -e "${!v}" ] || printf -v "$v" '%s/%s' "$(cd "$(dirname "${!v}")" && pwd)" "$(basename "${!v}")"
done
source "$HERE/conf/$PROFILE.sh"

# stage selection: --stage/--stop-stage, or --stages with numbers or names
if [ -n "$STAGE_LIST" ]; then
  STAGE_LIST=",$(echo "$STAGE_LIST" | sed 's/synth/0/; s/prepare/1/; s/train/2/; s/joint/3/; s/coda/4/;
    s/export/5,7/; s/eval/6/; s/ship/7/'),"
fi
stage() {  # stage N: is stage N selected?
  if [ -n "$STAGE_LIST" ]; then [[ $STAGE_LIST == *",$1,"* ]]; else [ "$1" -ge "$STAGE" ] && [ "$1" -le "$STOP" ]; fi
}
say() { echo "== run.sh stage $*"; }

SHARED="${SHARED:-$(cd "$REPO/.." && pwd)/shared/data}"
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

# On a lent GPU machine, hand the results back through $OUT (model-only checkpoint, logs, exported model).
handback() {
  if [ -n "${OUT:-}" ] && [ -d "$OUT" ]; then
    mkdir -p "$OUT/run" && cp "$RUN_DIR"/*.log "$RUN_DIR"/*.tsv "$RUN_DIR"/config.json "$OUT/run/" 2>/dev/null || true
    cp "$RUN_DIR/checkpoints/best-model.pt" "$OUT/run/" 2>/dev/null || true
    [ -s "$EXPORT_DIR/model.onnx" ] && cp -r "$EXPORT_DIR" "$OUT/$NAME" || true
  fi
}
trap handback EXIT

# the dense backbone of stages 3-6: --backbone (a hand-back is unpacked once), else stage 2's checkpoint
dense_backbone() {
  if [ -n "$GIVEN_BACKBONE" ]; then
    case "$GIVEN_BACKBONE" in
      *.part0.pt)
        local ck="$RUN_DIR/handback/backbone.pt"
        if [ ! -s "$ck" ] || [ "$GIVEN_BACKBONE" -nt "$ck" ]; then
          mkdir -p "$RUN_DIR/handback" && "$PY" "$HERE/handback.py" unpack "$GIVEN_BACKBONE" "$ck" >&2
        fi
        echo "$ck" ;;
      *) echo "$GIVEN_BACKBONE" ;;
    esac
    return
  fi
  local ck="$RUN_DIR/checkpoints"
  if [ "$WHICH" = best ] && [ -s "$ck/best.pt" ]; then echo "$ck/best.pt"
  elif [ -s "$ck/latest" ]; then echo "$ck/$(cat "$ck/latest")"
  else echo "no checkpoint in $ck: run stage 2 or give --backbone" >&2; return 1
  fi
}
# ... and after stage 3, the routing-aware backbone instead
backbone() {
  if [ $JOINT = 1 ] && [ -s "$RUN_DIR/joint/backbone-latest.pt" ]; then echo "$RUN_DIR/joint/backbone-latest.pt"
  else dense_backbone; fi
}
coda_ckpt() { if [ -n "$CODA" ]; then echo "$CODA"; elif [ -s "$RUN_DIR/coda/coda-latest.pt" ]; then echo "$RUN_DIR/coda/coda-latest.pt"; fi; }
adapter_ckpt() {
  if [ -n "$ADAPTER_CODA" ]; then echo "$ADAPTER_CODA"
  elif [ -z "$CODA" ] && [ -s "$RUN_DIR/coda-adapter/coda-latest.pt" ]; then echo "$RUN_DIR/coda-adapter/coda-latest.pt"; fi
}

if stage 0; then
  if [ -n "$SYNTH_H" ]; then
    say "0: $SYNTH_H h of synthetic speech into $SYNTH_DIR"
    bash "$HERE/make_synthetic.sh" --out "$SYNTH_DIR" --hours "$SYNTH_H" --jobs "$JOBS" --seed 1234 --format flac \
      2>&1 | tee "$RUN_DIR/synthesize.log" | tail -n 3
  else
    say "0: skipped (no --synthetic-hours)"
  fi
fi

if stage 1; then
  SYNTH_ARG=()
  if [ -n "$SYNTH_H" ] || [ -s "$SYNTH_DIR/summary.json" ] || [ "$SYNTH_DIR" != "$DATA/synthetic" ]; then
    [ -d "$SYNTH_DIR" ] && SYNTH_ARG=(--synthetic "$SYNTH_DIR")
  fi
  say "1: data from $SHARED ${SYNTH_ARG[*]} -> $DATA"
  set +e  # skipped inputs are reported in prepare.log (and counted in DATA/summary.json), not on the terminal
  "$PY" "$HERE/prepare_data.py" --shared "$SHARED" --out "$DATA" --jobs "$JOBS" "${PREPARE_ARGS[@]}" "${SYNTH_ARG[@]}" \
    2>&1 | tee "$RUN_DIR/prepare.log" | grep -v SKIP
  rc=${PIPESTATUS[0]}; set -e
  [ "$rc" = 0 ] || { echo "stage 1 failed (rc $rc, see $RUN_DIR/prepare.log)" >&2; exit 1; }
fi

if stage 2; then
  if [ -n "$GIVEN_BACKBONE" ]; then
    say "2: skipped (--backbone $GIVEN_BACKBONE)"
  else
    say "2: dense training in $RUN_DIR"
    "$PY" "$HERE/train.py" --data "$DATA" --run-dir "$RUN_DIR" "${TRAIN_ARGS[@]}" "$@"
  fi
fi

if stage 3; then
  if [ $JOINT = 1 ]; then
    BB="$(dense_backbone)"
    say "3: routing-aware joint backbone stage from $BB in $RUN_DIR/joint"
    "$PY" "$HERE/train_coda.py" --backbone "$BB" --run-dir "$RUN_DIR/joint" --data "$DATA" "${JOINT_ARGS[@]}"
  else
    say "3: skipped (no --joint)"
  fi
fi

if stage 4; then
  BB="$(backbone)"
  INIT=()
  [ "$BB" = "$RUN_DIR/joint/backbone-latest.pt" ] && INIT=(--init-from "$RUN_DIR/joint/coda-latest.pt")
  say "4: CoDA routers/adapters (r $CODA_R) on $BB in $RUN_DIR/coda, then the r = 1 adapters in $RUN_DIR/coda-adapter"
  "$PY" "$HERE/train_coda.py" --backbone "$BB" --run-dir "$RUN_DIR/coda" --data "$DATA" "${CODA_ARGS[@]}" \
    --r-values "$CODA_R" "${INIT[@]}"
  "$PY" "$HERE/train_coda.py" --backbone "$BB" --run-dir "$RUN_DIR/coda-adapter" --data "$DATA" "${CODA_ARGS[@]}" \
    --r-values 1 "${ADAPTER_ARGS[@]}"
fi

if stage 5; then
  BB="$(backbone)"; C="$(coda_ckpt)"; A="$(adapter_ckpt)"
  say "5: export of $BB${C:+ + CoDA $C}${A:+ (r = 1 adapters $A)} into $EXPORT_DIR"
  V=(); [ -z "$VERSION" ] || V=(--version "$VERSION")
  "$PY" "$HERE/export_onnx.py" --checkpoint "$BB" --data "$DATA" --out "$EXPORT_DIR" --int8 "${V[@]}"
  # the cache-based streaming encoder, rebuilt from model.onnx itself so that both graphs hold the same weights
  # (fp32 and int8; the dense int8 graph is quantized again from the same weights, so both int8 graphs share theirs)
  "$PY" "$HERE/export_streaming.py" "$EXPORT_DIR" --int8 2>&1 | { grep -v -i "warning\|_C._jit\|^ *$" || true; }
  GRAPHS=(model.onnx model.streaming.onnx model.int8.onnx model.streaming.int8.onnx)
  if [ -n "$C" ]; then
    "$PY" "$HERE/export_coda.py" --backbone "$BB" --coda "$C" ${A:+--adapter-coda "$A"} --data "$DATA" \
      --out "$EXPORT_DIR" "${EXPORT_CODA_ARGS[@]}" "${V[@]}" 2>&1 | { grep -v -i "warning\|_C._jit\|^ *$" || true; }
    GRAPHS+=(model.adapter.onnx model.coda-r2.onnx model.coda-r4.onnx model.coda-r8.onnx)
  fi
  if [ "$SHARE" != none ]; then
    "$PY" "$HERE/share_weights.py" "$EXPORT_DIR" "${GRAPHS[@]}" $([ "$SHARE" = fp16 ] && echo --fp16)
  fi
  if [ -s "$EXPORT_DIR/coda-reference.json" ] && command -v java >/dev/null \
      && ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar >/dev/null 2>&1; then
    # every graph in ONNX Runtime vs torch (fp16-stored weights move log-probs by a few 1e-3; the selection is exact)
    ORT_CHECK_LIMIT=$([ "$SHARE" = fp16 ] && echo 1e-2 || echo 1e-3) "$HERE/tools/coda_ort_check.sh" "$EXPORT_DIR" \
      | grep "max|diff|"
  elif [ -n "$C" ]; then
    echo "(java or the onnxruntime jar in ~/.m2 missing: ONNX Runtime check skipped)"
  fi
  du -sh "$EXPORT_DIR"
fi

if stage 6; then
  BB="$(backbone)"; C="$(coda_ckpt)"; A="$(adapter_ckpt)"
  E="$RUN_DIR/eval"; mkdir -p "$E"
  say "6: dev WER per variant of $BB into $E"
  "$PY" "$HERE/decode.py" --checkpoint "$BB" --data "$DATA" --out "$E/dense.tsv" "${EVAL_ARGS[@]}"
  "$PY" "$HERE/decode.py" --checkpoint "$BB" --data "$DATA" --chunk 16 --left-chunks 4 --out "$E/dense-chunk16.tsv" \
    "${EVAL_ARGS[@]}"
  rm -f "$E/coda.json"
  if [ -n "$C" ]; then
    REF=(); [ "$BB" = "$RUN_DIR/joint/backbone-latest.pt" ] && REF=(--reference "$(dense_backbone)")
    "$PY" "$HERE/coda_eval.py" --backbone "$BB" --coda "$C" ${A:+--adapter-coda "$A"} --data "$DATA" --r 1,2,4,8 \
      "${REF[@]}" --out "$E/coda.json" "${EVAL_ARGS[@]}"
  fi
  "$PY" - "$E" "$EXPORT_DIR/model-card.json" > "$E/dev-wer.md" <<'PYEOF'
import json, os, sys
e, card = sys.argv[1], sys.argv[2]
rows = []
for name, f in [("dense, greedy", "dense.tsv.json"), ("dense, chunked attention (16 out frames, 4 left chunks)",
                                                      "dense-chunk16.tsv.json")]:
    d = json.load(open(os.path.join(e, f)))
    rows.append((name, d["wer"], d["cer"], "", d["utterances"]))
if os.path.exists(card):
    w = json.load(open(card)).get("dev", {}).get("wer_greedy_int8_simulated_percent")
    if w is not None:
        rows.append(("int8 graph simulated in torch (stage 5 card)", w, None, "", None))
if os.path.exists(os.path.join(e, "coda.json")):
    c = json.load(open(os.path.join(e, "coda.json")))
    for r, v in c["results"].items():
        rows.append(("parallel adapter (r=1)" if r == "1" else f"CoDA r={r}", v["wer"], v["cer"],
                     f"{v['kl_per_frame']:.3f} / {100 * v['processed']:.1f} %", c["utterances"]))
print("| variant | dev WER % | CER % | KL vs dense / layer-frames processed | utts |")
print("| --- | --- | --- | --- | --- |")
for n, w, c, k, u in rows:
    print(f"| {n} | {w:.2f} | {'' if c is None else f'{c:.2f}'} | {k} | {'' if u is None else u} |")
PYEOF
  cat "$E/dev-wer.md"
fi

if stage 7 && [ -z "$SHIP_DIR" ]; then
  say "7: nothing shipped (no --ship-dir); the export is in $EXPORT_DIR (--ship-dir asr-model/models/$NAME replaces the shipped model)"
  echo "score it in Java: ./asr eval librispeech ../shared/data/librispeech/LibriSpeech/test-other --model $EXPORT_DIR"
elif stage 7; then
  [ -s "$EXPORT_DIR/model.onnx" ] || { echo "stage 7: no $EXPORT_DIR/model.onnx (run stage 5)" >&2; exit 1; }
  if [ "$(abspath "$SHIP_DIR")" != "$EXPORT_DIR" ]; then
    SHIP_DIR="$(abspath "$SHIP_DIR")"
    for f in "$SHIP_DIR"/model*.onnx "$SHIP_DIR"/weights.bin; do  # graphs of an older export would be stale
      [ -e "$f" ] && [ ! -e "$EXPORT_DIR/$(basename "$f")" ] && { echo "removing stale $f"; rm -f "$f"; }
    done
    cp -f "$EXPORT_DIR"/* "$SHIP_DIR"/
  fi
  say "7: shipped into $SHIP_DIR"
  echo "score it in Java: ./asr eval librispeech ../shared/data/librispeech/LibriSpeech/test-other --model $SHIP_DIR"
fi
