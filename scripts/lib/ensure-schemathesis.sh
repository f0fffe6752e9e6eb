#!/usr/bin/env bash
# Makes the pinned schemathesis (scripts/lib/schemathesis-requirements.txt) available in a virtualenv
# under .cache/schemathesis-venv (git-ignored) and prints the path of its `st` command on stdout — the
# only line on stdout; progress and errors go to stderr. Reuses the venv when it was completed for the
# same requirements file; otherwise rebuilds it from PyPI. Exits non-zero, saying why, when Python
# (>= 3.11 with venv) is missing or PyPI cannot be reached: the OpenAPI fuzz test fails on it, never skips.
#
#   VB_PYTHON           the interpreter to build the venv with (default: python3)
#   VB_SCHEMATHESIS_VENV  where the venv lives (default: <repo>/.cache/schemathesis-venv)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
requirements="$repo_root/scripts/lib/schemathesis-requirements.txt"
venv="${VB_SCHEMATHESIS_VENV:-$repo_root/.cache/schemathesis-venv}"
python="${VB_PYTHON:-python3}"
marker="$venv/.vault-backup-requirements.sha256"

say() { echo "ensure-schemathesis: $*" >&2; }
die() {
  say "$*"
  exit 1
}

[[ -f "$requirements" ]] || die "$requirements is missing"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
version="$(sed -n 's/^schemathesis==//p' "$requirements")"
[[ -n "$version" ]] || die "$requirements pins no schemathesis version"

installed() {
  [[ -f "$marker" && "$(cat "$marker")" == "$wanted" && -x "$venv/bin/st" ]] &&
    "$venv/bin/st" --version 2>/dev/null | grep -qF "version $version"
}

mkdir -p "$(dirname "$venv")"
# One builder at a time (two test runs on one clone); the others wait, then reuse its venv.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$venv.lock"
  flock -w 600 9 || die "another run has held $venv.lock for 10 minutes"
fi

# Python with its venv module (ensurepip): Debian ships it apart (python3-venv), so on a fresh Debian
# machine run as root it is installed like the local stack's PostgreSQL.
python_ready() { command -v "$python" >/dev/null 2>&1 && "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; }
ensure_python() {
  python_ready && return 0
  if [[ -z "${VB_PYTHON:-}" ]] && command -v apt-get >/dev/null 2>&1 && ((EUID == 0)); then
    local apt_log
    apt_log="$(dirname "$venv")/apt.log"
    say "installing python3 and python3-venv (apt-get, log $apt_log)…"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3 python3-venv; } >"$apt_log" 2>&1 ||
      die "apt-get install python3 python3-venv failed (see $apt_log) — install them by hand, or set VB_PYTHON"
    python_ready && return 0
  fi
  die "$python with its venv module not found — install Python >= 3.11 with venv (apt-get install python3 python3-venv), or set VB_PYTHON"
}

if ! installed; then
  ensure_python
  "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
    die "schemathesis $version needs Python >= 3.11, $python is $("$python" --version 2>&1) — install a newer one or set VB_PYTHON"
  say "installing schemathesis $version into ${venv#"$repo_root"/} (pip, from PyPI)…"
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2 || die "'$python -m venv $venv' failed (see above)"
  log="$(dirname "$venv")/schemathesis-pip.log"
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --timeout 30 --retries 2 \
    --requirement "$requirements" >"$log" 2>&1; then
    tail -n 15 "$log" >&2
    rm -rf "$venv"
    die "pip could not install schemathesis $version (full log: $log) — is PyPI (https://pypi.org) reachable? Set PIP_INDEX_URL for a mirror"
  fi
  "$venv/bin/st" --version 2>/dev/null | grep -qF "version $version" ||
    die "the venv's st does not report version $version after install (see $log)"
  echo "$wanted" >"$marker"
  say "schemathesis $version ready"
fi
echo "$venv/bin/st"
