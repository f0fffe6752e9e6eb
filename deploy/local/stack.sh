#!/usr/bin/env bash
# Local test/demo stack for vault-backup: PostgreSQL + Apache Kafka (KRaft), no Docker.
#
#   stack.sh up [--with-kafka4]   start what is missing (idempotent, ~instant when all answers)
#   stack.sh down                 stop what this script started
#   stack.sh status               one line per component
#   stack.sh env                  print export lines (DATABASE_URL, KAFKA_BROKERS, KAFKA4_BROKERS)
#   stack.sh logs                 print log file paths
#   stack.sh stop|start kafka|kafka4|postgres             stop or start one component (fault injection)
#   stack.sh restart kafka|kafka4|postgres [--down-for N] stop it, wait N seconds (default 0), start it
#
# See deploy/local/README.md for ports and environment variables.
set -euo pipefail

# ---------------------------------------------------------------------------
# Settings (each one overridable from the environment)
# ---------------------------------------------------------------------------
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
STATE_DIR=${VAULT_BACKUP_STATE_DIR:-$REPO_ROOT/.local-stack}
CACHE_DIR=${VAULT_BACKUP_CACHE:-$HOME/.cache/vault-backup}
LOG_DIR=$STATE_DIR/logs
RUN_DIR=$STATE_DIR/run

KAFKA3_VERSION=${VAULT_BACKUP_KAFKA_VERSION:-3.9.1}
# 4.3.1 is the newest 4.x whose whole dependency closure resolves on Maven Central
# (4.4.0 is listed in the metadata but kafka-tools-api:4.4.0 is missing).
KAFKA4_VERSION=${VAULT_BACKUP_KAFKA4_VERSION:-4.3.1}
# Ports: a second instance (own VAULT_BACKUP_STATE_DIR) needs ports of its own.
KAFKA3_PORT=${KAFKA3_PORT:-19092} KAFKA3_CONTROLLER_PORT=${KAFKA3_CONTROLLER_PORT:-19093}
KAFKA4_PORT=${KAFKA4_PORT:-29092} KAFKA4_CONTROLLER_PORT=${KAFKA4_CONTROLLER_PORT:-29093}
KAFKA_READY_TIMEOUT=${VAULT_BACKUP_KAFKA_TIMEOUT:-90}
MVN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

PG_PORT=${PG_PORT:-55432}
PG_USER=vault_backup PG_PASSWORD=vault_backup PG_DB=vault_backup
PG_DATA=$STATE_DIR/pg
PG_SOCKET_DIR=$STATE_DIR/pg-socket
PG_LOG=$LOG_DIR/postgres.log
LOCAL_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() { printf '%s\n' "$*" >&2; exit 1; }

# Millisecond clock for the timings printed by `up`.
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }

