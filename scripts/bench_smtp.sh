#!/usr/bin/env bash
# maillab smtpd against Postfix's smtp-sink with the same smtp-source runs (not part of the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
exec /usr/bin/python3 bench/smtp_vs_smtp_sink.py "$@"
