#!/usr/bin/env bash
# Validates deploy/grafana/*.dashboard.json without Grafana:
#   1. JSON, schemaVersion >= 39, datasource variable, unique ids, grid layout without overlaps, defined variables
#   2. every query parses as PromQL (`promtool check rules` on the queries exported as recording rules, with the
#      dashboard variables replaced by sample values)
#   3. every vault_backup_* metric used is in the contract table (deploy/prometheus/README.md)
# promtool as in validate-prometheus.sh (skipped with a reason when unavailable; VAULT_BACKUP_REQUIRE_TOOLS=1
# makes that a failure). Exit 0 = all checks that ran passed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_LIB="$REPO_ROOT/deploy/tools/lib"
# shellcheck source=deploy/tools/lib/tools.sh
source "$TOOLS_LIB/tools.sh"

command -v node >/dev/null 2>&1 || { log "FAIL: node is required"; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { log "FAIL: $*"; failures=$((failures + 1)); }

PROMTOOL=""
PROMTOOL="$(ensure_promtool)" || { skip_or_fail "PromQL parsing of the dashboard queries (promtool unavailable)" || failures=$((failures + 1)); }

for dashboard in "$REPO_ROOT"/deploy/grafana/*.dashboard.json; do
  name="$(basename "$dashboard")"
  log ""
  log "== $name"
  if node "$TOOLS_LIB/check-dashboard.mjs" "$dashboard" "$WORK/$name.rules.yml" >"$WORK/out.log" 2>&1; then
    log "ok      structure: $(tail -1 "$WORK/out.log")"
  else
    cat "$WORK/out.log" >&2
    fail "$name structure"
    continue
  fi
  if [[ -n "$PROMTOOL" ]]; then
    if "$PROMTOOL" check rules "$WORK/$name.rules.yml" >"$WORK/promtool.log" 2>&1; then
      log "ok      every query parses ($(grep -o '[0-9]* rules found' "$WORK/promtool.log"))"
    else
      cat "$WORK/promtool.log" >&2
      fail "$name: a query does not parse (record names are dashboard:panel_<id>:<refId>)"
    fi
  fi
  if node "$TOOLS_LIB/check-metric-contract.mjs" "$REPO_ROOT/deploy/prometheus/README.md" --uses "$dashboard" >"$WORK/contract.log" 2>&1; then
    log "ok      $(tail -1 "$WORK/contract.log" | sed "s|$REPO_ROOT/||")"
  else
    cat "$WORK/contract.log" >&2
    fail "$name uses metrics outside the contract"
  fi
done

log ""
if [[ $failures -gt 0 ]]; then
  log "validate-grafana: $failures check(s) FAILED"
  exit 1
fi
log "validate-grafana: all checks passed"
