#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up and build, every test (unit, end-to-end
# with real clients, pytest), the unit tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer, and a short bounded fuzz run.
#   scripts/test.sh           everything
#   scripts/test.sh --quick   the release build's tests only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0; [ "${1:-}" = "--quick" ] && quick=1

scripts/setup.sh
echo "== tests (build/)"
ctest --test-dir build --output-on-failure -j2
[ $quick = 1 ] && exit 0

echo "== unit tests under ASan+UBSan (build-asan/)"
BUILD_DIR=build-asan scripts/setup.sh -DMAILLAB_SANITIZE=ON -DMAILLAB_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -L unit

echo "== bounded fuzz run"
scripts/fuzz.sh 45
