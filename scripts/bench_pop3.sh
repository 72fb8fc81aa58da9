#!/usr/bin/env bash
# maillab pop3d against dovecot, side by side (not part of the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
exec /usr/bin/python3 bench/pop3_vs_dovecot.py "$@"
