#!/usr/bin/env bash
# Compiles services and libs to dist/ and rewrites the @vault-backup/* path aliases to relative paths.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh
tsc -p tsconfig.build.json
tsc-alias -p tsconfig.build.json
