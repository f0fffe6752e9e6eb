#!/usr/bin/env bash
# Replays what the Dockerfile does, without Docker, and runs the result: the closest we get to "the image
# starts" on machines with no Docker engine.
#
#   1. build context = exactly the files .dockerignore lets through (list from dockerfile-check)
#   2. stage build:     npm install; bash scripts/build.sh; both entry points exist
#   3. stage prod-deps: npm install --omit=dev --ignore-scripts
#   4. runtime layout:  node_modules (prod only, no `node` package) + package.json + dist/libs + dist/services/X,
#                       owned by root and run as uid 10001 when possible (the image's read-only /app)
#   5. backup entry with an empty environment must exit 78 (bad configuration) with one clear line
#   6. simulator entry must listen (and generate its CCP test PKI with openssl) and stop 0 on SIGTERM
#   7. only when DATABASE_URL and KAFKA_BROKERS are set (e.g. `eval "$(deploy/local/stack.sh env)"`): the backup
#      entry starts for real, /health/live answers 200, /metrics is checked against the metric contract
#      (reported; --strict-contract makes gaps fail), SIGTERM drains and exits 0 within SHUTDOWN_TIMEOUT.
#
# Runs with the Node 24 the build stage installs (node_modules/.bin/node of the replayed build), like the
# image's own Node 24. Needs npm and network access to the npm registry. Takes a few minutes.
# Options: --keep (leave the work directory), --strict-contract, --allow-lock-drift (when `npm ci` refuses a
# package-lock.json that is out of sync with package.json, which fails `docker build` the same way, fall back to
# `npm install` in the temporary copy so the later steps still run; the run is then reported as failed anyway).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_LIB="$REPO_ROOT/deploy/tools/lib"
# shellcheck source=deploy/tools/lib/tools.sh
source "$TOOLS_LIB/tools.sh"

KEEP=0
STRICT_CONTRACT=0
ALLOW_LOCK_DRIFT=0
for argument in "$@"; do
  case "$argument" in
    --keep) KEEP=1 ;;
    --strict-contract) STRICT_CONTRACT=1 ;;
    --allow-lock-drift) ALLOW_LOCK_DRIFT=1 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) log "unknown argument: $argument"; exit 2 ;;
  esac
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vault-backup-image-XXXXXX")"
chmod 755 "$WORK"
declare -a PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ $KEEP == 1 ]]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
failures=0
fail() { log "FAIL: $*"; failures=$((failures + 1)); }
step() { log ""; log "== $*"; }
ms() { date +%s%3N; }

# Run as the image's user when we can (root + setpriv): proves nothing writes under /app.
AS_APP_USER=()
if [[ "$(id -u)" == 0 ]] && command -v setpriv >/dev/null 2>&1; then
  AS_APP_USER=(setpriv --reuid=10001 --regid=10001 --clear-groups)
fi

# npm_install_or_fail <dir> <stage> [npm options...]: npm install as the Dockerfile runs it. A lock file out of sync
# with package.json fails the image build the same way; with --allow-lock-drift the run goes on with
# `npm install` (same options) in the temporary copy, but still counts as failed.
npm_install_or_fail() {
  local dir=$1 stage=$2
  shift 2
  local log_file="$WORK/npm-${stage%% *}.log"
  if (cd "$dir" && npm install "$@" --no-audit --no-fund --loglevel=error >"$log_file" 2>&1); then
    return 0
  fi
  if ! grep -q 'can only install packages when your package.json and package-lock.json' "$log_file"; then
    tail -20 "$log_file" >&2
    log "FAIL: npm install ($stage)"
    return 1
  fi
  grep -E '^npm error (Missing|Invalid)' "$log_file" | head -6 >&2
  fail "$stage: package-lock.json is out of sync with package.json; npm ci refuses it, so docker build fails here too (fix: npm install, commit the lock)"
  [[ $ALLOW_LOCK_DRIFT == 1 ]] || return 1
  log "        --allow-lock-drift: continuing with npm install in the temporary copy"
  (cd "$dir" && npm install "$@" --no-audit --no-fund --loglevel=error >"$log_file" 2>&1) ||
    { tail -20 "$log_file" >&2; log "FAIL: npm install ($stage)"; return 1; }
}

# ------------------------------------------------------------------------------------------------ 1. context
step "build context (.dockerignore applied by dockerfile-check)"
CHECKER="$(ensure_dockerfile_check)" || { log "FAIL: dockerfile-check is needed for the context list"; exit 2; }
DOCKERFILE_CHECK_CONTEXT_LIST="$WORK/context.list" "$CHECKER" "$REPO_ROOT" >"$WORK/check.log" 2>&1 ||
  { cat "$WORK/check.log" >&2; log "FAIL: dockerfile-check"; exit 1; }
mkdir -p "$WORK/context"
tar -C "$REPO_ROOT" -cf - -T "$WORK/context.list" | tar -C "$WORK/context" -xf -
log "ok      $(wc -l <"$WORK/context.list") files copied"

