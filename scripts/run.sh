#!/usr/bin/env bash
# The main job: every scenario of the catalog (scenarios/*.yaml) under both connector
# profiles, a progress line per run and a summary table, JUnit XML in build/scenarios.xml
# and an HTML report in build/report/index.html; non-zero when any run fails.
# Extra arguments go to `maillab scenario run` (e.g. --profile sbs2003 -v).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
exec build/maillab scenario run --all --junit build/scenarios.xml --html build/report "$@"
