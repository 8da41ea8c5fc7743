#!/usr/bin/env bash
# Runs every default test: unit tests, topology tests, in-JVM Kafka integration tests (*IT) and the training smoke
# test. Slow real-model tests are tagged "slow" and run with: mvn verify -Pslow
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
