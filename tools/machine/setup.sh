#!/usr/bin/env bash
# Prepares this machine for the project, doing only what is missing: npm packages, a Docker engine,
# the offline base images (through Nx). Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '[machine] %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1; then
  echo "[machine] Node.js is not installed. Install Node.js 20.19 or newer, then rerun." >&2
  exit 1
fi

# npm ci only when package-lock.json changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.sagemaker-templates-lock-hash
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  step "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
else
  step "npm packages up to date"
fi

bash tools/machine/ensure-docker.sh
# Emulation of the other architecture, for linux/arm64 images (Graviton serving) on an amd64 host.
# Only those need it, so a machine that cannot have it (no binfmt_misc) still sets up.
bash tools/machine/ensure-emulation.sh || step "warning: no emulation of the other architecture (above); linux/arm64 builds will say so"

# The offline stand-in base images: one Nx project per recipe (base-<folder> in
# tools/machine/base-images), each made after the one it is built on and kept when its recipe hash
# is unchanged. Offline: setup makes what is missing, whatever the base mode of later builds.
step "offline base images (nx run-many -t build --projects=tag:base-image)"
SAGEMAKER_TEMPLATES_BASE=offline NX_DAEMON=${NX_DAEMON:-false} NX_TUI=false \
  npx --no-install nx run-many -t build --projects=tag:base-image --outputStyle=static