# ------------------------------------------------------------------------------------------------ 2. build
step "stage build: npm ci + scripts/build.sh"
started=$(ms)
npm_install_or_fail "$WORK/context" "build stage" || exit 1
if ! (cd "$WORK/context" && touch node_modules/.package-lock.json && bash scripts/build.sh >"$WORK/build.log" 2>&1); then
  tail -30 "$WORK/build.log" >&2
  log "FAIL: scripts/build.sh (the build stage would fail the same way)"
  exit 1
fi
for entry in backup cyberark-simulator cli; do
  [[ -f "$WORK/context/dist/services/$entry/src/main.js" ]] || fail "dist/services/$entry/src/main.js was not built"
done
find "$WORK/context/dist" -name '*.tsbuildinfo*' -delete
NODE24="$WORK/context/node_modules/.bin/node"
log "ok      built in $(($(ms) - started)) ms with $("$NODE24" --version)"

# ------------------------------------------------------------------------------------------------ 3. prod-deps
step "stage prod-deps: npm ci --omit=dev --ignore-scripts"
mkdir -p "$WORK/prod-deps"
cp "$WORK/context/package.json" "$WORK/context/package-lock.json" "$WORK/prod-deps/"
npm_install_or_fail "$WORK/prod-deps" "prod-deps stage" --omit=dev --ignore-scripts || exit 1
[[ ! -e "$WORK/prod-deps/node_modules/node" ]] || fail "the node package is in the production dependencies"
log "ok      $(du -sh "$WORK/prod-deps/node_modules" | cut -f1) of production node_modules"

# ------------------------------------------------------------------------------------------------ 4. layout
# Node itself is copied out of the build so the runtime dirs contain no node_modules/.bin/node.
mkdir -p "$WORK/bin"
cp "$(readlink -f "$NODE24")" "$WORK/bin/node"
for target in backup cyberark-simulator; do
  app="$WORK/app-$target"
  mkdir -p "$app/dist/services"
  cp -a "$WORK/prod-deps/node_modules" "$app/node_modules"
  cp "$WORK/context/package.json" "$app/"
  cp -a "$WORK/context/dist/libs" "$app/dist/libs"
  cp -a "$WORK/context/dist/services/$target" "$app/dist/services/$target"
  chmod -R go-w "$app"
done
# The backup image also carries the admin CLI (its /usr/local/bin/vault-backup runs this entry).
cp -a "$WORK/context/dist/services/cli" "$WORK/app-backup/dist/services/cli"
chmod -R go-w "$WORK/app-backup/dist/services/cli"
mkdir -p "$WORK/tmp"
chmod 1777 "$WORK/tmp"
RUN_ENV=(env -i "PATH=$WORK/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" NODE_ENV=production "TMPDIR=$WORK/tmp" HOME=/nonexistent)

