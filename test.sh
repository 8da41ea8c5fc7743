#!/usr/bin/env bash
# Runs every default test: unit tests, topology tests, in-JVM Kafka integration tests (*IT) and the training smoke
# test. Slow real-model tests are tagged "slow" and run with: mvn verify -Pslow
set -euo pipefail
cd "$(dirname "$0")"
# DCLint and the Compose specification's JSON schema it carries, for ComposeFileTest (no Docker engine runs here)
if command -v npm >/dev/null && [ ! -d .ci/tools/node_modules/dclint ]; then
  npm install --no-save --no-audit --no-fund --prefix .ci/tools dclint@3.1.0 >/dev/null \
    || echo "test.sh: could not fetch dclint with npm; ComposeFileTest will skip its schema and DCLint checks" >&2
fi
# the data folder the shared-data tests read (they skip without it): ../shared/data beside the repository by default
if [ -z "${ASR_DATA:-}" ] && [ -d ../shared/data ]; then
  export ASR_DATA="$(cd ../shared/data && pwd)"
fi
exec mvn -B -ntp verify "$@"
