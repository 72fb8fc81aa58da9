#!/usr/bin/env bash
# The catalog benchmark: the whole scenario catalog under both profiles in one process,
# several times; prints each wall time, the median and the goal (10 s on 2 cores).
#   scripts/bench_catalog.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
scripts/setup.sh >/dev/null
times=()
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  build/maillab scenario run --all > /tmp/maillab-bench-catalog.txt
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
  times+=("$t")
  printf 'run %d: %s runs in %.2f s wall\n' "$i" "$(grep -oE '^[0-9]+ runs' /tmp/maillab-bench-catalog.txt | cut -d' ' -f1)" "$t"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'catalog, both profiles, one process: median %.2f s over %d runs (goal: under 10 s, ratio %.1fx under it)\n' \
  "$median" "$runs" "$(awk -v m="$median" 'BEGIN {print 10 / m}')"
echo "slowest runs of the last pass:"
grep -E '^[A-Z]+-' /tmp/maillab-bench-catalog.txt | sort -k4 -t' ' -rn | awk '{print $4, $1, $2}' | sort -rn | head -5
