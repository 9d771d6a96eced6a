#!/usr/bin/env bash
# The main job: prepare the machine, build every template image, run the conformance suite on each.
# Console summary per image; JSON and JUnit reports in reports/conformance/.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash tools/machine/setup.sh
# Where no container registry can be reached, `auto` builds on the offline stand-in bases and says so.
export SAGEMAKER_TEMPLATES_BASE="${SAGEMAKER_TEMPLATES_BASE:-auto}"
export NX_DAEMON=false
rm -rf reports/conformance
status=0
npx --no-install nx run-many -t conformance --parallel=1 --outputStyle=static || status=$?
npx --no-install tsx conformance/src/summary-cli.ts reports/conformance || status=$?
exit "$status"