# ------------------------------------------------------------------------------------------------ 5. exit 78
step "backup entry without configuration exits 78"
set +e
(cd "$WORK/app-backup" && timeout 60 "${AS_APP_USER[@]}" "${RUN_ENV[@]}" node --enable-source-maps dist/services/backup/src/main.js) >"$WORK/exit78.log" 2>&1
code=$?
set -e
if [[ $code == 78 ]]; then
  log "ok      exit 78: $(grep -o '"msg":"[^"]*"' "$WORK/exit78.log" | head -1)"
else
  tail -20 "$WORK/exit78.log" >&2
  fail "expected exit code 78 for an empty environment, got $code (module resolution in the pruned layout?)"
fi

step "vault-backup CLI in the backup layout"
set +e
(cd "$WORK/app-backup" && timeout 60 "${AS_APP_USER[@]}" "${RUN_ENV[@]}" node --enable-source-maps dist/services/cli/src/main.js --help) >"$WORK/cli.log" 2>&1
code=$?
(cd "$WORK/app-backup" && timeout 60 "${AS_APP_USER[@]}" "${RUN_ENV[@]}" VAULT_BACKUP_API_URL=http://127.0.0.1:9 node dist/services/cli/src/main.js status --workspace ws-1) >"$WORK/cli-status.log" 2>&1
status_code=$?
set -e
if [[ $code == 0 ]] && grep -q '^Usage: vault-backup' "$WORK/cli.log"; then
  log "ok      vault-backup --help answers with production dependencies only"
else
  tail -20 "$WORK/cli.log" >&2
  fail "vault-backup --help failed in the backup layout (exit $code)"
fi
# Without a token it must stop with its own clear error (exit 1), not a module-resolution crash.
if [[ $status_code == 1 ]] && ! grep -q 'Cannot find module' "$WORK/cli-status.log"; then
  log "ok      vault-backup status without a token: $(head -1 "$WORK/cli-status.log")"
else
  tail -20 "$WORK/cli-status.log" >&2
  fail "vault-backup status without a token should exit 1 with a clear message, got $status_code"
fi

# ------------------------------------------------------------------------------------------------ 6. simulator
step "cyberark-simulator entry starts and stops"
(cd "$WORK/app-cyberark-simulator" && exec "${AS_APP_USER[@]}" "${RUN_ENV[@]}" SIMULATOR_HOST=127.0.0.1 SIMULATOR_PORT=0 SIMULATOR_CCP_PORT=0 \
  node --enable-source-maps dist/services/cyberark-simulator/src/main.js) >"$WORK/simulator.log" 2>&1 &
sim_pid=$!
PIDS+=("$sim_pid")
ready=""
for _ in $(seq 1 100); do
  ready="$(grep -m1 '"cyberark-simulator.listening"' "$WORK/simulator.log" || true)"
  [[ -n "$ready" ]] && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.2
done
if [[ -n "$ready" ]]; then
  port="$(sed -E 's/.*"httpPort":([0-9]+).*/\1/' <<<"$ready")"
  # The image's HEALTHCHECK command, with the port it found.
  if SIMULATOR_PORT="$port" "$WORK/bin/node" -e "require('node:net').connect(Number(process.env.SIMULATOR_PORT||18080),'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1)).setTimeout(2500,()=>process.exit(1))"; then
    log "ok      listening: $ready"
  else
    fail "simulator announced port $port but its healthcheck command cannot connect"
  fi
  kill -TERM "$sim_pid"
  set +e
  wait "$sim_pid"
  code=$?
  set -e
  if [[ $code == 0 ]]; then log "ok      SIGTERM -> exit 0"; else fail "simulator exited $code on SIGTERM"; fi
else
  tail -20 "$WORK/simulator.log" >&2
  fail "simulator did not announce that it listens"
fi

# ------------------------------------------------------------------------------------------------ 7. real start
if [[ -n "${DATABASE_URL:-}" && -n "${KAFKA_BROKERS:-}" ]]; then
  step "backup entry against DATABASE_URL / KAFKA_BROKERS"
  http_port="$("$WORK/bin/node" -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  (cd "$WORK/app-backup" && exec "${AS_APP_USER[@]}" "${RUN_ENV[@]}" \
    DATABASE_URL="$DATABASE_URL" KAFKA_BROKERS="$KAFKA_BROKERS" HTTP_HOST=127.0.0.1 HTTP_PORT="$http_port" \
    KAFKA_GROUP_ID="vault-backup-image-smoke-$$" KAFKA_ENSURE_TOPICS=true SHUTDOWN_TIMEOUT=25s \
    DATA_ENCRYPTION_KEYS="local-dev-1:bG9jYWwtZGV2LW9ubHktbm90LWEtc2VjcmV0LWtleSE=" \
    FINGERPRINT_KEY="bG9jYWwtZGV2LWZpbmdlcnByaW50LWtleS0wMDAwMDE=" \
    AUTH_JWKS_URL=http://127.0.0.1:9/jwks.json AUTH_ISSUER=smoke AUTH_AUDIENCE=smoke \
    node --enable-source-maps dist/services/backup/src/main.js) >"$WORK/backup.log" 2>&1 &
  backup_pid=$!
  PIDS+=("$backup_pid")
  live=""
  for _ in $(seq 1 180); do
    kill -0 "$backup_pid" 2>/dev/null || break
    if "$WORK/bin/node" -e "fetch('http://127.0.0.1:$http_port/health/live',{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
      live=1
      break
    fi
    sleep 0.5
  done
  if [[ -n "$live" ]]; then
    log "ok      /health/live 200"
    "$WORK/bin/node" -e "fetch('http://127.0.0.1:$http_port/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))" >"$WORK/metrics.txt"
    log "ok      /metrics: $(grep -c '^# TYPE vault_backup_' "$WORK/metrics.txt") vault_backup_* metric families"
    if node "$TOOLS_LIB/check-metric-contract.mjs" "$REPO_ROOT/deploy/prometheus/README.md" --scrape "$WORK/metrics.txt" >"$WORK/contract.log" 2>&1; then
      log "ok      scrape matches the metric contract"
    else
      sed 's/^/        /' "$WORK/contract.log" >&2
      if [[ $STRICT_CONTRACT == 1 ]]; then fail "metric contract"; else log "NOTE    metric contract gaps above (not failing without --strict-contract)"; fi
    fi
    started=$(ms)
    kill -TERM "$backup_pid"
    set +e
    wait "$backup_pid"
    code=$?
    set -e
    elapsed=$(($(ms) - started))
    if [[ $code == 0 && $elapsed -lt 30000 ]]; then
      log "ok      SIGTERM -> exit 0 after $elapsed ms"
    else
      tail -20 "$WORK/backup.log" >&2
      fail "SIGTERM: exit $code after $elapsed ms (expected 0 within SHUTDOWN_TIMEOUT + 5 s)"
    fi
  else
    tail -30 "$WORK/backup.log" >&2
    fail "backup never answered /health/live"
  fi
else
  step "backup entry against real dependencies"
  log "SKIPPED: set DATABASE_URL and KAFKA_BROKERS (eval \"\$(deploy/local/stack.sh env)\") to start it for real"
fi

log ""
if [[ $failures -gt 0 ]]; then
  log "smoke-image-layout: $failures check(s) FAILED"
  exit 1
fi
log "smoke-image-layout: all checks passed"
