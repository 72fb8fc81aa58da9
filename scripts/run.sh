#!/usr/bin/env bash
# The main job. Until the scenario catalog exists (issue 5) it demonstrates the fake
# POP3 server: the seeds' telnet session, then the documented faults, with a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
exec /usr/bin/python3 scripts/pop3_demo.py build/maillab
