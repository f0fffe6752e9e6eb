#!/usr/bin/env bash
# The README's demo command (`npm run demo`): builds, starts the local stack, then runs the main job
# end to end (CyberArk simulator, local issuer, vault-backup, admin setup, sample events).
# DEMO_EXIT=1 stops everything after showing the result (used to check that the demo works).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh
echo "── building" >&2
bash scripts/build.sh
echo "── starting the local stack (PostgreSQL, Kafka)" >&2
bash deploy/local/stack.sh up
exec node -r @swc-node/register scripts/demo/run-demo.ts
