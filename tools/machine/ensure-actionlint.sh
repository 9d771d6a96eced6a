#!/usr/bin/env bash
# Installs actionlint, the linter the unit tests run on .github/workflows/templates.yml, built from
# source by Go from the Go module proxy into the machine cache (outside the clone, so a fresh clone,
# like CI's, finds it built), and Debian's shellcheck, which actionlint runs on every `run:` script
# it finds on PATH. Safe to run any number of times; does nothing when both are there.
#
# Honoured: SAGEMAKER_TEMPLATES_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/sagemaker-templates),
# SAGEMAKER_TEMPLATES_GO (default: go on PATH, else /usr/local/go/bin/go).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

# Pinned: a newer actionlint may add checks, and the tests expect this version's verdict.
VERSION=v1.7.12
BIN="$MACHINE_CACHE/bin"
ACTIONLINT="$BIN/actionlint"

installed_version() { "$ACTIONLINT" -version 2>/dev/null | head -n 1 || true; }

install_actionlint() {
  local go=${SAGEMAKER_TEMPLATES_GO:-$(command -v go || echo /usr/local/go/bin/go)} log
  [ -x "$go" ] || fail "Go is missing (no go on PATH, no /usr/local/go/bin/go); actionlint $VERSION is built with it. Install Go 1.21 or newer, or set SAGEMAKER_TEMPLATES_GO to a go binary, then rerun."
  say "installing actionlint $VERSION into $BIN (go install)"
  mkdir -p "$BIN"
  log=$(mktemp)
  if ! GOBIN="$BIN" "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >"$log" 2>&1; then
    tail -n 20 "$log" >&2; rm -f "$log"
    fail "go install github.com/rhysd/actionlint/cmd/actionlint@$VERSION failed (output above). Check that the Go module proxy is reachable (GOPROXY=$("$go" env GOPROXY)), then rerun."
  fi
  rm -f "$log"
  [ "$(installed_version)" = "$VERSION" ] || fail "$ACTIONLINT reports version '$(installed_version)', expected $VERSION. Delete $ACTIONLINT and rerun."
}

if [ "$(installed_version)" = "$VERSION" ]; then
  say "actionlint $VERSION: up to date ($ACTIONLINT)"
else
  install_actionlint
  say "actionlint $VERSION in $BIN"
fi
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck
say "shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
