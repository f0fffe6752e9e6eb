#!/usr/bin/env bash
# `npm run bench`: builds the service, makes sure the local Kafka + PostgreSQL stack is up, then runs
# the pipeline benchmark (bench/pipeline.bench.ts) against the compiled service. Arguments go to the
# bench, e.g. `npm run bench -- --no-fail` or `npm run bench -- --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh

echo "── build" >&2
bash scripts/build.sh

if [[ -z "${KAFKA_BROKERS:-}" || -z "${DATABASE_URL:-}" ]]; then
  echo "── local stack (deploy/local/stack.sh up)" >&2
  bash deploy/local/stack.sh up >&2
  eval "$(bash deploy/local/stack.sh env)"
fi

echo "── bench" >&2
exec node -r @swc-node/register bench/pipeline.bench.ts "$@"
