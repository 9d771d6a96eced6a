#!/usr/bin/env bash
# All tests: static checks, fast unit tests, then the Docker end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash tools/machine/setup.sh
export NX_DAEMON=false
# No test may ask an instance metadata service (169.254.169.254) for AWS credentials.
export AWS_EC2_METADATA_DISABLED=true
mkdir -p reports/tests
echo "[test] type check"
npx --no-install tsc -p tsconfig.json --noEmit
npx --no-install tsc -p templates/node/tsconfig.test.json --noEmit
echo "[test] lint and format"
npx --no-install eslint . --max-warnings=0
npx --no-install prettier --check . --log-level=warn
echo "[test] unit tests"
# The unit tests lint .github/workflows/templates.yml with actionlint; under CI=true a missing one fails.
bash tools/machine/ensure-actionlint.sh
npx --no-install vitest run --project unit --reporter=default --reporter=json --outputFile.json=reports/tests/unit.json
echo "[test] end-to-end tests (Docker)"
bash tools/machine/ensure-push-test-servers.sh
bash tools/machine/ensure-sdk-local-mode.sh
npx --no-install vitest run --project e2e --reporter=default --reporter=json --outputFile.json=reports/tests/e2e.json
node tools/machine/count-tests.mjs reports/tests/unit.json reports/tests/e2e.json
