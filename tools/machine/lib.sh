# shellcheck shell=bash disable=SC2034
# Helpers shared by the tools/machine scripts (sourced, not run).

say() { printf '[machine] %s\n' "$*"; }
fail() { printf '[machine] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else fail "'$*' needs root. Rerun as root (or with passwordless sudo)."
  fi
}

# Installs Debian packages that are missing; one apt-get update per script run.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and this machine has no apt-get. Install them, then rerun."
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_MACHINE_APT_UPDATED:-}" ]; then
    as_root apt-get update -qq || say "warning: apt-get update reported errors; trying the install anyway"
    _MACHINE_APT_UPDATED=1
  fi
  # No recommends: needrestart would ask questions, and nothing here needs the rest.
  local log
  log=$(mktemp)
  if ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    tail -n 20 "$log" >&2; rm -f "$log"
    fail "apt-get install ${missing[*]} failed (output above). Check that http://deb.debian.org is reachable, then rerun."
  fi
  rm -f "$log"
}

# The first `docker` on PATH may be a newer client without buildx; Debian's 20.10 client matches
# the engine and still has the classic builder.
DOCKER_CLI=${SAGEMAKER_TEMPLATES_DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=0

MACHINE_CACHE=${SAGEMAKER_TEMPLATES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sagemaker-templates}

# Makes, or keeps, a virtual environment at $1 holding the pip requirements after it. A stamp file
# records them, so a later run asking for the same list does nothing. Honours
# SAGEMAKER_TEMPLATES_PYTHON (default python3).
ensure_venv() {
  local venv=$1; shift
  local stamp="$venv/.sagemaker-templates-requirements" wanted="$*"
  local python=${SAGEMAKER_TEMPLATES_PYTHON:-python3} log
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    say "$wanted: up to date ($venv)"
    return 0
  fi
  command -v "$python" >/dev/null 2>&1 || fail "$python is missing. Install Python 3.9 or newer (apt-get install python3 python3-venv), or set SAGEMAKER_TEMPLATES_PYTHON."
  "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3-venv
  say "installing $wanted into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv" || fail "could not create a virtual environment at $venv. Install python3-venv, then rerun."
  log=$(mktemp)
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    fail "pip install $wanted failed (output above). Check that PyPI is reachable (PIP_INDEX_URL, proxy CA in PIP_CERT), then rerun."
  fi
  rm -f "$log"
  echo "$wanted" >"$stamp"
}
