#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up and build, every test (unit, end-to-end
# with real clients, the scenario catalog, pytest through the module, the README's
# walkthrough), the function-size check, the unit and scenario tests again under
# AddressSanitizer and UndefinedBehaviorSanitizer, and a short bounded fuzz run.
#   scripts/test.sh           everything
#   scripts/test.sh --quick   the release build's tests only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0; [ "${1:-}" = "--quick" ] && quick=1

scripts/setup.sh
echo "== tests (build/)"
ctest --test-dir build --output-on-failure -j2
[ $quick = 1 ] && exit 0

echo "== no function over 60 lines (clang-tidy)"
scripts/function_size.sh build

echo "== unit and scenario tests under ASan+UBSan (build-asan/)"
# The Python module is left out: a sanitized extension needs the runtime preloaded into python.
BUILD_DIR=build-asan scripts/setup.sh -DMAILLAB_SANITIZE=ON -DMAILLAB_BENCH=OFF -DMAILLAB_PYTHON=OFF -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -L 'unit|scenario'

echo "== bounded fuzz run"
scripts/fuzz.sh 45
