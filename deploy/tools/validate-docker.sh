#!/usr/bin/env bash
# Validates Dockerfile, .dockerignore and docker-compose.yml without a Docker daemon:
#   1. Dockerfile: BuildKit's `docker build --check` rules, a full Dockerfile-to-LLB conversion per target with
#      assertions on the image config, and the .dockerignore'd build context (deploy/tools/dockerfile-check,
#      BuildKit used as a Go library; built once into the tools cache).
#   2. docker-compose.yml: `docker compose config -q` for the default and the observability profile (the
#      compose CLI plugin when present, else Docker Compose built from the Go module proxy into the cache).
#   3. compose invariants: healthchecks behind every `service_healthy`, ports bound to 127.0.0.1, a stop grace
#      period longer than SHUTDOWN_TIMEOUT, hardening of the project's own services.
# Steps whose tool cannot be had are skipped with the reason (VAULT_BACKUP_REQUIRE_TOOLS=1 makes that a
# failure). Needs Go >= 1.26.8 to build the tools the first time. Exit 0 = all checks that ran passed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_LIB="$REPO_ROOT/deploy/tools/lib"
# shellcheck source=deploy/tools/lib/tools.sh
source "$TOOLS_LIB/tools.sh"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { log "FAIL: $*"; failures=$((failures + 1)); }
step() { log ""; log "== $*"; }

# ------------------------------------------------------------------------------------------------ 1. Dockerfile
step "Dockerfile and .dockerignore (BuildKit frontend, no daemon)"
if CHECKER="$(ensure_dockerfile_check)"; then
  if "$CHECKER" "$REPO_ROOT" >"$WORK/dockerfile.log" 2>&1; then
    sed 's/^/        /' "$WORK/dockerfile.log" >&2
  else
    cat "$WORK/dockerfile.log" >&2
    fail "Dockerfile / .dockerignore"
  fi
else
  skip_or_fail "Dockerfile checks (dockerfile-check unavailable)" || failures=$((failures + 1))
fi

# ------------------------------------------------------------------------------------------------ 2+3. compose
step "docker-compose.yml"
if COMPOSE="$(ensure_compose)"; then
  read -r -a compose_cmd <<<"$COMPOSE"
  log "compose: ${compose_cmd[*]} ($("${compose_cmd[@]}" version --short 2>/dev/null || true))"
  for profile in "" observability; do
    label="${profile:-default}"
    args=(-f "$REPO_ROOT/docker-compose.yml" --project-directory "$REPO_ROOT")
    [[ -n "$profile" ]] && args+=(--profile "$profile")
    if "${compose_cmd[@]}" "${args[@]}" config -q 2>"$WORK/compose.log"; then
      log "ok      docker compose config -q (profile $label)"
    else
      cat "$WORK/compose.log" >&2
      fail "docker compose config (profile $label)"
      continue
    fi
    "${compose_cmd[@]}" "${args[@]}" config --format json >"$WORK/compose-$label.json" 2>/dev/null
    if node "$TOOLS_LIB/check-compose.mjs" "$WORK/compose-$label.json" >"$WORK/compose-check.log" 2>&1; then
      log "ok      compose invariants (profile $label): $(tail -1 "$WORK/compose-check.log")"
    else
      cat "$WORK/compose-check.log" >&2
      fail "compose invariants (profile $label)"
    fi
  done
else
  skip_or_fail "docker compose config (no compose plugin, and Docker Compose could not be built)" || failures=$((failures + 1))
fi

log ""
if [[ $failures -gt 0 ]]; then
  log "validate-docker: $failures check(s) FAILED"
  exit 1
fi
log "validate-docker: all checks passed"
