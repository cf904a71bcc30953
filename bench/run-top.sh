#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CPU per refresh and peak RSS of `isoscope top --batch` against `top -b` on a synthetic host.
#
# usage: bench/run-top.sh [CONTAINERS [PROCS_PER_CONTAINER]]  (default 200 x 50 = 10,000 processes)
#
# Each tool runs twice, for N and for N+K refreshes one second apart (`-n N -d 1`); the difference
# of their CPU times divided by K is the CPU of one refresh, without the start and the first
# refresh (which reads everything).  Peak RSS is that of the longer run.
#
# Environment: ISOSCOPE                 isoscope binary (default: the repository root's ./isoscope)
#              ISOSCOPE_BENCH_N         refreshes of the shorter run (default 5)
#              ISOSCOPE_BENCH_K         extra refreshes of the longer run (default 10)
#              ISOSCOPE_BENCH_VIEWS     isoscope views to measure (default "processes"; any of
#                                       processes namespaces cgroups containers)
#              ISOSCOPE_BENCH_RUNS, ISOSCOPE_BENCH_TIMER, ISOSCOPE_BENCH_STATE   as for run-ls.sh
#
# See bench/README.md for what is measured and how to read it, and bench/lib.sh for the timer.

set -euo pipefail
LC_NUMERIC=C # printf %f

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly CONTAINERS=${1:-200}
readonly PROCS=${2:-50}
readonly N=${ISOSCOPE_BENCH_N:-5}
readonly K=${ISOSCOPE_BENCH_K:-10}
read -r -a VIEWS <<<"${ISOSCOPE_BENCH_VIEWS:-processes}"
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

[[ $CONTAINERS =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]*$ ]] ||
	die "usage: $PROG [CONTAINERS [PROCS_PER_CONTAINER]]"
[[ $N =~ ^[1-9][0-9]*$ && $K =~ ^[1-9][0-9]*$ ]] || die "ISOSCOPE_BENCH_N and ISOSCOPE_BENCH_K must be positive integers"
[[ -x $ISOSCOPE ]] || die "no isoscope binary at $ISOSCOPE (set ISOSCOPE=, or run make)"
command -v top >/dev/null || die "top (procps) is needed as the peer"
for v in "${VIEWS[@]}"; do
	case $v in
	processes | namespaces | cgroups | containers) ;;
	*) die "unknown view in ISOSCOPE_BENCH_VIEWS: $v" ;;
	esac
done

bench_init
nproc_base=$(count_procs)
bench_host_up "$CONTAINERS" "$PROCS"

# ---- the commands: each tool at N and at N+K refreshes ----------------------------------------

names=() # as printed: one entry per tool, whose commands are at index 2i (N) and 2i+1 (N+K)
for v in "${VIEWS[@]}"; do
	names+=("isoscope top -b --view $v")
	BENCH_NAMES+=("isoscope $v n=$N" "isoscope $v n=$((N + K))")
	BENCH_CMDS+=("$ISOSCOPE top -b -n $N -d 1 --view $v" "$ISOSCOPE top -b -n $((N + K)) -d 1 --view $v")
done
names+=("top -b")
BENCH_NAMES+=("top n=$N" "top n=$((N + K))")
BENCH_CMDS+=("top -b -n $N -d 1" "top -b -n $((N + K)) -d 1")

nproc_host=$(count_procs)
bench_run
nproc_after=$(count_procs)
bench_medians

# ---- the report -------------------------------------------------------------------------------

# What isoscope says a refresh cost it (the header's "refresh #I, T ms CPU"), median over
# the refreshes after the first, from the unmeasured run's output.
own_ms() {
	sed -n 's/.*refresh #\([0-9]*\), \([0-9]*\) ms CPU$/\1 \2/p' "$1" | awk '$1 > 1 { print $2 }' | median
}

printf '\n== %s, %d CPUs; top: %s\n' "$(uname -sr)" "$(nproc)" "$(top -V 2>&1 | head -n1)"
printf '== isoscope: %s\n' "$(readlink -f "$ISOSCOPE")"
printf '== %d processes on the host (/proc); refreshes 1 s apart; CPU per refresh = (CPU(n=%d) - CPU(n=%d)) / %d\n' \
	"$nproc_host" "$((N + K))" "$N" "$K"
printf '== median of %d runs; %s\n\n' "$BENCH_RUNS" "$(bench_timer_note)"

printf '%-34s %12s %10s %10s %9s  %s\n' "command" "CPU/refresh" "user" "sys" "peak MiB" "vs top"
top_i=$((${#names[@]} - 1))
top_cpu=""
if [[ -z ${BENCH_FAILED[$((2 * top_i))]:-} && -z ${BENCH_FAILED[$((2 * top_i + 1))]:-} ]]; then
	top_cpu=$(awk -v a="${CPU[$((2 * top_i + 1))]}" -v b="${CPU[$((2 * top_i))]}" -v k="$K" 'BEGIN { printf "%.4f", (a - b) / k }')
fi
for i in "${!names[@]}"; do
	s=$((2 * i)) l=$((2 * i + 1))
	if [[ -n ${BENCH_FAILED[$s]:-} || -n ${BENCH_FAILED[$l]:-} ]]; then
		printf '%-34s FAILED (%s)\n' "${names[i]}" "${BENCH_FAILED[$s]:-${BENCH_FAILED[$l]}}"
		continue
	fi
	read -r cpu usr sys < <(awk -v a="${CPU[$l]}" -v b="${CPU[$s]}" -v ua="${USR[$l]}" -v ub="${USR[$s]}" \
		-v sa="${SYS[$l]}" -v sb="${SYS[$s]}" -v k="$K" \
		'BEGIN { printf "%.4f %.4f %.4f\n", (a - b) / k, (ua - ub) / k, (sa - sb) / k }')
	ratio=""
	if ((i == top_i)); then
		ratio="(baseline)"
	elif [[ -n $top_cpu ]]; then
		ratio=$(awk -v a="$cpu" -v b="$top_cpu" 'BEGIN { if (b > 0) printf "%.2fx top", a / b; else print "n/a" }')
	fi
	printf '%-34s %10.1f ms %8.1f ms %8.1f ms %9s  %s\n' "${names[i]}" \
		"$(awk -v c="$cpu" 'BEGIN { print c * 1000 }')" "$(awk -v c="$usr" 'BEGIN { print c * 1000 }')" \
		"$(awk -v c="$sys" 'BEGIN { print c * 1000 }')" "${MIB[$l]}" "$ratio"
done

printf '\nisoscope'"'"'s own measure (median of its "refresh #I, T ms CPU" headers after the first):'
for i in "${!VIEWS[@]}"; do
	[[ -z ${BENCH_FAILED[$((2 * i + 1))]:-} ]] || continue
	printf '  %s: %s ms' "${VIEWS[i]}" "$(own_ms "$BENCH_TMP/out.$((2 * i + 1))")"
done
printf '\nthe first refresh (everything read): %s ms\n' \
	"$(sed -n 's/.*refresh #1, \([0-9]*\) ms CPU$/\1/p' "$BENCH_TMP/out.1" | head -n1)"
printf 'targets at ~10,000 processes: CPU per refresh at most half of top'"'"'s; peak RSS under 40 MiB\n'

bench_check_quiet $((nproc_base + CONTAINERS * PROCS + CONTAINERS)) "$nproc_host" "$nproc_after"
