# Sourced by the project's scripts: installs dependencies when they are missing or stale and puts
# the Node 24 binary from the `node` npm package first on PATH (the machines' system Node is 20).
# shellcheck shell=bash

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

ensure_dependencies() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found — install Node.js (any version with npm >= 10); the project brings its own Node 24" >&2
    return 1
  fi
  local marker="$repo_root/node_modules/.package-lock.json"
  if [[ ! -f "$marker" || "$repo_root/package-lock.json" -nt "$marker" ]]; then
    echo "installing dependencies (npm install, pinned by package-lock.json)…" >&2
    # Not `npm ci`: the registry our machines reach serves no other-platform optional binaries
    # (@swc/core-darwin-*, …), so the lock file cannot list them and npm ci would reject it.
    (cd "$repo_root" && npm install --no-audit --no-fund --loglevel=error) >&2
  fi
}

use_node24() {
  export PATH="$repo_root/node_modules/.bin:$PATH"
  local version
  version="$(node --version 2>/dev/null || true)"
  if [[ "$version" != v24.* ]]; then
    echo "Node 24 expected from node_modules/.bin/node but found '${version:-nothing}' — run 'npm install' again" >&2
    return 1
  fi
}

ensure_dependencies
use_node24
