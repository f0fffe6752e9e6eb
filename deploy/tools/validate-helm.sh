#!/usr/bin/env bash
# Validates the Helm chart helm/vault-backup without Docker or a cluster:
#   1. files/alerts.yml and files/vault-backup.dashboard.json are copies of deploy/prometheus + deploy/grafana
#   2. helm lint --strict, for the default values and every helm/vault-backup/ci/*-values.yaml
#   3. helm template for each of them, plus render cases that must FAIL (missing existingSecret, ...)
#   4. rendered manifests against the Kubernetes OpenAPI schemas (kubernetes-validate --strict), per version
#   5. ServiceMonitor / PrometheusRule against the prometheus-operator CRD schemas
#   6. the rendered PrometheusRule's rules with `promtool check rules`
#   7. operational invariants (hardening, probes, grace period > SHUTDOWN_TIMEOUT, no secrets, the migration hook Job)
# Steps 4-7 are skipped, with the reason, when their tool cannot be had; VAULT_BACKUP_REQUIRE_TOOLS=1 turns
# such skips into failures. Tools are cached in ${VAULT_BACKUP_CACHE:-$HOME/.cache/vault-backup}/tools.
#
# Environment: VAULT_BACKUP_KUBE_VERSIONS (default "1.27.0 1.31.0 1.35.0"), VAULT_BACKUP_HELM,
# VAULT_BACKUP_PROMTOOL, VAULT_BACKUP_REQUIRE_TOOLS, VAULT_BACKUP_CACHE. Exit 0 = all checks that ran passed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_LIB="$REPO_ROOT/deploy/tools/lib"
# shellcheck source=deploy/tools/lib/tools.sh
source "$TOOLS_LIB/tools.sh"

CHART="$REPO_ROOT/helm/vault-backup"
KUBE_VERSIONS="${VAULT_BACKUP_KUBE_VERSIONS:-1.27.0 1.31.0 1.35.0}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { log "FAIL: $*"; failures=$((failures + 1)); }
step() { log ""; log "== $*"; }

# ------------------------------------------------------------------------------------------------ 1. copies
step "chart copies of the alert rules and the dashboard"
for pair in "deploy/prometheus/alerts.yml:files/alerts.yml" "deploy/grafana/vault-backup.dashboard.json:files/vault-backup.dashboard.json"; do
  source_file="$REPO_ROOT/${pair%%:*}"
  chart_file="$CHART/${pair##*:}"
  if cmp -s "$source_file" "$chart_file"; then
    log "ok      ${pair##*:} == ${pair%%:*}"
  else
    fail "helm/vault-backup/${pair##*:} differs from ${pair%%:*}; run: cp ${pair%%:*} helm/vault-backup/${pair##*:}"
  fi
done

# ------------------------------------------------------------------------------------------------ 2+3. helm
HELM="$(ensure_helm)" || { log "FAIL: helm is required: see the reason above"; exit 2; }
log "helm: $HELM ($("$HELM" version --short 2>/dev/null))"
lint_kube_version="${KUBE_VERSIONS##* }"

