#!/usr/bin/env bash
# Wall time of a scan of the loopback lab with the default profile.
# Usage: tests/bench/scan_lab.sh [BUILD_DIR] [RUNS]
# Prints each run's wall time and the median; starts and stops its own lab.
# A figure to read, not a pass/fail test.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
runs=${2:-5}
lab=$build/bench-lab
bin=$build/conformscan
trap 'bash "$here/tests/lab/lab.sh" stop "$lab" >/dev/null 2>&1 || true' EXIT
bash "$here/tests/lab/lab.sh" start "$lab" >/dev/null
targets=$(grep -c 'host:' "$lab/inventory.yaml" || true)
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$bin" -q scan --targets "$lab/inventory.yaml" --profile itu-t/x509-certificates \
    --ca-file "$lab/lab-ca.pem" --timeout 2 --out "$build/bench-out" || true
  end=$(date +%s.%N)
  t=$(python3 -c "print($end - $start)")
  times+=("$t")
  printf 'run %d: %.3f s\n' "$i" "$t"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'scan of %s lab targets (default profile, --timeout 2, one blackhole target included): median %.3f s over %d runs\n' \
  "$targets" "$median" "$runs"
