#!/usr/bin/env bash
# Pack the compact training set for a GPU machine into asr-model/training/carry/ (see make_carry.py).
exec "${PYTHON:-/usr/bin/python3}" "$(cd "$(dirname "$0")" && pwd)/make_carry.py" "$@"
