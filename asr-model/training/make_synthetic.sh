#!/usr/bin/env bash
# Synthetic labelled speech for the recipe (run.sh stage 0; all options: synthesize.py --help), e.g.
#   asr-model/training/make_synthetic.sh --hours 1.5 --jobs 1 [--out DIR] [--seed 1234]
# Tools come from PATH (espeak-ng, flite, text2wave, sox). Where espeak-ng is missing (or SYNTH_USE_DEBS=1) and
# carry/debs/ holds the .debs of tools/fetch_synth_debs.sh, they are unpacked with `dpkg -x` (no root) into
# data/synth-tools/ and used through --tools-root.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
EXTRA=()
if [[ " $* " != *" --tools-root "* ]] && { [[ "${SYNTH_USE_DEBS:-0}" == 1 ]] || ! command -v espeak-ng >/dev/null; }; then
  if ! ls "$HERE"/carry/debs/*.deb >/dev/null 2>&1; then
    echo "espeak-ng not on PATH and no $HERE/carry/debs/*.deb: apt-get install espeak-ng sox (flite), or run" \
         "tools/fetch_synth_debs.sh on a machine with apt and carry carry/debs/" >&2
    exit 1
  fi
  TR="$HERE/data/synth-tools"
  if [[ ! -x "$TR/usr/bin/espeak-ng" ]]; then
    mkdir -p "$TR"
    for d in "$HERE"/carry/debs/*.deb; do dpkg -x "$d" "$TR"; done
    echo "unpacked $(ls "$HERE"/carry/debs/*.deb | wc -l) .debs into $TR"
  fi
  EXTRA=(--tools-root "$TR")
fi
exec "$PY" "$HERE/synthesize.py" "${EXTRA[@]}" "$@"
