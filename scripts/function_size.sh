#!/usr/bin/env bash
# Lists every function over 60 lines in maillab's own C++ (clang-tidy's
# readability-function-size on the build's compile_commands.json); non-zero when there is
# one. The code style keeps functions short; this keeps it honest.
#   scripts/function_size.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json: run scripts/setup.sh first" >&2; exit 2; }
config='{CheckOptions: [{key: readability-function-size.LineThreshold, value: 60},
  {key: readability-function-size.StatementThreshold, value: 1000000},
  {key: readability-function-size.BranchThreshold, value: 1000000}]}'
mapfile -t files < <(ls base/src/*.cpp simulators/*/src/*.cpp simulators/*/src/*/*.cpp connector/src/*.cpp \
  runner/src/*.cpp doctor/src/*.cpp console/src/*.cpp apps/maillab/*.cpp python/module/*.cpp 2>/dev/null)
out=$(printf '%s\n' "${files[@]}" | xargs -P 2 -n 4 clang-tidy -p "$build" --quiet -checks='-*,readability-function-size' \
  -config="$config" 2>/dev/null | grep -E "^/.*warning: function" | sed "s|$PWD/||" | sort -u || true)
if [ -n "$out" ]; then
  echo "functions over 60 lines:"
  echo "$out"
  exit 1
fi
echo "no function over 60 lines in ${#files[@]} files"
