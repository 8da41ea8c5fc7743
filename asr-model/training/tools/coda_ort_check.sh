#!/usr/bin/env bash
# Run the exported graphs of a folder that holds coda-reference.json (export_coda.py --tiny-random writes one) in
# ONNX Runtime (Java, the jar from the local Maven repository) and compare with the torch reference outputs.
# Usage: tools/coda_ort_check.sh [DIR]   (default: asr-model/src/test/resources/models/tiny-coda)
# ORT_CHECK_LIMIT: the largest log-prob difference accepted (default 1e-3; graphs whose shared weights were stored as
# fp16 after the torch reference was taken differ by a few 1e-3, so run.sh passes 1e-2 for them)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${1:-$HERE/../../src/test/resources/models/tiny-coda}"
JAR="${ORT_JAR:-$(ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar | sort -V | tail -1)}"
TMP="$(mktemp)"
trap 'rm -f "$TMP"' EXIT
"${PYTHON:-/usr/bin/python3}" - "$DIR/coda-reference.json" "$TMP" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
def flat(x):
    return [v for a in x for v in (flat(a) if isinstance(a, list) else [a])]
with open(sys.argv[2], "w") as f:
    f.write(" ".join(map(str, flat(r["features"]))) + "\n" + " ".join(map(str, r["feature_lengths"])) + "\n")
    for name, o in r["outputs"].items():
        f.write(name + "\n" + " ".join(map(str, flat(o["log_probs"]))) + "\n")
        f.write(" ".join(map(str, o["log_prob_lengths"])) + "\n" + " ".join(map(str, flat(o.get("coda_selected", [])))) + "\n")
PYEOF
java -cp "$JAR" "$HERE/CodaOrtCheck.java" "$DIR" "$TMP" "${ORT_CHECK_LIMIT:-1e-3}"
