#!/usr/bin/env bash
# Prepares this machine for the project, doing only what is missing: npm packages, a Docker engine,
# the offline base images. Safe to run any number of times.
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

# make-base-images.sh starts (or installs) the Docker engine first. It is also what the Nx base
# projects (base-<name>:build) run per image; the whole set in one run here takes a second when all
# is up to date and does not depend on the workspace's Nx plugin loading.
bash tools/machine/make-base-images.sh
