#!/usr/bin/env bash
# Installs what the push tests start on loopback: Debian's docker-registry (an OCI registry, the
# stand-in for ECR's registry endpoint) and moto in server mode (the stand-in for the ECR API), in a
# virtual environment under the machine cache. Starts nothing: the tests start both on random ports
# (packages/registry/src/test-support/) and stop them afterwards. Safe to run any number of times.
#
# Honoured: SAGEMAKER_TEMPLATES_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/sagemaker-templates),
# SAGEMAKER_TEMPLATES_PYTHON (default python3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

# Pinned: moto's ECR responses are what the tests assert against. bcrypt hashes the test registry's password.
REQUIREMENTS=("moto[server]==5.2.5" "bcrypt==5.0.0")
VENV="$MACHINE_CACHE/moto-venv"
STAMP="$VENV/.sagemaker-templates-requirements"
PYTHON=${SAGEMAKER_TEMPLATES_PYTHON:-python3}

if [ ! -x /usr/bin/docker-registry ]; then
  apt_install docker-registry
  [ -x /usr/bin/docker-registry ] || fail "docker-registry is installed but /usr/bin/docker-registry is missing. Reinstall it: apt-get install --reinstall docker-registry"
  # The package starts a registry on :5000 as a service; the tests start their own on random ports.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    as_root systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi
say "docker-registry: $(/usr/bin/docker-registry --version 2>/dev/null | awk '{print $NF}')"

wanted="${REQUIREMENTS[*]}"
if [ -x "$VENV/bin/moto_server" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$wanted" ]; then
  say "moto up to date ($VENV)"
  exit 0
fi
command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON is missing. Install Python 3.9 or newer (apt-get install python3 python3-venv), or set SAGEMAKER_TEMPLATES_PYTHON."
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt_install python3-venv
fi
say "installing ${wanted} into $VENV"
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV" || fail "could not create a virtual environment at $VENV. Install python3-venv, then rerun."
log=$(mktemp)
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  rm -f "$log"
  fail "pip install ${wanted} failed (output above). Check that PyPI is reachable (PIP_INDEX_URL, proxy CA in PIP_CERT), then rerun."
fi
rm -f "$log"
[ -x "$VENV/bin/moto_server" ] || fail "moto is installed but $VENV/bin/moto_server is missing. Delete $VENV and rerun."
echo "$wanted" >"$STAMP"
say "moto installed ($("$VENV/bin/python" -c 'import moto; print(moto.__version__)'))"
