#!/usr/bin/env bash
# The README's test command (`npm test`, also .ci/run): installs what is missing, runs every gate,
# builds, starts the real local stack, then runs the unit, integration and end-to-end tiers.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh

step() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "── $name" >&2
  "$@"
  echo "   $name ok ($((SECONDS - started)) s)" >&2
}

step "typecheck (tsc --noEmit)" tsc --noEmit -p tsconfig.json
step "lint (eslint, zero warnings)" eslint . --max-warnings 0
step "format (prettier --check)" prettier --check . --log-level warn
# shellcheck disable=SC2046 # the folders list is meant to split
step "dependency rules (dependency-cruiser)" depcruise $(ls -d services libs bench scripts 2>/dev/null) --config .dependency-cruiser.cjs --output-type err
step "build" bash scripts/build.sh

results="$(mktemp -t vault-backup-jest-XXXXXX.json)"
adversity="$(mktemp -t vault-backup-jest-adversity-XXXXXX.json)"
infrastructure="$(mktemp -t vault-backup-jest-infrastructure-XXXXXX.json)"
trap 'rm -f "$results" "$adversity" "$infrastructure"' EXIT
status=0
echo "── tests (unit, integration, e2e against a real Kafka and PostgreSQL)" >&2
if [ "$#" -gt 0 ]; then
  jest --ci --json --outputFile="$results" "$@" || status=$?
  node scripts/lib/print-test-summary.js "$results"
  exit "$status"
fi
# The adversity suite judges latency and isolation in wall-clock time: it runs on its own, one scenario at a
# time, so the other tiers' load (on 2 cores) cannot pass for a tenant's slowness.
# The infrastructure-fault suite stops and restarts a broker and a PostgreSQL of its own (a second stack
# instance, a Kafka JVM): it runs alone too, so that load does not slow the other tiers' services.
jest --ci --json --outputFile="$results" --testPathIgnorePatterns /node_modules/ /dist/ /services/backup/test/adversity/ \
  /services/backup/test/infrastructure/ || status=$?
echo "── adversity suite (alone, one scenario at a time)" >&2
jest --ci --json --outputFile="$adversity" --runInBand services/backup/test/adversity --selectProjects e2e \
  || status=$?
echo "── infrastructure faults (alone: a broker and a PostgreSQL of its own, stopped and restarted)" >&2
jest --ci --json --outputFile="$infrastructure" --runInBand services/backup/test/infrastructure --selectProjects e2e \
  || status=$?
node scripts/lib/print-test-summary.js "$results" "$adversity" "$infrastructure"
exit "$status"
