#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Size of an `isoscope record` of a synthetic host: the first sample, the later ones, an hour.
#
# usage: bench/run-record.sh [CONTAINERS [PROCS_PER_CONTAINER]]  (default 20 x 50 = 1,000 processes)
#
# The host is brought up, a churner starts a short-lived process (sleep 7) in a container's
# cgroup every second (about one process born and one gone per second, as on a host that runs
# jobs), and `isoscope record --interval I --count N` records it.  The first sample is the whole
# document; every later one stores only what changed.  An hour at 5 s is 720 samples: the size is
# extrapolated as first + 719 x (mean size of a later sample), and the recording itself is kept
# shorter (N samples) because the machine is shared.  The record is also read back: the time to
# load its last sample with `isoscope --load REC --at` is printed.
#
# Environment: ISOSCOPE                  isoscope binary (default: the repository root's ./isoscope)
#              ISOSCOPE_BENCH_INTERVAL   seconds between samples (default 5)
#              ISOSCOPE_BENCH_SAMPLES    samples to record (default 13: one minute at 5 s)
#              ISOSCOPE_BENCH_KEEP       a path to copy the record to (default: none)
#              ISOSCOPE_BENCH_STATE, ISOSCOPE_BENCH_TIMEOUT   as for run-ls.sh

set -euo pipefail
LC_NUMERIC=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly CONTAINERS=${1:-20}
readonly PROCS=${2:-50}
readonly INTERVAL=${ISOSCOPE_BENCH_INTERVAL:-5}
readonly SAMPLES=${ISOSCOPE_BENCH_SAMPLES:-13}
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

[[ $CONTAINERS =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]*$ ]] ||
	die "usage: $PROG [CONTAINERS [PROCS_PER_CONTAINER]]"
if ! [[ $SAMPLES =~ ^[1-9][0-9]*$ ]] || ((SAMPLES < 2)); then
	die "ISOSCOPE_BENCH_SAMPLES must be 2 or more"
fi
[[ -x $ISOSCOPE ]] || die "no isoscope binary at $ISOSCOPE (set ISOSCOPE=, or run make)"

bench_init
bench_host_up "$CONTAINERS" "$PROCS"
printf '== processes on the host now: %d\n' "$(count_procs)"

# The churner: a sleep every second in the first container's memory cgroup (or in ours).
churn_dir=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path "*/$BENCH_HOST_NAME/*" 2>/dev/null | head -n 1)
(
	[[ -n $churn_dir ]] && echo "$BASHPID" >"$churn_dir/cgroup.procs" 2>/dev/null
	while :; do
		sleep 7 &
		sleep 1
	done
) &
churner=$!
stop_churner() {
	kill "$churner" 2>/dev/null || true
	wait "$churner" 2>/dev/null || true
}
trap 'stop_churner; bench_cleanup' EXIT

rec=$BENCH_TMP/host.rec
printf '== recording %d samples, one every %s s\n' "$SAMPLES" "$INTERVAL"
"$ISOSCOPE" record -o "$rec" --interval "$INTERVAL" --count "$SAMPLES"
stop_churner
[[ -z ${ISOSCOPE_BENCH_KEEP:-} ]] || cp "$rec" "$ISOSCOPE_BENCH_KEEP"

python3 - "$rec" "$INTERVAL" <<'PY'
import json, sys
path, interval = sys.argv[1], float(sys.argv[2])
lines = open(path, "rb").read().split(b"\n")
lines = [l for l in lines if l]
header, first, rest = lines[0], lines[1], lines[2:]
doc = json.loads(first)["full"]
nprocs = len(doc.get("processes", {}))
ncg = sum(len(h.get("cgroups", {})) for h in doc.get("cgroups", {}).get("hierarchies", {}).values())
mean = sum(map(len, rest)) / len(rest)
per_hour = int(3600 / interval)
total = len(header) + 1 + len(first) + 1 + (per_hour - 1) * (mean + 1)
print(f"   processes in the first sample   {nprocs}")
print(f"   cgroups in the first sample     {ncg}")
print(f"   first sample (whole document)   {len(first) / 1e6:.2f} MB")
print(f"   later samples (changes only)    mean {mean / 1e3:.1f} kB, min {min(map(len, rest)) / 1e3:.1f} kB, max {max(map(len, rest)) / 1e3:.1f} kB over {len(rest)}")
print(f"   one hour at {interval:g} s ({per_hour} samples)   {total / 1e6:.1f} MB (extrapolated)")
PY

TIMEFORMAT='   loading the last sample (ps)    %R s'
time "$ISOSCOPE" --load "$rec" ps -o PID >/dev/null
TIMEFORMAT='   one snapshot of the host        %R s elapsed, %U s user, %S s system'
time "$ISOSCOPE" snapshot -o "$BENCH_TMP/one.json"
printf '   its size                        %.2f MB\n' "$(stat -c %s "$BENCH_TMP/one.json" | awk '{ print $1 / 1e6 }')"
