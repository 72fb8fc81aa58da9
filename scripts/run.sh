#!/usr/bin/env bash
# The main job. Until the scenario catalog exists (issue 5) it demonstrates the fake
# simulators: the seeds' telnet sessions and the documented faults, with a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
exec /usr/bin/python3 scripts/demo.py build/maillab
