#!/usr/bin/env bash
# Applies the database migrations to DATABASE_URL (default: the local stack's database).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh
if [[ -z "${DATABASE_URL:-}" ]]; then
  bash deploy/local/stack.sh up >&2
  eval "$(bash deploy/local/stack.sh env)"
fi
node -r @swc-node/register services/backup/src/cli/migrate.ts
