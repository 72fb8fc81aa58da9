#!/usr/bin/env bash
# Bounded libFuzzer runs (clang, with ASan and UBSan): the POP3 session, the SMTP session
# (commands, DATA, BDAT, AUTH) and the scenario-file parser, each for SECONDS.
#   scripts/fuzz.sh [SECONDS]   default 60 per target; CI runs a short bounded run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAILLAB_FUZZ=ON -DMAILLAB_SANITIZE=ON -DMAILLAB_BENCH=OFF >/dev/null
cmake --build build-fuzz -j2 --target pop3_session_fuzz smtp_session_fuzz scenario_parse_fuzz
for target in pop3_session smtp_session scenario_parse; do
  work=$(mktemp -d)
  # The scenario parser starts from the catalog itself.
  if [ $target = scenario_parse ]; then cp scenarios/*.yaml "$work/"; else cp "tests/fuzz/corpus/$target"/* "$work/"; fi
  echo "== fuzzing $target for ${seconds}s"
  status=0
  "build-fuzz/tests/${target}_fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$work" \
    >"$work.log" 2>&1 || status=$?
  grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done' "$work.log" || true
  [ $status -eq 0 ] || { tail -60 "$work.log"; exit $status; }
  rm -rf "$work" "$work.log"
done