# True when something accepts a TCP connection on host:port.
tcp_open() {
  # shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
  timeout 2 bash -c ': >"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# True when host:port speaks the Kafka protocol: send an ApiVersions v0 request
# (correlation id 7) and check that the reply echoes the correlation id. Every
# broker version answers this before authentication, and it tells a Kafka
# broker apart from any other program sitting on the port.
kafka_answers() {
  # shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x07\x00\x02vb" >&3
    reply=$(head -c 8 <&3 | od -An -tx1 | tr -d " \n")
    [[ ${reply:8:8} == 00000007 ]]
  ' "$1" "$2" 2>/dev/null
}

# Splits "host:port" / "[v6]:port" into "host port".
split_hostport() {
  local hp=$1 host port
  port=${hp##*:}
  host=${hp%:*}
  host=${host#[}
  host=${host%]}
  echo "$host $port"
}

# True when every broker of a comma-separated host:port list accepts TCP.
brokers_answer() {
  local list=$1 hp host port
  [[ -n $list ]] || return 1
  IFS=, read -ra hps <<<"$list"
  for hp in "${hps[@]}"; do
    read -r host port <<<"$(split_hostport "${hp// /}")"
    tcp_open "$host" "$port" || return 1
  done
}

# Prints "host port" of a postgres:// URL (defaults: localhost 5432).
pg_url_hostport() {
  local rest=${1#*://}
  rest=${rest%%[/?]*}
  rest=${rest##*@}
  [[ $rest == *:* ]] || rest=$rest:5432
  [[ $rest == :* ]] && rest=localhost$rest
  split_hostport "$rest"
}

# The URL without its password, for status lines.
redact_url() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

# True when process $1 is alive and its command line contains $2.
pid_matches() {
  local pid=$1 needle=$2
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  grep -qaF -- "$needle" "/proc/$pid/cmdline" 2>/dev/null
}

# A killed process stays a zombie until it is reaped (some container inits reap
# only every few seconds) and PostgreSQL takes a zombie's pid for a live
# postmaster: wait up to 10 s for such a pid to vanish.
wait_zombie_reaped() {
  local pid=$1 stat i
  for ((i = 0; i < 40; i++)); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    [[ ${stat%% *} == Z ]] || return 0
    sleep 0.25
  done
}

# True while process $1 exists and is not a zombie (its command line may not
# show the program yet: setsid execs java a moment after the fork).
pid_alive() {
  local stat
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Prints the pid of a running process whose command line contains both $1 and $2.
# ($2 also keeps the grep itself, whose arguments contain $1, out of the result.)
find_pid_by_cmdline() {
  local f pid
  while read -r f; do
    pid=${f#/proc/}
    pid=${pid%%/*}
    if pid_matches "$pid" "$2"; then
      echo "$pid"
      return 0
    fi
  done < <(grep -laF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null)
  return 1
}

# Prints the last lines of a log, indented, after a one-line error.
show_log_tail() {
  [[ -f $1 ]] || return 0
  tail -n "${2:-12}" "$1" | sed 's/^/  | /' >&2
}

ensure_state_dirs() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  # Keeps the state dir out of git even before it is listed in .gitignore.
  [[ -f $STATE_DIR/.gitignore ]] || echo '*' >"$STATE_DIR/.gitignore"
}

# Serialises `up`/`down`: two concurrent `up` calls must not both start a broker.
# fd 9 stays open until the script exits; every child we start closes it (9>&-),
# otherwise a long-lived broker would hold the lock forever.
take_lock() {
  command -v flock >/dev/null || die "stack: flock not found — install util-linux (apt-get install util-linux)"
  exec 9>"$RUN_DIR/stack.lock"
  if ! flock -n 9; then
    warn "stack: another stack.sh is running, waiting for it (lock $RUN_DIR/stack.lock)"
    flock -w 900 9 || die "stack: gave up waiting for $RUN_DIR/stack.lock after 900 s"
  fi
}

# ---------------------------------------------------------------------------
# Java / Maven
# ---------------------------------------------------------------------------
java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java || return 1
  fi
}

# Prints the Java feature version (8, 11, 17, ...).
java_major() {
  local v
  v=$("$1" -version 2>&1 | sed -nE '1s/.*version "([^"]+)".*/\1/p')
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

# Checks the JDK for the given Kafka version; sets JAVA.
require_java() {
  local kver=$1 need=11 major
  [[ $kver == 3.* ]] || need=17
  JAVA=$(java_bin) ||
    die "kafka-$kver: java not found — install a JDK $need+ (apt-get install openjdk-17-jre-headless), set JAVA_HOME, or set KAFKA_BROKERS=host:port"
  major=$(java_major "$JAVA")
  [[ $major =~ ^[0-9]+$ && $major -ge $need ]] ||
    die "kafka-$kver: $JAVA is Java ${major:-?}, Kafka $kver needs Java $need+ — install openjdk-17-jre-headless or set JAVA_HOME"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
# Prefers /usr/lib/postgresql/<newest>/bin (on some machines /usr/local/bin holds
# odd initdb/pg_ctl wrappers), then pg_config --bindir.
pg_bindir() {
  local d best=""
  if [[ -n ${VAULT_BACKUP_PG_BINDIR:-} ]]; then
    echo "$VAULT_BACKUP_PG_BINDIR"
    return 0
  fi
  while read -r d; do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && best=$d
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [[ -z $best ]] && command -v pg_config >/dev/null; then
    d=$(pg_config --bindir 2>/dev/null) || d=""
    [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && best=$d
  fi
  [[ -n $best ]] || return 1
  echo "$best"
}

pg_isready_bin() {
  local d
  if d=$(pg_bindir) && [[ -x $d/pg_isready ]]; then echo "$d/pg_isready"; else command -v pg_isready; fi
}

# True when the server behind a URL accepts connections (pg_isready, else TCP).
pg_url_answers() {
  local isready host port
  if isready=$(pg_isready_bin); then
    "$isready" -q -t 3 -d "$1" >/dev/null 2>&1
  else
    read -r host port <<<"$(pg_url_hostport "$1")"
    tcp_open "$host" "$port"
  fi
}

pg_local_answers() {
  local isready
  isready=$(pg_isready_bin) || return 1
  "$isready" -q -t 3 -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1
}

# Pid of the postmaster running on OUR data directory, if any.
pg_our_pid() {
  local pid
  [[ -f $PG_DATA/postmaster.pid ]] || return 1
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 1
  pid_matches "$pid" postgres || return 1
  echo "$pid"
}

# PostgreSQL refuses to run as root: as root we use the `postgres` OS user.
pg_os_user() {
  if ((EUID == 0)); then echo postgres; else id -un; fi
}

# Runs a command as the postgres OS user, from a directory that user can read.
as_pg() {
  if ((EUID == 0)); then
    (cd "$STATE_DIR" && runuser -u postgres -- env LC_ALL=C "$@")
  else
    (cd "$STATE_DIR" && env LC_ALL=C "$@")
  fi
}

# Makes sure initdb/pg_ctl/postgres exist; installs them with apt when root.
pg_ensure_binaries() {
  PG_BIN=$(pg_bindir) && return 0
  ((EUID == 0)) ||
    die "postgres: server binaries not found — install PostgreSQL (sudo apt-get install postgresql) or set DATABASE_URL=postgres://user:pass@host:port/db"
  command -v apt-get >/dev/null ||
    die "postgres: server binaries not found and apt-get is unavailable — install PostgreSQL or set DATABASE_URL"
  say "postgres: installing server binaries (apt-get install postgresql, log $LOG_DIR/apt.log)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; } \
    </dev/null >>"$LOG_DIR/apt.log" 2>&1 9>&- ||
    die "postgres: apt-get install postgresql failed (see $LOG_DIR/apt.log) — install it by hand or set DATABASE_URL"
  PG_BIN=$(pg_bindir) || die "postgres: installed postgresql but found no initdb under /usr/lib/postgresql/*/bin — set VAULT_BACKUP_PG_BINDIR"
}

pg_ensure_os_user() {
  ((EUID == 0)) || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres ||
    die "postgres: could not create the 'postgres' OS user (useradd failed)"
}

# Data dir, socket dir and log file must belong to the postgres OS user.
pg_prepare_dirs() {
  local user
  user=$(pg_os_user)
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  touch "$PG_LOG"
  chown "$user:" "$PG_DATA" "$PG_SOCKET_DIR" "$PG_LOG"
  chmod 700 "$PG_DATA"
  as_pg test -w "$PG_DATA" ||
    die "postgres: OS user '$user' cannot write $PG_DATA (a parent directory is not reachable) — set VAULT_BACKUP_STATE_DIR to e.g. /var/tmp/vault-backup-stack"
}

pg_initdb() {
  local pwfile=$STATE_DIR/.pg-initdb.pw
  [[ -s $PG_DATA/PG_VERSION ]] && return 0
  say "postgres: creating cluster in $PG_DATA"
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  chown "$(pg_os_user):" "$pwfile"
  chmod 600 "$pwfile"
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C --no-sync \
    </dev/null >>"$PG_LOG" 2>&1 9>&-; then
    rm -f "$pwfile"
    die "postgres: initdb failed (see $PG_LOG)"
  fi
  rm -f "$pwfile"
}

# Our settings live in their own file, rewritten on every start, so changing
# them here takes effect on the next start without touching postgresql.conf.
pg_write_config() {
  local sockdirs=$PG_SOCKET_DIR
  # Unix socket paths are limited to ~107 bytes; fall back to TCP only.
  ((${#PG_SOCKET_DIR} + 20 < 107)) || sockdirs=""
  cat >"$PG_DATA/vault_backup_stack.conf" <<EOF
# Written by deploy/local/stack.sh: a throw-away test/demo cluster, durability off.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sockdirs'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  chown "$(pg_os_user):" "$PG_DATA/vault_backup_stack.conf"
  grep -q "vault_backup_stack.conf" "$PG_DATA/postgresql.conf" ||
    echo "include_if_exists = 'vault_backup_stack.conf'" >>"$PG_DATA/postgresql.conf"
}

# A postmaster.pid left by a killed server: wait out a zombie; drop the file if
# its pid now belongs to some other program (postgres would refuse to start).
pg_clear_stale_lock() {
  local pid
  [[ -f $PG_DATA/postmaster.pid ]] || return 0
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 0
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  wait_zombie_reaped "$pid"
  if [[ -d /proc/$pid ]] && ! pid_matches "$pid" postgres; then
    rm -f "$PG_DATA/postmaster.pid"
  fi
}

pg_start() {
  local pid
  pg_clear_stale_lock
  # shellcheck disable=SC2094  # pg_ctl and its own messages both append to the log on purpose
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start </dev/null >>"$PG_LOG" 2>&1 9>&- || {
    warn "postgres: pg_ctl start failed (see $PG_LOG):"
    show_log_tail "$PG_LOG" 8
    exit 1
  }
  pid=$(pg_our_pid) || die "postgres: started but no postmaster found (see $PG_LOG)"
  echo "$pid" >"$RUN_DIR/postgres.pid"
}

pg_ensure_database() {
  local exists
  exists=$(PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -Atqc \
    "select 1 from pg_database where datname = '$PG_DB'" 2>>"$PG_LOG") ||
    die "postgres: cannot log in as $PG_USER on 127.0.0.1:$PG_PORT (see $PG_LOG) — delete $PG_DATA to recreate the cluster"
  [[ $exists == 1 ]] && return 0
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -qc \
    "create database $PG_DB" >>"$PG_LOG" 2>&1 || die "postgres: create database $PG_DB failed (see $PG_LOG)"
}

# One word (+pid) describing PostgreSQL: external | ours PID | foreign | stuck PID | blocked | down
pg_state() {
  local pid
  if [[ -n ${DATABASE_URL:-} && $DATABASE_URL != "$LOCAL_DATABASE_URL" ]] && pg_url_answers "$DATABASE_URL"; then
    echo external
    return
  fi
  pid=$(pg_our_pid) || pid=""
  if pg_local_answers; then
    if [[ -n $pid ]]; then echo "ours $pid"; else echo foreign; fi
  elif [[ -n $pid ]]; then
    echo "stuck $pid"
  elif tcp_open 127.0.0.1 "$PG_PORT"; then
    echo blocked
  else
    echo down
  fi
}

# True when our credentials work on whatever answers on the local port.
pg_local_credentials_work() {
  [[ -n ${PG_BIN:-} ]] || PG_BIN=$(pg_bindir) || return 1
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -Atqc 'select 1' >/dev/null 2>&1
}

pg_up() {
  local state t0
  t0=$(now_ms)
  state=$(pg_state)
  case $state in
    external)
      say "postgres: using DATABASE_URL $(redact_url "$DATABASE_URL") (not managed here)"
      return 0 ;;
    ours*)
      say "postgres: up on 127.0.0.1:$PG_PORT (pid ${state#ours })"
      echo "${state#ours }" >"$RUN_DIR/postgres.pid"
      return 0 ;;
    foreign)
      pg_local_credentials_work ||
        die "postgres: 127.0.0.1:$PG_PORT is served by another PostgreSQL (not $PG_DATA) that rejects $PG_USER — stop it or set DATABASE_URL"
      say "postgres: up on 127.0.0.1:$PG_PORT (started outside $STATE_DIR, not managed here)"
      return 0 ;;
    blocked)
      die "postgres: port 127.0.0.1:$PG_PORT is taken by something that is not PostgreSQL — free it or set DATABASE_URL" ;;
    stuck*)
      die "postgres: our postmaster (pid ${state#stuck }) runs but does not accept connections — see $PG_LOG, or run 'stack.sh down' and retry" ;;
  esac
  if [[ -n ${DATABASE_URL:-} && $DATABASE_URL != "$LOCAL_DATABASE_URL" ]]; then
    warn "postgres: DATABASE_URL $(redact_url "$DATABASE_URL") does not answer — starting a local cluster instead"
  fi
  rm -f "$RUN_DIR/postgres.pid"
  pg_ensure_binaries
  pg_ensure_os_user
  pg_prepare_dirs
  pg_initdb
  pg_write_config
  pg_start
  pg_ensure_database
  say "postgres: started on 127.0.0.1:$PG_PORT (pid $(cat "$RUN_DIR/postgres.pid"), $(($(now_ms) - t0)) ms)"
}

pg_down() {
  local pid
  rm -f "$RUN_DIR/postgres.pid"
  pid=$(pg_our_pid) || { say "postgres: not running from $PG_DATA"; return 0; }
  PG_BIN=$(pg_bindir) || die "postgres: pid $pid runs but pg_ctl is not found — kill it by hand"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop </dev/null >>"$PG_LOG" 2>&1 9>&- ||
    die "postgres: pg_ctl stop failed (see $PG_LOG)"
  say "postgres: stopped (pid $pid)"
}

# ---------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------
# Per-version layout. State (config, data) lives in $STATE_DIR, jars in the cache.
kafka_home() { echo "$STATE_DIR/kafka-$1"; }
kafka_libs() { echo "$CACHE_DIR/kafka-$1/libs"; }
kafka_log() { echo "$LOG_DIR/kafka-$1.log"; }
kafka_pidfile() { echo "$RUN_DIR/kafka-$1.pid"; }
kafka_port() { if [[ $1 == 3.* ]]; then echo "$KAFKA3_PORT"; else echo "$KAFKA4_PORT"; fi; }
kafka_controller_port() { if [[ $1 == 3.* ]]; then echo "$KAFKA3_CONTROLLER_PORT"; else echo "$KAFKA4_CONTROLLER_PORT"; fi; }

# Identifies our broker by its server.properties path on the command line.
# Read-only (status and env call it without the lock); `up`/`down` fix pid files.
kafka_our_pid() {
  local ver=$1 pid cfg
  cfg=$(kafka_home "$ver")/server.properties
  pid=$(cat "$(kafka_pidfile "$ver")" 2>/dev/null) || pid=""
  if pid_matches "$pid" "$cfg" && pid_matches "$pid" kafka.Kafka; then
    echo "$pid"
    return 0
  fi
  # Pid file missing or stale: a broker of ours may still be running.
  find_pid_by_cmdline "$cfg" kafka.Kafka
}

# One word (+pid): ours PID | foreign | starting PID | blocked | down
kafka_state() {
  local ver=$1 pid port cport
  port=$(kafka_port "$ver")
  cport=$(kafka_controller_port "$ver")
  pid=$(kafka_our_pid "$ver") || pid=""
  if kafka_answers 127.0.0.1 "$port"; then
    if [[ -n $pid ]]; then echo "ours $pid"; else echo foreign; fi
  elif [[ -n $pid ]]; then
    echo "starting $pid"
  elif tcp_open 127.0.0.1 "$port" || tcp_open 127.0.0.1 "$cport"; then
    echo blocked
  else
    echo down
  fi
}

# Dependencies of the generated pom: the broker plus its logging backend, which
# the kafka_2.13 POM does not declare (3.x: reload4j; 4.x: log4j2 slf4j binding
# matching the log4j-core version kafka itself pulls in).
kafka_pom() {
  local ver=$1 log4j2=${2:-}
  cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <!-- Generated by vault-backup deploy/local/stack.sh; only used to collect broker jars. -->
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.vault-backup</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>$ver</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$ver</version></dependency>
EOF
  if [[ $ver == 3.* ]]; then
    cat <<EOF
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
EOF
  elif [[ -n $log4j2 ]]; then
    cat <<EOF
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$log4j2</version></dependency>
EOF
  fi
  echo '  </dependencies>'
  echo '</project>'
}

kafka_mvn_copy() {
  local dir=$1 out=$2 mlog=$3
  (cd "$dir" && mvn -q -B -f pom.xml "$MVN_DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$out") </dev/null >>"$mlog" 2>&1 9>&- 8>&-
}

# Collects the broker jars once into the cache (marker file .complete).
kafka_resolve_jars() {
  local ver=$1 dir libs tmp mlog log4j2
  dir=$CACHE_DIR/kafka-$ver
  libs=$dir/libs
  [[ -f $libs/.complete ]] && return 0
  command -v mvn >/dev/null ||
    die "kafka-$ver: mvn not found — install Maven (apt-get install maven) or set KAFKA_BROKERS=host:port"
  mkdir -p "$dir" || die "kafka-$ver: cannot create $dir — set VAULT_BACKUP_CACHE to a writable directory"
  # The cache may be shared by several checkouts, which do not share our state lock.
  exec 8>"$dir/.lock"
  flock -w 900 8 || die "kafka-$ver: timed out waiting for $dir/.lock"
  if [[ ! -f $libs/.complete ]]; then
    mlog=$LOG_DIR/maven-kafka-$ver.log
    tmp=$dir/libs.tmp.$$
    say "kafka-$ver: resolving broker jars from Maven Central into $libs (log $mlog)"
    rm -rf "$tmp"
    kafka_pom "$ver" >"$dir/pom.xml"
    kafka_mvn_copy "$dir" "$tmp" "$mlog" ||
      die "kafka-$ver: Maven could not resolve org.apache.kafka:kafka_2.13:$ver (see $mlog) — check access to Maven Central (~/.m2/settings.xml) or set KAFKA_BROKERS=host:port"
    if [[ $ver != 3.* ]]; then
      log4j2=$(find "$tmp" -maxdepth 1 -name 'log4j-core-*.jar' -printf '%f\n' | sed -E 's/^log4j-core-(.*)\.jar$/\1/' | head -n 1)
      [[ -n $log4j2 ]] || die "kafka-$ver: no log4j-core among the resolved jars (see $mlog) — cannot pick the log4j2 slf4j binding"
      kafka_pom "$ver" "$log4j2" >"$dir/pom.xml"
      kafka_mvn_copy "$dir" "$tmp" "$mlog" ||
        die "kafka-$ver: Maven could not resolve log4j-slf4j-impl:$log4j2 (see $mlog) — check access to Maven Central"
    fi
    touch "$tmp/.complete"
    rm -rf "$libs"
    mv "$tmp" "$libs"
  fi
  exec 8>&-
}

# Single-node KRaft (broker+controller), loopback only, tuned for fast tests.
kafka_write_server_properties() {
  local ver=$1 home port cport
  home=$(kafka_home "$ver")
  port=$(kafka_port "$ver")
  cport=$(kafka_controller_port "$ver")
  cat >"$home/server.properties" <<EOF
# Written by deploy/local/stack.sh (rewritten on every start).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$home/data
auto.create.topics.enable=true
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
# After an unclean stop (kill -9, reboot) the controller keeps the old broker
# registration until its session expires (default 9 s); shorten that wait.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4500
EOF
  # Share-group internal topic: 4.x only (3.9 would warn about unknown keys).
  [[ $ver == 3.* ]] || cat >>"$home/server.properties" <<EOF
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
EOF
}

# Logging goes to one file, never to the console (the console is /dev/null anyway).
kafka_write_log_config() {
  local ver=$1 home log
  home=$(kafka_home "$ver")
  log=$(kafka_log "$ver")
  if [[ $ver == 3.* ]]; then
    cat >"$home/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$log
log4j.appender.file.Append=true
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.zookeeper=WARN
EOF
  else
    cat >"$home/log4j2.properties" <<EOF
status = warn
name = vault-backup-kafka
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $log
appender.file.filePattern = $log.%i
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
  fi
}

kafka_log_opt() {
  local home
  home=$(kafka_home "$1")
  if [[ $1 == 3.* ]]; then echo "-Dlog4j.configuration=file:$home/log4j.properties"; else echo "-Dlog4j2.configurationFile=$home/log4j2.properties"; fi
}

# Formats the storage once; the cluster id is generated here (16 random bytes,
# base64url without padding, Kafka's Uuid format) to save a JVM start.
kafka_format() {
  local ver=$1 home id log
  home=$(kafka_home "$ver")
  log=$(kafka_log "$ver")
  [[ -f $home/data/meta.properties ]] && return 0
  # A leading '-' would be read as an option by the tool, so draw again.
  while [[ ! -s $home/cluster.id || $(head -c 1 "$home/cluster.id") == - ]]; do
    head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$home/cluster.id"
  done
  id=$(cat "$home/cluster.id")
  "$JAVA" -Xmx256m "$(kafka_log_opt "$ver")" -cp "$(kafka_libs "$ver")/*" kafka.tools.StorageTool \
    format -t "$id" -c "$home/server.properties" --ignore-formatted </dev/null >>"$log" 2>&1 9>&- || {
    warn "kafka-$ver: storage format failed (see $log):"
    show_log_tail "$log" 8
    exit 1
  }
}

# Starts the broker detached (own session, no inherited stdout/stderr/lock) so it
# outlives this script and never keeps a caller such as `npm test` waiting.
kafka_launch() {
  local ver=$1 home log
  home=$(kafka_home "$ver")
  log=$(kafka_log "$ver")
  setsid "$JAVA" -server -Xms256m -Xmx512m \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR" "$(kafka_log_opt "$ver")" \
    -cp "$(kafka_libs "$ver")/*" kafka.Kafka "$home/server.properties" \
    </dev/null >>"$log" 2>&1 9>&- 8>&- &
  KAFKA_PID[$ver]=$!
  echo "$!" >"$(kafka_pidfile "$ver")"
}

# Waits for "Kafka Server started" (or the RUNNING transition) in the part of
# the log written since $2, and for the port to answer the Kafka protocol.
kafka_wait_ready() {
  local ver=$1 offset=$2 t0=$3 pid log port deadline
  log=$(kafka_log "$ver")
  port=$(kafka_port "$ver")
  pid=${KAFKA_PID[$ver]}
  deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      rm -f "$(kafka_pidfile "$ver")"
      warn "kafka-$ver: broker exited during start-up — see $log:"
      show_log_tail "$log"
      exit 1
    fi
    # (process substitution, not a pipe: grep -q would SIGPIPE tail under pipefail)
    if grep -q -e 'Kafka Server started' -e 'Transitioning from RECOVERY to RUNNING' \
      < <(tail -c +"$((offset + 1))" "$log" 2>/dev/null) &&
      kafka_answers 127.0.0.1 "$port"; then
      say "kafka-$ver: started on 127.0.0.1:$port (pid $pid, $(($(now_ms) - t0)) ms)"
      return 0
    fi
    sleep 0.5
  done
  warn "kafka-$ver: not ready after ${KAFKA_READY_TIMEOUT}s (pid $pid left running: 'up' again waits for it, 'down' stops it) — see $log:"
  show_log_tail "$log"
  exit 1
}

# Brings one broker up without waiting. When a start (or a start already in
# progress) still has to be waited for, records "<log offset> <t0 ms> [port-only]"
# in KAFKA_PLAN[<version>] for kafka_finish_up.
declare -A KAFKA_PLAN=() KAFKA_PID=()
kafka_begin_up() {
  local ver=$1 home state port offset t0
  home=$(kafka_home "$ver")
  port=$(kafka_port "$ver")
  state=$(kafka_state "$ver")
  case $state in
    ours* | starting*) echo "${state#* }" >"$(kafka_pidfile "$ver")" ;;  # (re)adopt
    *) rm -f "$(kafka_pidfile "$ver")" ;;                                # stale
  esac
  case $state in
    ours*)
      say "kafka-$ver: up on 127.0.0.1:$port (pid ${state#ours })"
      return 0 ;;
    foreign)
      die "kafka-$ver: 127.0.0.1:$port is served by a Kafka broker not started from $STATE_DIR — stop it, or set KAFKA_BROKERS=127.0.0.1:$port to use it" ;;
    blocked)
      die "kafka-$ver: port 127.0.0.1:$port or :$(kafka_controller_port "$ver") is taken by something that does not speak Kafka — free it or set KAFKA_BROKERS=host:port" ;;
    starting*)
      # Alive but not answering yet (e.g. an earlier `up` timed out): wait on the port only.
      KAFKA_PLAN[$ver]="0 $(now_ms) port-only"
      return 0 ;;
  esac
  t0=$(now_ms)
  require_java "$ver"
  kafka_resolve_jars "$ver"
  mkdir -p "$home/data"
  kafka_write_server_properties "$ver"
  kafka_write_log_config "$ver"
  touch "$(kafka_log "$ver")"
  offset=$(stat -c %s "$(kafka_log "$ver")")
  kafka_format "$ver"
  kafka_launch "$ver"
  say "kafka-$ver: starting on 127.0.0.1:$port (log $(kafka_log "$ver"))"
  KAFKA_PLAN[$ver]="$offset $t0"
}

kafka_finish_up() {
  local ver=$1 offset t0 mode port deadline
  [[ -n ${KAFKA_PLAN[$ver]:-} ]] || return 0
  read -r offset t0 mode <<<"${KAFKA_PLAN[$ver]}"
  if [[ ${mode:-} == port-only ]]; then
    port=$(kafka_port "$ver")
    deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
    until kafka_answers 127.0.0.1 "$port"; do
      ((SECONDS < deadline)) || die "kafka-$ver: our broker (pid $(cat "$(kafka_pidfile "$ver")")) runs but 127.0.0.1:$port does not answer — see $(kafka_log "$ver"), or run 'stack.sh down' and retry"
      sleep 0.5
    done
    say "kafka-$ver: up on 127.0.0.1:$port"
  else
    kafka_wait_ready "$ver" "$offset" "$t0"
  fi
}

kafka_stop() {
  local ver=$1 pid i
  pid=$(kafka_our_pid "$ver") || { say "kafka-$ver: not running"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  # Controlled shutdown of a single node takes a few seconds; then give up politely.
  for ((i = 0; i < 60; i++)); do
    pid_matches "$pid" kafka.Kafka || break
    sleep 0.5
  done
  if pid_matches "$pid" kafka.Kafka; then
    kill -KILL "$pid" 2>/dev/null || true
    say "kafka-$ver: killed (pid $pid, no clean shutdown within 30 s)"
  else
    say "kafka-$ver: stopped (pid $pid)"
  fi
  rm -f "$(kafka_pidfile "$ver")"
}

# Versions with a pid file or state dir (to stop brokers of older versions too).
kafka_known_versions() {
  local f v
  {
    echo "$KAFKA3_VERSION"
    echo "$KAFKA4_VERSION"
    for f in "$RUN_DIR"/kafka-*.pid "$STATE_DIR"/kafka-*/server.properties; do
      [[ -e $f ]] || continue
      v=${f%.pid}
      v=${v%/server.properties}
      echo "${v##*kafka-}"
    done
  } | awk '!seen[$0]++'
}

# True when a broker list from the caller's environment is to be used as is: it
# answers, and it is not merely the address of our own broker (a sourced stack.env).
kafka_external() {
  local list=$1 ver=$2
  [[ -n $list ]] || return 1
  if [[ $list == "127.0.0.1:$(kafka_port "$ver")" && $(kafka_state "$ver") == ours* ]]; then
    return 1
  fi
  brokers_answer "$list"
}

# `up` for one broker: use the caller's broker list ($1 names the variable) when
# it answers, otherwise start (or find) our own.
kafka_plan_broker() {
  local var=$1 ver=$2 list
  list=${!var:-}
  if kafka_external "$list" "$ver"; then
    say "kafka-$ver: using $var=$list (not managed here)"
    return 0
  fi
  if [[ -n $list && $list != "127.0.0.1:$(kafka_port "$ver")" ]]; then
    warn "kafka-$ver: $var=$list does not answer — starting a local broker instead"
  fi
  kafka_begin_up "$ver"
}

# ---------------------------------------------------------------------------
# What is currently usable (shared by env, status and up)
# ---------------------------------------------------------------------------
# Sets DB_URL_NOW, BROKERS_NOW, BROKERS4_NOW to the addresses that answer now.
resolve_current() {
  local state
  DB_URL_NOW="" BROKERS_NOW="" BROKERS4_NOW=""
  state=$(pg_state)
  case $state in
    external) DB_URL_NOW=$DATABASE_URL ;;
    ours* | foreign) DB_URL_NOW=$LOCAL_DATABASE_URL ;;
  esac
  if kafka_external "${KAFKA_BROKERS:-}" "$KAFKA3_VERSION"; then
    BROKERS_NOW=$KAFKA_BROKERS
  elif [[ $(kafka_state "$KAFKA3_VERSION") == ours* ]]; then
    BROKERS_NOW=127.0.0.1:$KAFKA3_PORT
  fi
  if kafka_external "${KAFKA4_BROKERS:-}" "$KAFKA4_VERSION"; then
    BROKERS4_NOW=$KAFKA4_BROKERS
  elif [[ $(kafka_state "$KAFKA4_VERSION") == ours* ]]; then
    BROKERS4_NOW=127.0.0.1:$KAFKA4_PORT
  fi
}

env_lines() {
  [[ -z $DB_URL_NOW ]] || printf 'export DATABASE_URL=%q\n' "$DB_URL_NOW"
  [[ -z $BROKERS_NOW ]] || printf 'export KAFKA_BROKERS=%q\n' "$BROKERS_NOW"
  [[ -z $BROKERS4_NOW ]] || printf 'export KAFKA4_BROKERS=%q\n' "$BROKERS4_NOW"
}

# ---------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------
cmd_up() {
  local with4=0 arg t0
  for arg in "$@"; do
    case $arg in
      --with-kafka4) with4=1 ;;
      *) die "stack: unknown option for up: $arg (only --with-kafka4)" ;;
    esac
  done
  t0=$(now_ms)
  ensure_state_dirs
  take_lock

  # PostgreSQL first (a second or less); the brokers are launched together and
  # only then waited for, so their JVM start-ups overlap.
  pg_up
  kafka_plan_broker KAFKA_BROKERS "$KAFKA3_VERSION"
  ((with4 == 0)) || kafka_plan_broker KAFKA4_BROKERS "$KAFKA4_VERSION"

  kafka_finish_up "$KAFKA3_VERSION"
  ((with4 == 0)) || kafka_finish_up "$KAFKA4_VERSION"

  resolve_current
  [[ -n $DB_URL_NOW && -n $BROKERS_NOW ]] || die "stack: a component stopped answering right after start — run 'stack.sh status'"
  env_lines >"$STATE_DIR/stack.env.tmp"
  mv "$STATE_DIR/stack.env.tmp" "$STATE_DIR/stack.env"
  say "stack: ready in $(($(now_ms) - t0)) ms — env in $STATE_DIR/stack.env (or: eval \"\$($0 env)\")"
}

cmd_down() {
  local ver
  ensure_state_dirs
  take_lock
  while read -r ver; do
    kafka_stop "$ver"
  done < <(kafka_known_versions)
  pg_down
  rm -f "$STATE_DIR/stack.env"
}

cmd_status() {
  local state ok=0 ext=0 ver label host port
  ensure_state_dirs
  state=$(pg_state)
  case $state in
    external)
      read -r host port <<<"$(pg_url_hostport "$DATABASE_URL")"
      printf '%-13s %-5s %s\n' postgres up "$host:$port (DATABASE_URL, not managed here)" ;;
    ours*) printf '%-13s %-5s %s\n' postgres up "127.0.0.1:$PG_PORT db=$PG_DB user=$PG_USER (pid ${state#ours })" ;;
    foreign) printf '%-13s %-5s %s\n' postgres up "127.0.0.1:$PG_PORT (not started from $STATE_DIR)" ;;
    stuck*) printf '%-13s %-5s %s\n' postgres down "127.0.0.1:$PG_PORT (pid ${state#stuck } not accepting connections)"; ok=1 ;;
    blocked) printf '%-13s %-5s %s\n' postgres down "127.0.0.1:$PG_PORT (port taken by something else)"; ok=1 ;;
    *) printf '%-13s %-5s %s\n' postgres down "127.0.0.1:$PG_PORT"; ok=1 ;;
  esac
  if kafka_external "${KAFKA_BROKERS:-}" "$KAFKA3_VERSION"; then
    printf '%-13s %-5s %s\n' kafka up "$KAFKA_BROKERS (KAFKA_BROKERS, not managed here)"
    ext=1
  fi
  if kafka_external "${KAFKA4_BROKERS:-}" "$KAFKA4_VERSION"; then
    printf '%-13s %-5s %s\n' kafka4 up "$KAFKA4_BROKERS (KAFKA4_BROKERS, not managed here)"
  fi
  while read -r ver; do
    label=kafka-$ver
    port=$(kafka_port "$ver")
    state=$(kafka_state "$ver")
    case $state in
      ours*) printf '%-13s %-5s %s\n' "$label" up "127.0.0.1:$port (pid ${state#ours })" ;;
      foreign) printf '%-13s %-5s %s\n' "$label" up "127.0.0.1:$port (not started from $STATE_DIR)" ;;
      starting*) printf '%-13s %-5s %s\n' "$label" down "127.0.0.1:$port (pid ${state#starting } starting)" ;;
      blocked) printf '%-13s %-5s %s\n' "$label" down "127.0.0.1:$port (port taken by something that is not Kafka)" ;;
      *) printf '%-13s %-5s %s\n' "$label" down "127.0.0.1:$port" ;;
    esac
    if [[ $ver == "$KAFKA3_VERSION" && $state != ours* && $state != foreign ]] && ((ext == 0)); then ok=1; fi
  done < <(kafka_known_versions)
  return "$ok"
}

