# syntax=docker/dockerfile:1.7
#
# vault-backup container images: one Dockerfile, two final targets.
#
#   docker build --target backup             -t vault-backup:dev .                      (also the default target)
#   docker build --target cyberark-simulator -t vault-backup-cyberark-simulator:dev .   (local dev / tests only)
#
# Base image: node:24-bookworm-slim rather than node:24-alpine. The developers' machines and CI run Debian 12
# (glibc), so the image uses the libc the tests ran on: no musl-only differences in the resolver (how Kafka and
# PostgreSQL host names are looked up) or in prebuilt native binaries, and `tini` comes from Debian's signed
# archive. The slim image is ~30 MB bigger than alpine; we accept that. Pin a digest in CI:
#   docker build --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest> ...
#
# Signals: tini is PID 1, forwards SIGTERM to node and reaps zombies. node then drains within SHUTDOWN_TIMEOUT.
# Read-only root filesystem: nothing is written under /app at run time (code and node_modules are owned by root
# and not writable by uid 10001); mount a tmpfs/emptyDir at /tmp if a library ever needs scratch space.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------------------
# build: full dependency tree (incl. devDependencies: typescript, tsc-alias), then `bash scripts/build.sh`.
# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
# Scripts stay enabled here: the `node` devDependency's install script fetches its Node 24 binary
# (scripts/lib/ensure-node.sh insists on node_modules/.bin/node being v24).
# `npm install` honours the lock file; `npm ci` is not used because the lock is produced on machines
# whose registry mirror serves no other-platform optional binaries (e.g. @swc/core-darwin-*), so npm ci
# would reject it as incomplete.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm install --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY libs/ libs/
COPY services/ services/
# ensure-node.sh re-runs the install when package-lock.json is newer than node_modules/.package-lock.json; the
# COPY above must not trigger that, so the marker is refreshed first. The checks fail the build early when an
# entry point moves.
RUN touch node_modules/.package-lock.json \
 && bash scripts/build.sh \
 && test -f dist/services/backup/src/main.js \
 && test -f dist/services/cyberark-simulator/src/main.js \
 && test -f dist/services/local-issuer/src/main.js \
 && test -f dist/services/cli/src/main.js \
 && test -f dist/services/backup/src/cli/migrate.js \
 && find dist -name '*.tsbuildinfo*' -delete

# ---------------------------------------------------------------------------------------------------------
# prod-deps: runtime dependencies only. --ignore-scripts: no production dependency needs its install script
# (@scarf/scarf is install-time telemetry, protobufjs' postinstall only prints a version hint).
# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# ---------------------------------------------------------------------------------------------------------
# runtime: shared base of both final images. The image's own Node 24 runs the code (the `node` npm package
# is a devDependency and is not in prod-deps). npm, npx, corepack and yarn are removed: nothing installs
# packages at run time, and their bundled dependencies are a frequent source of image-scanner findings.
# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=dev
ARG REVISION=unknown
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends tini; \
    rm -rf /var/lib/apt/lists/*; \
    rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
           /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg; \
    groupadd --system --gid 10001 vaultbackup; \
    useradd --system --no-log-init --uid 10001 --gid 10001 \
            --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin vaultbackup
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
# The build args reach the process too: the service exports them as vault_backup_build_info{version,revision}.
ENV VAULT_BACKUP_VERSION=${VERSION} \
    VAULT_BACKUP_REVISION=${REVISION}
LABEL org.opencontainers.image.title="vault-backup" \
      org.opencontainers.image.description="Disaster-recovery copy of workspace accounts in CyberArk Privilege Cloud, fed by Kafka" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="UNLICENSED"
# Numeric user so Kubernetes can verify runAsNonRoot without an /etc/passwd lookup.
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]

# ---------------------------------------------------------------------------------------------------------
# cyberark-simulator: fake CyberArk (identity + PVWA API + /_control on SIMULATOR_PORT, mTLS CCP on
# SIMULATOR_CCP_PORT). For local development and tests only, never deployed next to a real tenant.
# ---------------------------------------------------------------------------------------------------------
FROM runtime AS cyberark-simulator
# Without SIMULATOR_CCP_TLS_* files the simulator makes a short-lived test PKI with the openssl CLI, in /tmp.
USER root
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends openssl; \
    rm -rf /var/lib/apt/lists/*
USER 10001:10001
COPY --from=build /src/dist/libs ./dist/libs
COPY --from=build /src/dist/services/cyberark-simulator ./dist/services/cyberark-simulator
ENV SIMULATOR_HOST=0.0.0.0 \
    SIMULATOR_PORT=18080 \
    SIMULATOR_CCP_PORT=18443
EXPOSE 18080 18443
# A TCP connect is enough: the simulator has no dependency that could make it "up but unhealthy".
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('node:net').connect(Number(process.env.SIMULATOR_PORT||18080),'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1)).setTimeout(2500,()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/services/cyberark-simulator/src/main.js"]

# ---------------------------------------------------------------------------------------------------------
# local-issuer: a JWT issuer for local development (keys generated at start, never written). It refuses to
# start with NODE_ENV=production; never deploy it.
# ---------------------------------------------------------------------------------------------------------
FROM runtime AS local-issuer
COPY --from=build /src/dist/libs ./dist/libs
COPY --from=build /src/dist/services/local-issuer ./dist/services/local-issuer
ENV NODE_ENV=development \
    LOCAL_ISSUER_PORT=18090
EXPOSE 18090
CMD ["node", "--enable-source-maps", "dist/services/local-issuer/src/main.js"]

# ---------------------------------------------------------------------------------------------------------
# backup (default target): the backup consumer + admin HTTP API on HTTP_PORT (8080).
# Exit codes: 78 = bad configuration (fix the environment, do not restart-loop), 1 = start failure.
# ---------------------------------------------------------------------------------------------------------
FROM runtime AS backup
COPY --from=build /src/dist/libs ./dist/libs
COPY --from=build /src/dist/services/backup ./dist/services/backup
# The admin CLI for SREs (`kubectl exec … -- vault-backup status`): it calls the admin API on HTTP_PORT, its
# default http://127.0.0.1:8080. No XDG_RUNTIME_DIR here, so `login` keeps no token: pass VAULT_BACKUP_TOKEN.
COPY --from=build /src/dist/services/cli ./dist/services/cli
COPY --chmod=0755 <<'EOF' /usr/local/bin/vault-backup
#!/bin/sh
exec node --enable-source-maps /app/dist/services/cli/src/main.js "$@"
EOF
ENV HTTP_PORT=8080
EXPOSE 8080
# Liveness only (not readiness): a Kafka or PostgreSQL outage must not make Docker restart the container.
# Assumes HTTP_HOST is 0.0.0.0 (the default) or 127.0.0.1.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/services/backup/src/main.js"]
