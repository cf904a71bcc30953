#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: run libFuzzer targets for a set time each and print what they did.
#
# Usage: tests/fuzz/run.sh TARGET...      (run by `make fuzz`)
#
# Environment: FUZZ_DIR (build-fuzz: the binaries fuzz-TARGET, and where corpora, logs and
# crashes go), FUZZ_TIME (seconds per target, default 30), FUZZ_JOBS (targets at a time,
# default 2), FUZZ_ARGS (more libFuzzer options, e.g. "-jobs=4" or "-max_len=65536").
#
# Each target starts from three corpora: FUZZ_DIR/corpus/TARGET (what earlier runs found; new
# inputs go there), FUZZ_DIR/seeds/TARGET (from the fixture trees, made by make-corpus.sh when
# missing) and tests/fuzz/corpus/TARGET (committed seeds and the crashes found so far, which are
# replayed first).  tests/fuzz/TARGET.dict is used when it exists.  A crash stops its target;
# the input is kept as FUZZ_DIR/crashes/TARGET/crash-SHA1 and the run exits 1 at the end.
# Prints one line per target: executions, final coverage (cov: edges, ft: features), corpus
# size and crashes.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${FUZZ_DIR:-build-fuzz}
time_s=${FUZZ_TIME:-30}
jobs=${FUZZ_JOBS:-2}
read -r -a extra <<<"${FUZZ_ARGS:-}"

if [ $# -eq 0 ]; then
  echo "usage: $0 TARGET..." >&2
  exit 2
fi
[ -d "$dir/seeds" ] || "$top/tests/fuzz/make-corpus.sh" "$dir/seeds" >/dev/null || exit 1
mkdir -p "$dir/logs"

run_one() { # run_one TARGET: fuzz it for time_s seconds, the log in dir/logs/TARGET.log
  local t=$1 corpora=()
  mkdir -p "$dir/corpus/$t" "$dir/crashes/$t"
  corpora+=("$dir/corpus/$t")
  [ -d "$dir/seeds/$t" ] && corpora+=("$dir/seeds/$t")
  [ -d "$top/tests/fuzz/corpus/$t" ] && corpora+=("$top/tests/fuzz/corpus/$t")
  local dict=()
  [ -f "$top/tests/fuzz/$t.dict" ] && dict=("-dict=$top/tests/fuzz/$t.dict")
  "$dir/fuzz-$t" -max_total_time="$time_s" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/crashes/$t/" "${dict[@]}" "${extra[@]}" "${corpora[@]}" >"$dir/logs/$t.log" 2>&1
  echo $? >"$dir/logs/$t.rc"
}

start=$(date +%s)
running=0
for t in "$@"; do
  if [ ! -x "$dir/fuzz-$t" ]; then
    echo "$0: $dir/fuzz-$t is missing (make fuzz-build)" >&2
    exit 1
  fi
  rm -f "$dir/logs/$t.rc"
  find "$dir/crashes/$t" -type f -delete 2>/dev/null
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

printf '%-14s %12s %8s %8s %7s %8s\n' target executions cov ft corpus crashes
failed=0
for t in "$@"; do
  log=$dir/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  # The last status line ("#N DONE cov: E ft: F corp: C/..."), or the last pulse before a crash.
  status=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$status")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$status")
  corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$status")
  ncrash=$(find "$dir/crashes/$t" -type f | wc -l)
  rc=$(cat "$dir/logs/$t.rc" 2>/dev/null || echo '?')
  printf '%-14s %12s %8s %8s %7s %8s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$ncrash"
  if [ "$ncrash" -gt 0 ] || [ "$rc" != 0 ]; then
    failed=$((failed + 1))
    find "$dir/crashes/$t" -type f -printf "  %p\n"
    grep -m3 -E 'ERROR:|invariant failed|runtime error' "$log" | sed 's/^/  /'
    echo "  (log: $log; exit status $rc)"
  fi
done
echo "$# targets, ${time_s}s each, $jobs at a time: $(($(date +%s) - start))s; $failed with crashes"
[ "$failed" -eq 0 ]