declare -a cases=()
for values in "$CHART"/ci/*-values.yaml; do cases+=("$values"); done
[[ ${#cases[@]} -gt 0 ]] || { log "FAIL: no helm/vault-backup/ci/*-values.yaml"; exit 2; }

step "helm lint --strict"
for values in "${cases[@]}"; do
  if "$HELM" lint "$CHART" --strict -f "$values" --kube-version "$lint_kube_version" >"$WORK/lint.log" 2>&1; then
    log "ok      lint $(basename "$values")"
  else
    cat "$WORK/lint.log" >&2
    fail "helm lint with $(basename "$values")"
  fi
done

step "helm template"
declare -a rendered=()
for values in "${cases[@]}"; do
  name="$(basename "$values" .yaml)"
  for kube_version in $KUBE_VERSIONS; do
    out="$WORK/$name-$kube_version.yaml"
    if "$HELM" template vault-backup "$CHART" -n vault-backup -f "$values" --kube-version "$kube_version" >"$out" 2>"$WORK/template.log"; then
      rendered+=("$out")
    else
      cat "$WORK/template.log" >&2
      fail "helm template with $name (Kubernetes $kube_version)"
    fi
  done
  log "ok      template $name ($(grep -c '^kind:' "$WORK/$name-${lint_kube_version}.yaml" 2>/dev/null || echo 0) objects)"
done

# Renders that must be refused, with the message the operator will see.
expect_render_failure() {
  local description=$1 expected=$2
  shift 2
  if "$HELM" template vault-backup "$CHART" "$@" >/dev/null 2>"$WORK/neg.log"; then
    fail "render should fail: $description"
  elif grep -qF "$expected" "$WORK/neg.log"; then
    log "ok      refused: $description"
  else
    cat "$WORK/neg.log" >&2
    fail "render failed for another reason than expected: $description"
  fi
}
step "renders that must be refused"
expect_render_failure "no existingSecret" "existingSecret is required" --set config.KAFKA_BROKERS=k:9092
expect_render_failure "no KAFKA_BROKERS" "config.KAFKA_BROKERS is required" --set existingSecret=s
expect_render_failure "a secret in config" "DATABASE_URL is a secret" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set config.DATABASE_URL=postgres://x
expect_render_failure "SHUTDOWN_TIMEOUT in config" "config.SHUTDOWN_TIMEOUT is set by the chart" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set config.SHUTDOWN_TIMEOUT=10s
expect_render_failure "the loopback test switch in a cluster" "CYBERARK_ALLOW_INSECURE_LOOPBACK is a demo/test switch" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set-string config.CYBERARK_ALLOW_INSECURE_LOOPBACK=true
expect_render_failure "the Key Vault loopback switch in a cluster" "KEY_VAULT_ALLOW_INSECURE_LOOPBACK is a demo/test switch" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set-string config.KEY_VAULT_ALLOW_INSECURE_LOOPBACK=true
expect_render_failure "a Key Vault simulator address in a cluster" "KEY_VAULT_CONNECT_TO points Key Vault or Entra ID at a simulator" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set-string config.KEY_VAULT_CONNECT_TO=127.0.0.1:8443
expect_render_failure "migrating at start while the migration Job is on" "config.DATABASE_MIGRATE_ON_START=true contradicts migrationJob.enabled" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set-string config.DATABASE_MIGRATE_ON_START=true
expect_render_failure "a typo in a values key (values.schema.json)" "additional properties" \
  --set existingSecret=s --set config.KAFKA_BROKERS=k:9092 --set replicaCuont=3

# ------------------------------------------------------------------------------------------------ 4. schemas
step "Kubernetes schemas (kubernetes-validate --strict)"
if KUBERNETES_VALIDATE="$(ensure_kubernetes_validate)"; then
  for out in "${rendered[@]}"; do
    kube_version="${out##*-}"
    kube_version="${kube_version%.yaml}"
    minor="${kube_version%.*}"
    if "$KUBERNETES_VALIDATE" -k "$minor" --strict --quiet "$out" >"$WORK/kv.log" 2>&1; then
      # Only the prometheus-operator kinds may lack a schema (checked in step 5).
      if grep -v "Couldn't find schema for kind \(PrometheusRule\|ServiceMonitor\) with api version monitoring.coreos.com/v1" "$WORK/kv.log" | grep -q .; then
        cat "$WORK/kv.log" >&2
        fail "kubernetes-validate warnings for $(basename "$out")"
      else
        log "ok      $(basename "$out") against Kubernetes $minor"
      fi
    else
      cat "$WORK/kv.log" >&2
      fail "kubernetes-validate: $(basename "$out")"
    fi
  done
else
  skip_or_fail "Kubernetes schema validation (kubernetes-validate unavailable)" || failures=$((failures + 1))
fi

# ------------------------------------------------------------------------------------------------ 5+7. CRDs, policy
MODELS=""
if MODELS="$(ensure_prometheus_operator_models)" && command -v node >/dev/null 2>&1; then
  step "prometheus-operator CRD schemas"
  for out in "${rendered[@]}"; do
    [[ "$out" == *"-$lint_kube_version.yaml" ]] || continue
    if node "$TOOLS_LIB/validate-prometheus-operator-crs.mjs" "$MODELS" "$out" >"$WORK/crd.log" 2>&1; then
      log "ok      $(basename "$out"): $(tail -1 "$WORK/crd.log")"
    else
      cat "$WORK/crd.log" >&2
      fail "prometheus-operator resources in $(basename "$out")"
    fi
  done
  step "operational invariants"
  for out in "${rendered[@]}"; do
    [[ "$out" == *"-$lint_kube_version.yaml" ]] || continue
    if node "$TOOLS_LIB/check-chart-policy.mjs" "$MODELS" "$out" >"$WORK/policy.log" 2>&1; then
      log "ok      $(basename "$out"): $(tail -1 "$WORK/policy.log")"
    else
      cat "$WORK/policy.log" >&2
      fail "policy check of $(basename "$out")"
    fi
  done
else
  skip_or_fail "CRD schema and policy checks (node or @kubernetes-models/prometheus-operator unavailable)" || failures=$((failures + 1))
fi

# ------------------------------------------------------------------------------------------------ 6. rules
step "rules of the rendered PrometheusRule (promtool check rules)"
if PROMTOOL="$(ensure_promtool)"; then
  rule_values="$CHART/ci/all-features-values.yaml"
  if "$HELM" template vault-backup "$CHART" -f "$rule_values" --show-only templates/prometheusrule.yaml >"$WORK/prometheusrule.yaml" 2>"$WORK/pr.log"; then
    # The object's spec is {groups: [...]}, exactly a Prometheus rule file once de-indented.
    awk 'found { sub(/^  /, ""); print } /^spec:/ { found = 1 }' "$WORK/prometheusrule.yaml" >"$WORK/prometheusrule.rules.yml"
    if "$PROMTOOL" check rules "$WORK/prometheusrule.rules.yml" >"$WORK/promtool.log" 2>&1; then
      log "ok      $(grep -o 'SUCCESS.*' "$WORK/promtool.log")"
    else
      cat "$WORK/promtool.log" >&2
      fail "promtool check rules on the rendered PrometheusRule"
    fi
  else
    cat "$WORK/pr.log" >&2
    fail "rendering templates/prometheusrule.yaml"
  fi
else
  skip_or_fail "promtool check of the rendered PrometheusRule (promtool unavailable)" || failures=$((failures + 1))
fi

log ""
if [[ $failures -gt 0 ]]; then
  log "validate-helm: $failures check(s) FAILED"
  exit 1
fi
log "validate-helm: all checks passed"
