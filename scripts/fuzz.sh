#!/usr/bin/env bash
# Bounded libFuzzer run of the POP3 session parser (clang, with ASan and UBSan).
#   scripts/fuzz.sh [SECONDS]   default 60; CI runs a short bounded run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAILLAB_FUZZ=ON -DMAILLAB_SANITIZE=ON -DMAILLAB_BENCH=OFF >/dev/null
cmake --build build-fuzz -j2 --target pop3_session_fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/fuzz/corpus/pop3_session/* "$work/"
status=0
build-fuzz/tests/pop3_session_fuzz -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$work" \
  >"$work.log" 2>&1 || status=$?
grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done' "$work.log" || true
[ $status -eq 0 ] || { tail -60 "$work.log"; exit $status; }
rm -f "$work.log"
