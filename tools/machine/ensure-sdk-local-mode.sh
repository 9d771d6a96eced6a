#!/usr/bin/env bash
# Installs SageMaker SDK local mode, the reference the transform e2e test compares
# `nx run <template>:transform` with: the SageMaker Python SDK (v2, which has local mode) in a
# virtual environment under the machine cache, and Debian's docker-compose, which local mode runs
# its containers with. Starts nothing. Safe to run any number of times.
#
# Honoured: SAGEMAKER_TEMPLATES_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/sagemaker-templates),
# SAGEMAKER_TEMPLATES_PYTHON (default python3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

# Pinned: the comparison is with what this version's local mode writes.
REQUIREMENTS=("sagemaker==2.257.7")
VENV="$MACHINE_CACHE/sdk-local-venv"

command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
say "docker-compose: $(docker-compose version --short 2>/dev/null)"
ensure_venv "$VENV" "${REQUIREMENTS[@]}"
say "SageMaker SDK $("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("sagemaker"))' 2>/dev/null) in $VENV"
