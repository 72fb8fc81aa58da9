#!/usr/bin/env bash
# maillab pop3d against dovecot and raw loopback TCP, side by side (not part of the
# tests). Builds into its own RelWithDebInfo directory with the bench targets
# (BUILD_DIR, default build-bench); arguments go to bench/pop3_vs_dovecot.py.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build-bench}
scripts/setup.sh -DMAILLAB_BENCH=ON -DMAILLAB_PYTHON=OFF >/dev/null
exec /usr/bin/python3 bench/pop3_vs_dovecot.py --build "$BUILD_DIR" "$@"
