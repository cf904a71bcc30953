# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the bench/run-*.sh scripts: the rusage timer, medians, process counts and the
# lifetime of the synthetic host. Sourced, never executed.
#
# The sourcing script sets PROG (its name, for messages) and then calls, in this order:
#   bench_init              pick the timer, make the scratch directory $BENCH_TMP, install traps
#   bench_host_up C P       bring the synthetic host up; the EXIT trap takes it down again
#   BENCH_NAMES+=(…) BENCH_CMDS+=(…)
#                           the commands, as whitespace-separated words (no quoting)
#   bench_run               one unmeasured run of each (output kept in $BENCH_TMP/out.N, stderr in
#                           err.N), then BENCH_RUNS interleaved measured rounds
#   bench_medians           the median of each figure into CPU, USR, SYS, MIB and WALL, indexed like
#                           BENCH_CMDS; a command that failed is in BENCH_FAILED instead
#
# Environment: ISOSCOPE_BENCH_RUNS   measured rounds per command, the median is reported (default 3)
#              ISOSCOPE_BENCH_REPEAT executions per measured run; figures are per execution
#                                    (default: BENCH_REPEAT_DEFAULT of the caller, else 1)
#              ISOSCOPE_BENCH_TIMER  "time" (GNU /usr/bin/time, the default when installed) or
#                                    "python" (the os.wait4() fallback)
#              ISOSCOPE_BENCH_STATE  state file of the synthetic host (read by synthetic-host.sh)

BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly BENCH_HERE
readonly BENCH_HOST="$BENCH_HERE/synthetic-host.sh"
readonly BENCH_STATE=${ISOSCOPE_BENCH_STATE:-/tmp/isoscope-bench.state}
readonly BENCH_RUNS=${ISOSCOPE_BENCH_RUNS:-3}
BENCH_REPEAT=${ISOSCOPE_BENCH_REPEAT:-${BENCH_REPEAT_DEFAULT:-1}}

# The caller fills BENCH_NAMES and BENCH_CMDS and reads the figures, hence SC2034.
# shellcheck disable=SC2034
{
	BENCH_TIMER=''
	BENCH_TMP=''
	BENCH_HOST_NAME=''
	BENCH_FLOOR_KIB=0
	BENCH_FLOOR_CPU=0
	bench_host_is_up=0
	BENCH_NAMES=() # as printed in the report
	BENCH_CMDS=()  # as run: words split on whitespace
	declare -A BENCH_FAILED=() CPU=() USR=() SYS=() MIB=() WALL=()
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

# ---- the timer --------------------------------------------------------------------------------
#
# Both timers fork a child, exec the command with stdout on /dev/null and collect the child's
# rusage with wait4(): user and system CPU seconds and ru_maxrss, the peak resident set in KiB.
# The kernel folds the RSS the forked child had *before* exec into ru_maxrss, so a timer cannot
# report less than its own resident size. GNU time is a small C program (floor ~1 MiB, CPU in
# 10 ms steps); the python fallback has a floor of ~10 MiB but microsecond CPU figures. The floor
# is measured (by timing `true`) and printed with the results.
#
# With BENCH_REPEAT > 1 a measured run executes the command that many times in a row and the CPU
# and wall figures are divided by it: this is how a command that needs a few milliseconds is
# measured with GNU time. GNU time then times a `sh` loop, whose forks count in the floor.

# The python timer. argv: OUTFILE REPEAT CMD...; writes the totals "USER SYS MAXRSS_KIB WALL".
readonly BENCH_PY_TIMER='
import os, sys, time
out, repeat, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
utime = stime = wall = 0.0
maxrss = code = 0
for _ in range(repeat):
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            sys.stderr.write("%s: %s\n" % (argv[0], e.strerror))
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    wall += time.monotonic() - t0
    utime += ru.ru_utime
    stime += ru.ru_stime
    maxrss = max(maxrss, ru.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        break
with open(out, "w") as f:
    f.write("%.6f %.6f %d %.6f\n" % (utime, stime, maxrss, wall))
sys.exit(code)
'

# Runs CMD... BENCH_REPEAT times in a row from `sh`, stopping at the first failure.
# shellcheck disable=SC2016 # expanded by that sh, not here
readonly BENCH_SH_LOOP='n=$1; shift; while [ "$n" -gt 0 ]; do "$@" || exit; n=$((n - 1)); done'

bench_pick_timer() {
	BENCH_TIMER=${ISOSCOPE_BENCH_TIMER:-}
	if [[ -z $BENCH_TIMER ]]; then
		if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%U' true 2>/dev/null >/dev/null; then
			BENCH_TIMER="time"
		else
			BENCH_TIMER="python"
		fi
	fi
	case $BENCH_TIMER in
	time) [[ -x /usr/bin/time ]] ||
		die "ISOSCOPE_BENCH_TIMER=time but /usr/bin/time is missing (Debian: apt install time)" ;;
	python) command -v python3 >/dev/null || die "ISOSCOPE_BENCH_TIMER=python needs python3" ;;
	*) die "ISOSCOPE_BENCH_TIMER must be 'time' or 'python'" ;;
	esac
}

