#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Peak RSS and CPU of isoscope's collectors at growing host sizes, and the cost per process.
#
# usage: bench/run-scale.sh [SIZES...]          (default: 1000 5000 10000 container processes)
#
# For each size N it brings up a synthetic host of N/PROCS containers of PROCS processes each
# (bench/synthetic-host.sh), measures `isoscope ls -J`, `ps --json`, `cgroups --json` and top's
# batch mode at 1 and at 1+K refreshes (the difference over K is what one incremental tick
# costs), takes the host down again, and ends with one table: CPU seconds, peak RSS, and both
# per process of the host, so that one can see whether the cost per process stays flat.
#
# Environment: ISOSCOPE                 isoscope binary (default: the repository root's ./isoscope)
#              ISOSCOPE_BENCH_PROCS     processes per container (default 50)
#              ISOSCOPE_BENCH_K         extra refreshes of the longer top run (default 4)
#              ISOSCOPE_BENCH_RUNS, _TIMER, _REPEAT, _STATE: see lib.sh and README.md

set -euo pipefail
LC_NUMERIC=C # printf %f

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly PROCS=${ISOSCOPE_BENCH_PROCS:-50}
readonly K=${ISOSCOPE_BENCH_K:-4}
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(1000 5000 10000)

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

[[ $PROCS =~ ^[1-9][0-9]*$ && $K =~ ^[1-9][0-9]*$ ]] ||
	die "ISOSCOPE_BENCH_PROCS and ISOSCOPE_BENCH_K must be positive integers"
for n in "${SIZES[@]}"; do
	if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n < PROCS)); then
		die "usage: $PROG [SIZES...] (each a number of processes >= $PROCS)"
	fi
done
[[ -x $ISOSCOPE ]] || die "no isoscope binary at $ISOSCOPE (set ISOSCOPE=, or run make)"

# The measured commands: name and arguments.  "top n=1" and "top n=1+K" make the tick figure.
readonly NAMES=("ls -J" "ps --json" "cgroups --json" "top n=1" "top n=$((1 + K))")
readonly ARGS=("ls -J" "ps --json" "cgroups --json" "top --batch --json -n 1 -d 0.1"
	"top --batch --json -n $((1 + K)) -d 0.1")

bench_init
rows=()                    # one line of the report per size and command
declare -A at_cpu=() at_mib=() # "size command" -> figures, for the marginal cost
first='' last=''

for size in "${SIZES[@]}"; do
	containers=$(((size + PROCS - 1) / PROCS))
	bench_host_up "$containers" "$PROCS"
	# shellcheck disable=SC2034 # lib.sh's figures, emptied for this size
	BENCH_NAMES=() BENCH_CMDS=() BENCH_FAILED=() CPU=() USR=() SYS=() MIB=() WALL=()
	for i in "${!NAMES[@]}"; do
		BENCH_NAMES+=("${NAMES[i]}")
		BENCH_CMDS+=("$ISOSCOPE ${ARGS[i]}")
	done
	nproc=$(count_procs)
	bench_run
	bench_medians
	note=$(bench_timer_note)
	"$BENCH_HOST" down
	bench_host_is_up=0
	bench_check_left_behind "$BENCH_HOST_NAME"

	for i in 0 1 2 3; do
		if [[ -n ${BENCH_FAILED[$i]:-} ]]; then
			rows+=("$(printf '%-8s %-16s FAILED (%s)' "$nproc" "${NAMES[i]}" "${BENCH_FAILED[$i]}")")
			continue
		fi
		cpu=${CPU[$i]} mib=${MIB[$i]} name=${NAMES[i]}
		if ((i == 3)); then
			# One incremental tick: the longer run's extra CPU over its K extra refreshes.
			[[ -z ${BENCH_FAILED[4]:-} ]] || continue
			cpu=$(awk -v a="${CPU[4]}" -v b="${CPU[3]}" -v k="$K" 'BEGIN { printf "%.3f", (a - b) / k }')
			mib=${MIB[4]} name="top tick"
		fi
		at_cpu["$nproc $name"]=$cpu at_mib["$nproc $name"]=$mib
		rows+=("$(awk -v n="$nproc" -v name="$name" -v cpu="$cpu" -v mib="$mib" -v w="${WALL[$i]}" \
			'BEGIN { printf "%-8d %-16s %8.3f %8s %9.1f %10.1f %9.1f", n, name, cpu, (name == "top tick" ? "-" : w), mib, cpu / n * 1e6, mib * 1024 / n }')")
	done
	rows+=("")
	[[ -n $first ]] || first=$nproc
	last=$nproc
done

printf '\n== %s, %d CPUs, 1-min load %s; isoscope: %s\n' "$(uname -sr)" "$(nproc)" \
	"$(cut -d' ' -f1 /proc/loadavg)" "$(readlink -f "$ISOSCOPE")"
printf '== containers of %d processes; median of %d runs; %s\n' "$PROCS" "$BENCH_RUNS" "$note"
printf '== top tick: (CPU of -n %d minus CPU of -n 1) / %d, peak RSS of -n %d\n\n' $((1 + K)) "$K" $((1 + K))
printf '%-8s %-16s %8s %8s %9s %10s %9s\n' "procs" "command" "CPU s" "wall s" "peak MiB" "CPU us/proc" "KiB/proc"
printf '%s\n' "${rows[@]}"
if [[ $first != "$last" ]]; then
	printf '\nmarginal cost between %d and %d processes (the slope, free of fixed costs):\n' "$first" "$last"
	for name in "ls -J" "ps --json" "cgroups --json" "top tick"; do
		[[ -n ${at_cpu["$first $name"]:-} && -n ${at_cpu["$last $name"]:-} ]] || continue
		awk -v name="$name" -v c1="${at_cpu["$first $name"]}" -v c2="${at_cpu["$last $name"]}" \
			-v m1="${at_mib["$first $name"]}" -v m2="${at_mib["$last $name"]}" -v n1="$first" -v n2="$last" \
			'BEGIN { printf "  %-16s %8.1f CPU us/proc %9.2f KiB/proc\n", name, (c2 - c1) / (n2 - n1) * 1e6, (m2 - m1) * 1024 / (n2 - n1) }'
	done
fi
