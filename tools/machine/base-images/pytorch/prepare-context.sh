#!/usr/bin/env bash
# Puts the host's CA bundle into the build context (argument 1): the wheels stage downloads the
# pinned toolkits from PyPI through this machine's (possibly TLS-intercepting) proxy. Only that
# stage sees it; the image does not contain it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../../lib.sh"
context=$1
for bundle in "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
  if [ -n "$bundle" ] && [ -s "$bundle" ]; then
    cp "$bundle" "$context/host-ca-bundle.pem"
    exit 0
  fi
done
fail "no CA bundle found on this machine (SSL_CERT_FILE, /etc/ssl/certs/ca-certificates.crt). Install ca-certificates, then rerun."