# bench_measure OUT CMD... : run CMD BENCH_REPEAT times, stdout to /dev/null, stderr kept in
# $BENCH_TMP/err. Appends "USER SYS MAXRSS_KIB WALL" per execution to OUT; returns the command's
# exit status. (OUT is an argument, not a redirection of the call, so that an INT or TERM trap,
# which runs between commands, does not find our standard output pointing into a scratch file.)
bench_measure() {
	local out=$1 rc=0
	shift
	if [[ $BENCH_TIMER == python ]]; then
		python3 -c "$BENCH_PY_TIMER" "$BENCH_TMP/rusage" "$BENCH_REPEAT" "$@" 2>"$BENCH_TMP/err" || rc=$?
	elif ((BENCH_REPEAT == 1)); then
		/usr/bin/time -f '%U %S %M %e' -o "$BENCH_TMP/rusage" -- "$@" >/dev/null 2>"$BENCH_TMP/err" || rc=$?
	else
		/usr/bin/time -f '%U %S %M %e' -o "$BENCH_TMP/rusage" -- \
			sh -c "$BENCH_SH_LOOP" sh "$BENCH_REPEAT" "$@" >/dev/null 2>"$BENCH_TMP/err" || rc=$?
	fi
	# GNU time writes "Command exited with non-zero status N" before the figures.
	tail -n 1 "$BENCH_TMP/rusage" |
		awk -v n="$BENCH_REPEAT" '{ if (n > 1) print $1 / n, $2 / n, $3, $4 / n; else print $1, $2, $3, $4 }' >>"$out"
	return "$rc"
}

# The median of the numbers on standard input, one per line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Entries in /proc, kernel threads included. A glob only reads the directory, so processes that
# exit meanwhile cannot make it fail (find would complain about each one).
count_procs() {
	local -a p
	shopt -s nullglob
	p=(/proc/[0-9]*)
	shopt -u nullglob
	echo "${#p[@]}"
}

# ---- the synthetic host and the scratch directory ---------------------------------------------

# After `down`: warn about anything of ours that is still there.
bench_check_left_behind() {
	local name=$1 procs cgs
	[[ -n $name ]] || return 0
	procs=$(pgrep -f -- "$name-c" | wc -l || true)
	cgs=$(find /sys/fs/cgroup -maxdepth 2 -name "$name" 2>/dev/null | wc -l || true)
	if ((procs > 0 || cgs > 0)) || [[ -e $BENCH_STATE ]]; then
		printf '!! left behind after down: %d processes, %d cgroup directories named %s%s\n' \
			"$procs" "$cgs" "$name" "$([[ -e $BENCH_STATE ]] && echo ", state file $BENCH_STATE")" >&2
		return 1
	fi
	printf '== nothing left behind: no %s processes, cgroups or state file\n' "$name"
}

bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if ((bench_host_is_up)); then
		"$BENCH_HOST" down || rc=1
		bench_check_left_behind "$BENCH_HOST_NAME" || rc=1
	fi
	[[ -z $BENCH_TMP ]] || rm -rf "$BENCH_TMP"
	exit "$rc"
}