cmd_env() {
  resolve_current
  env_lines
  [[ -n $DB_URL_NOW && -n $BROKERS_NOW ]] || die "stack: not (fully) up — run $0 up"
}

cmd_logs() {
  local ver f
  echo "$PG_LOG"
  while read -r ver; do kafka_log "$ver"; done < <(kafka_known_versions)
  for f in "$LOG_DIR"/maven-kafka-*.log "$LOG_DIR"/apt.log; do
    [[ -e $f ]] && echo "$f"
  done
  return 0
}

# `stop`/`start`/`restart` act on one component of THIS instance (its state dir
# and ports) only, never on servers named by DATABASE_URL / KAFKA_BROKERS.
component_version() {
  case $1 in
    kafka) echo "$KAFKA3_VERSION" ;;
    kafka4) echo "$KAFKA4_VERSION" ;;
    *) die "stack: unknown component: ${1:-<none>} (kafka, kafka4 or postgres)" ;;
  esac
}

component_stop() {
  case $1 in
    postgres) pg_down ;;
    *) kafka_stop "$(component_version "$1")" ;;
  esac
}

component_start() {
  local ver
  case $1 in
    postgres) pg_up ;;
    *)
      ver=$(component_version "$1")
      kafka_begin_up "$ver"
      kafka_finish_up "$ver"
      ;;
  esac
}

