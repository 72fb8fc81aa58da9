#!/usr/bin/env bash
# maillab pop3d with TLS against dovecot with TLS, side by side (not part of the tests):
# RETR of 4 KB and 1 MB messages over POP3S, 1 and 50 sessions, and full handshakes per
# second. Builds into its own RelWithDebInfo directory with the bench targets (BUILD_DIR,
# default build-bench); arguments go to bench/tls_vs_dovecot.py.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build-bench}
scripts/setup.sh -DMAILLAB_BENCH=ON -DMAILLAB_PYTHON=OFF >/dev/null
exec /usr/bin/python3 bench/tls_vs_dovecot.py --build "$BUILD_DIR" "$@"