bench_init() {
	[[ $BENCH_RUNS =~ ^[1-9][0-9]*$ ]] || die "ISOSCOPE_BENCH_RUNS must be a positive integer"
	[[ $BENCH_REPEAT =~ ^[1-9][0-9]*$ ]] || die "ISOSCOPE_BENCH_REPEAT must be a positive integer"
	bench_pick_timer
	BENCH_TMP=$(mktemp -d /tmp/isoscope-bench-run.XXXXXX)
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

bench_host_up() {
	printf '== synthetic host: %d containers x %d processes\n' "$1" "$2"
	# synthetic-host.sh cleans up after itself if `up` fails; only a successful `up` is ours to undo.
	"$BENCH_HOST" up "$1" "$2"
	bench_host_is_up=1
	BENCH_HOST_NAME=$(awk '$1 == "name" { print $2 }' "$BENCH_STATE")
}

# ---- the runs ---------------------------------------------------------------------------------

bench_run() {
	local i r rc
	local -a argv

	# Outputs, for the counts (also serves as the warm-up run: the first pass over /proc and the
	# cgroup trees populates the dentry and inode caches that every later run then finds warm).
	for i in "${!BENCH_CMDS[@]}"; do
		[[ -z ${BENCH_FAILED[$i]:-} ]] || continue
		read -r -a argv <<<"${BENCH_CMDS[i]}"
		rc=0
		"${argv[@]}" >"$BENCH_TMP/out.$i" 2>"$BENCH_TMP/err.$i" || rc=$?
		if ((rc != 0)); then
			BENCH_FAILED[$i]="exit status $rc: $(head -n 1 "$BENCH_TMP/err.$i")"
		fi
	done

	# The floor: an executable that does nothing (not the shell builtin, which would not fork).
	for ((r = 0; r < BENCH_RUNS; r++)); do
		bench_measure "$BENCH_TMP/floor" "$(type -P true)"
	done
	BENCH_FLOOR_KIB=$(awk '{ print $3 }' "$BENCH_TMP/floor" | median)
	BENCH_FLOOR_CPU=$(awk '{ print $1 + $2 }' "$BENCH_TMP/floor" | median)

	# Interleave the runs (A B C A B C …) so that drift in the machine's state hits every command alike.
	for ((r = 0; r < BENCH_RUNS; r++)); do
		for i in "${!BENCH_CMDS[@]}"; do
			[[ -z ${BENCH_FAILED[$i]:-} ]] || continue
			read -r -a argv <<<"${BENCH_CMDS[i]}"
			rc=0
			bench_measure "$BENCH_TMP/runs.$i" "${argv[@]}" || rc=$?
			if ((rc != 0)); then
				BENCH_FAILED[$i]="exit status $rc on run $((r + 1)): $(head -n 1 "$BENCH_TMP/err")"
			fi
		done
	done
}

bench_medians() {
	local i f=$BENCH_TMP/runs
	# shellcheck disable=SC2034 # read by the caller
	for i in "${!BENCH_CMDS[@]}"; do
		[[ -z ${BENCH_FAILED[$i]:-} ]] || continue
		CPU[$i]=$(awk '{ printf "%.3f\n", $1 + $2 }' "$f.$i" | median)
		USR[$i]=$(awk '{ print $1 }' "$f.$i" | median)
		SYS[$i]=$(awk '{ print $2 }' "$f.$i" | median)
		MIB[$i]=$(awk '{ printf "%.1f\n", $3 / 1024 }' "$f.$i" | median)
		WALL[$i]=$(awk '{ print $4 }' "$f.$i" | median)
	done
}

# bench_check_quiet EXPECTED BEFORE AFTER: warn when the number of processes in /proc before or
# after the runs is more than 2 % off EXPECTED. Something else starting or stopping processes
# during the runs makes the figures incomparable.
bench_check_quiet() {
	local expect=$1 before=$2 after=$3 n load1
	read -r load1 _ </proc/loadavg
	for n in "$before" "$after"; do
		if ((n * 50 > expect * 51 || n * 50 < expect * 49)); then
			printf '!! expected ~%d processes, found %d before and %d after the runs (1-min load %s):\n' \
				"$expect" "$before" "$after" "$load1"
			printf '!! something else is busy on this host; run again when it is quiet\n'
			return 0
		fi
	done
}

# A one-line description of the timer, for the report header.
bench_timer_note() {
	local what=$BENCH_TIMER
	((BENCH_REPEAT == 1)) || what+=", $BENCH_REPEAT executions per run"
	awk -v w="$what" -v k="$BENCH_FLOOR_KIB" -v c="$BENCH_FLOOR_CPU" \
		'BEGIN { printf "timer: %s (floor: peak RSS %.1f MiB, CPU %.4f s)\n", w, k / 1024, c }'
}