cmd_component() {
  local action=$1 component=${2:-} down_for=0
  if [[ $# -ge 2 ]]; then shift 2; else shift $#; fi
  [[ -n $component ]] || die "stack: $action needs a component: kafka, kafka4 or postgres"
  [[ $component == postgres ]] || component_version "$component" >/dev/null
  while [[ $# -gt 0 ]]; do
    case $1 in
      --down-for)
        [[ $action == restart && ${2:-} =~ ^[0-9]+s?$ ]] ||
          die "stack: --down-for takes whole seconds (30 or 30s), with restart only"
        down_for=${2%s}
        shift 2 ;;
      *) die "stack: unknown option for $action: $1" ;;
    esac
  done
  unset DATABASE_URL KAFKA_BROKERS KAFKA4_BROKERS
  ensure_state_dirs
  take_lock
  case $action in
    stop) component_stop "$component" ;;
    start) component_start "$component" ;;
    restart)
      component_stop "$component"
      if ((down_for > 0)); then
        say "$component: down for ${down_for}s"
        sleep "$down_for"
      fi
      component_start "$component" ;;
  esac
}

usage() {
  cat <<EOF
usage: $0 up [--with-kafka4] | down | status | env | logs
       $0 stop|start kafka|kafka4|postgres | restart kafka|kafka4|postgres [--down-for SECONDS]
  state: $STATE_DIR   jars: $CACHE_DIR
  ports: postgres $PG_PORT, kafka $KAFKA3_PORT (controller $KAFKA3_CONTROLLER_PORT), kafka4 $KAFKA4_PORT (controller $KAFKA4_CONTROLLER_PORT)
EOF
}

main() {
  local cmd=${1:-}
  [[ $# -eq 0 ]] || shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    logs) cmd_logs ;;
    stop | start | restart) cmd_component "$cmd" "$@" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
