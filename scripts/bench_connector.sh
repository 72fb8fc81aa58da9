#!/usr/bin/env bash
# maillab connector against fetchmail and mpop on dovecot and smtp-sink, and seed 004's slowdown (not part of the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
exec /usr/bin/python3 bench/connector_vs_fetchmail.py "$@"
