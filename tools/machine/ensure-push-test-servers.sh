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

if [ ! -x /usr/bin/docker-registry ]; then
  apt_install docker-registry
  [ -x /usr/bin/docker-registry ] || fail "docker-registry is installed but /usr/bin/docker-registry is missing. Reinstall it: apt-get install --reinstall docker-registry"
  # The package starts a registry on :5000 as a service; the tests start their own on random ports.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    as_root systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi
say "docker-registry: $(/usr/bin/docker-registry --version 2>/dev/null | awk '{print $NF}')"

ensure_venv "$VENV" "${REQUIREMENTS[@]}"
[ -x "$VENV/bin/moto_server" ] || fail "moto is installed but $VENV/bin/moto_server is missing. Delete $VENV and rerun."
say "moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)') in $VENV"
