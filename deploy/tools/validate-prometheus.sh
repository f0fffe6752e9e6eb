#!/usr/bin/env bash
# Validates deploy/prometheus without Docker:
#   1. promtool check rules alerts.yml
#   2. promtool test rules alerts.test.yml (unit tests)
#   3. every alert has a firing and a silent test case
#   4. every vault_backup_* metric the rules use is in the contract table (deploy/prometheus/README.md)
#   5. promtool check config prometheus.compose.yml
#   6. every runbook_url anchor has a section in runbooks.md
# With --metrics <file> (a /metrics scrape of a running service) it also runs
#   7. promtool check metrics (naming lint) and the contract check against the scrape.
# promtool comes from Debian's `prometheus` package, extracted (not installed) into
# ${VAULT_BACKUP_CACHE:-$HOME/.cache/vault-backup}/tools. Without promtool the promtool steps are skipped with
# the reason (VAULT_BACKUP_REQUIRE_TOOLS=1 makes that a failure). Exit 0 = all checks that ran passed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_LIB="$REPO_ROOT/deploy/tools/lib"
# shellcheck source=deploy/tools/lib/tools.sh
source "$TOOLS_LIB/tools.sh"

DIR="$REPO_ROOT/deploy/prometheus"
METRICS_FILE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --metrics) METRICS_FILE="${2:?--metrics needs a file}"; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done

failures=0
fail() { log "FAIL: $*"; failures=$((failures + 1)); }
step() { log ""; log "== $*"; }
run() { # run <description> <command...>: prints the command's output only when it fails
  local description=$1 output
  shift
  if output="$("$@" 2>&1)"; then
    log "ok      $description${output:+: $(tail -1 <<<"$output" | sed 's/^ *//')}"
  else
    log "$output"
    fail "$description"
  fi
}

PROMTOOL=""
if PROMTOOL="$(ensure_promtool)"; then
  log "promtool: $PROMTOOL ($("$PROMTOOL" --version 2>&1 | head -1))"
  step "rules"
  run "promtool check rules alerts.yml" "$PROMTOOL" check rules "$DIR/alerts.yml"
  step "unit tests"
  run "promtool test rules alerts.test.yml" "$PROMTOOL" test rules "$DIR/alerts.test.yml"
  step "compose scrape configuration"
  run "promtool check config prometheus.compose.yml" "$PROMTOOL" check config "$DIR/prometheus.compose.yml"
else
  skip_or_fail "promtool check/test (promtool unavailable)" || failures=$((failures + 1))
fi

if command -v node >/dev/null 2>&1; then
  step "test coverage and metric contract"
  run "every alert has a firing and a silent test" node "$TOOLS_LIB/check-alert-test-coverage.mjs" "$DIR/alerts.yml" "$DIR/alerts.test.yml"
  run "metrics used by alerts.yml are in the contract" node "$TOOLS_LIB/check-metric-contract.mjs" "$DIR/README.md" --uses "$DIR/alerts.yml"
else
  skip_or_fail "test-coverage and contract checks (node not found)" || failures=$((failures + 1))
fi

step "runbook links"
runbook_anchors="$(grep -o 'runbooks.md#[a-z0-9-]*' "$DIR/alerts.yml" | sed 's/.*#//' | sort -u)"
runbook_headings="$(grep -E '^## ' "$DIR/runbooks.md" | sed 's/^## //' | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9 -]//g; s/ /-/g' | sort -u)"
missing_anchors="$(comm -23 <(echo "$runbook_anchors") <(echo "$runbook_headings"))"
if [[ -z "$missing_anchors" ]]; then
  log "ok      every runbook_url has a section in runbooks.md ($(wc -l <<<"$runbook_anchors") anchors)"
else
  fail "runbook_url anchors without a section in runbooks.md: $(tr '\n' ' ' <<<"$missing_anchors")"
fi

if [[ -n "$METRICS_FILE" ]]; then
  step "scrape $METRICS_FILE"
  if [[ -n "$PROMTOOL" ]]; then
    # Lint findings fail, except prom-client's own default gauges named *_total, which the service cannot rename.
    lint="$("$PROMTOOL" check metrics <"$METRICS_FILE" 2>&1 || true)"
    known='^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$'
    remaining="$(grep -Ev "$known" <<<"$lint" | grep -v '^$' || true)"
    if [[ -z "$remaining" ]]; then
      log "ok      promtool check metrics ($(grep -cE "$known" <<<"$lint" || true) known prom-client default-metric findings ignored)"
    else
      log "$remaining"
      fail "promtool check metrics"
    fi
  fi
  if command -v node >/dev/null 2>&1; then
    if node "$TOOLS_LIB/check-metric-contract.mjs" "$DIR/README.md" --scrape "$METRICS_FILE"; then
      log "ok      scrape matches the contract"
    else
      fail "scrape does not match the contract (above)"
    fi
  fi
fi

log ""
if [[ $failures -gt 0 ]]; then
  log "validate-prometheus: $failures check(s) FAILED"
  exit 1
fi
log "validate-prometheus: all checks passed"
