#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Compare CPU time and peak RSS of `isoscope ls -J`, `lsns -J` and `ps -eo <ns>` on a synthetic host.
#
# usage: bench/run-ls.sh [CONTAINERS [PROCS_PER_CONTAINER]]     (default 200 x 50 = 10,000 processes)
#
# Environment: ISOSCOPE            isoscope binary (default: the repository root's ./isoscope)
#              ISOSCOPE_BENCH_RUNS runs per command, the median is reported (default 3)
#              ISOSCOPE_BENCH_TIMER "time" for GNU /usr/bin/time (the default when installed) or
#                                   "python" for the os.wait4() fallback
#              ISOSCOPE_BENCH_STATE passed on to synthetic-host.sh
#
# See bench/README.md for what is measured and how to read it.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly HOST="$here/synthetic-host.sh"
readonly CONTAINERS=${1:-200}
readonly PROCS=${2:-50}
readonly RUNS=${ISOSCOPE_BENCH_RUNS:-3}
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

[[ $CONTAINERS =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]*$ ]] ||
	die "usage: $PROG [CONTAINERS [PROCS_PER_CONTAINER]]"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "ISOSCOPE_BENCH_RUNS must be a positive integer"
command -v python3 >/dev/null || die "python3 is needed to count JSON output"

# ---- the timer --------------------------------------------------------------------------------
#
# Both timers fork a child, exec the command with stdout on /dev/null and collect the child's
# rusage with wait4(): user and system CPU seconds and ru_maxrss, the peak resident set in KiB.
# The kernel folds the RSS the forked child had *before* exec into ru_maxrss, so a timer cannot
# report less than its own resident size. GNU time is a small C program (floor ~1 MiB, CPU in
# 10 ms steps); the python fallback has a floor of ~10 MiB but microsecond CPU figures. The floor
# is measured below (by timing `true`) and printed with the results.

timer=${ISOSCOPE_BENCH_TIMER:-}
if [[ -z $timer ]]; then
	if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%U' true 2>/dev/null >/dev/null; then
		timer="time"
	else
		timer="python"
	fi
fi
case $timer in
time) [[ -x /usr/bin/time ]] || die "ISOSCOPE_BENCH_TIMER=time but /usr/bin/time is missing (Debian: apt install time)" ;;
python) ;;
*) die "ISOSCOPE_BENCH_TIMER must be 'time' or 'python'" ;;
esac

readonly PY_TIMER='
import os, sys, time
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as e:
        sys.stderr.write("%s: %s\n" % (sys.argv[2], e.strerror))
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
with open(sys.argv[1], "w") as out:
    out.write("%.3f %.3f %d %.3f\n" % (ru.ru_utime, ru.ru_stime, ru.ru_maxrss, wall))
sys.exit(os.waitstatus_to_exitcode(status))
'

tmp=$(mktemp -d /tmp/isoscope-bench-run.XXXXXX)
readonly tmp

# measure CMD... : run once, stdout to /dev/null, stderr kept in $tmp/err.
# Prints "USER SYS MAXRSS_KIB WALL"; returns the command's exit status.
measure() {
	local rc=0
	if [[ $timer == time ]]; then
		/usr/bin/time -f '%U %S %M %e' -o "$tmp/rusage" -- "$@" >/dev/null 2>"$tmp/err" || rc=$?
	else
		python3 -c "$PY_TIMER" "$tmp/rusage" "$@" 2>"$tmp/err" || rc=$?
	fi
	# GNU time writes "Command exited with non-zero status N" before the figures.
	tail -n 1 "$tmp/rusage"
	return "$rc"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Count the namespaces in lsns-style JSON, descending into "children" in case of tree output.
count_namespaces() {
	python3 -c '
import json, sys
def count(nodes):
    return sum(1 + count(n.get("children", [])) for n in nodes)
print(count(json.load(sys.stdin)["namespaces"]))
' <"$1" 2>/dev/null || echo "?"
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

# ---- the synthetic host -----------------------------------------------------------------------

host_up=0
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if ((host_up)); then
		"$HOST" down || rc=1
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

nproc_base=$(count_procs)
printf '== synthetic host: %d containers x %d processes\n' "$CONTAINERS" "$PROCS"
# synthetic-host.sh cleans up after itself if `up` fails; only a successful `up` is ours to undo.
"$HOST" up "$CONTAINERS" "$PROCS"
host_up=1

# ---- the commands -----------------------------------------------------------------------------

names=() # as printed in the table
short=() # as printed in the ratio
cmds=()
have_isoscope=0
if [[ -x $ISOSCOPE ]]; then
	have_isoscope=1
	names+=("isoscope ls -J")
	short+=("isoscope")
	cmds+=("$ISOSCOPE ls -J")
else
	printf '!! isoscope not found at %s (set ISOSCOPE=); measuring the peers only\n' "$ISOSCOPE"
fi
names+=("lsns -J" "ps -eo <ns>,cgroup")
short+=("lsns -J" "ps")
cmds+=("lsns -J" "ps -eo pid,ipcns,mntns,netns,pidns,userns,utsns,cgroup")

nproc_host=$(count_procs)

# Outputs, for the counts (also serves as the warm-up run: the first pass over /proc populates
# the dentry and inode caches that every later run then finds warm).
declare -A failed=()
for i in "${!cmds[@]}"; do
	read -r -a argv <<<"${cmds[i]}"
	rc=0
	"${argv[@]}" >"$tmp/out.$i" 2>"$tmp/err" || rc=$?
	if ((rc != 0)); then
		failed[$i]="exit status $rc: $(head -n 1 "$tmp/err")"
	fi
done

# Interleave the runs (A B C A B C …) so that drift in the machine's state hits every command alike.
floor_kib=$(for ((r = 0; r < RUNS; r++)); do measure true | awk '{ print $3 }'; done | median)
for ((r = 0; r < RUNS; r++)); do
	for i in "${!cmds[@]}"; do
		[[ -z ${failed[$i]:-} ]] || continue
		read -r -a argv <<<"${cmds[i]}"
		rc=0
		measure "${argv[@]}" >>"$tmp/runs.$i" || rc=$?
		if ((rc != 0)); then
			failed[$i]="exit status $rc on run $((r + 1)): $(head -n 1 "$tmp/err")"
		fi
	done
done

nproc_after=$(count_procs)
read -r load1 _ </proc/loadavg

# ---- the report -------------------------------------------------------------------------------

declare -A cpu=() usr=() sys=() mib=() wall=()
for i in "${!cmds[@]}"; do
	[[ -z ${failed[$i]:-} ]] || continue
	cpu[$i]=$(awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/runs.$i" | median)
	usr[$i]=$(awk '{ print $1 }' "$tmp/runs.$i" | median)
	sys[$i]=$(awk '{ print $2 }' "$tmp/runs.$i" | median)
	mib[$i]=$(awk '{ printf "%.1f\n", $3 / 1024 }' "$tmp/runs.$i" | median)
	wall[$i]=$(awk '{ print $4 }' "$tmp/runs.$i" | median)
done

printf '\n== %s, %d CPUs; lsns/ps: %s / %s\n' "$(uname -sr)" "$(nproc)" \
	"$(lsns --version | awk '{ print $NF }')" "$(ps --version | awk '{ print $NF }')"
printf '== isoscope: %s\n' "$( ((have_isoscope)) && readlink -f "$ISOSCOPE" || echo "(not found)")"
printf '== %d processes on the host (/proc); median of %d runs; timer: %s (peak RSS floor %.1f MiB)\n\n' \
	"$nproc_host" "$RUNS" "$timer" "$(awk -v k="$floor_kib" 'BEGIN { print k / 1024 }')"

printf '%-20s %8s %8s %8s %8s %9s  %s\n' "command" "CPU s" "user s" "sys s" "wall s" "peak MiB" \
	"CPU vs isoscope"
for i in "${!cmds[@]}"; do
	if [[ -n ${failed[$i]:-} ]]; then
		printf '%-20s %s\n' "${names[i]}" "FAILED (${failed[$i]})"
		continue
	fi
	ratio=""
	if ((have_isoscope)) && [[ -z ${failed[0]:-} ]]; then
		if ((i == 0)); then
			ratio="(baseline)"
		else
			ratio=$(awk -v a="${cpu[$i]}" -v b="${cpu[0]}" -v n="${short[i]}" \
				'BEGIN { if (b > 0) printf "%s / isoscope = %.1fx", n, a / b; else print "n/a (isoscope CPU below resolution)" }')
		fi
	fi
	printf '%-20s %8s %8s %8s %8s %9s  %s\n' "${names[i]}" "${cpu[$i]}" "${usr[$i]}" "${sys[$i]}" \
		"${wall[$i]}" "${mib[$i]}" "$ratio"
done

printf '\nnamespaces reported:'
for i in "${!cmds[@]}"; do
	if [[ -n ${failed[$i]:-} ]]; then
		printf '  %s: failed' "${names[i]}"
		continue
	fi
	case ${names[i]} in
	isoscope*) printf '  isoscope ls -J: %s' "$(count_namespaces "$tmp/out.$i")" ;;
	lsns*) printf '  lsns -J: %s' "$(count_namespaces "$tmp/out.$i")" ;;
	ps*) printf '  (ps rows: %s)' "$(($(wc -l <"$tmp/out.$i") - 1))" ;;
	*) ;;
	esac
done
printf '\nexpected at least %d namespaces from the containers (pid, mnt, net, uts, ipc each)\n' \
	$((CONTAINERS * 5))

# Something else starting or stopping processes during the runs makes the figures incomparable.
expect=$((nproc_base + CONTAINERS * PROCS + CONTAINERS))
for n in "$nproc_host" "$nproc_after"; do
	if ((n * 50 > expect * 51 || n * 50 < expect * 49)); then
		printf '!! expected ~%d processes, found %d before and %d after the runs (1-min load %s):\n' \
			"$expect" "$nproc_host" "$nproc_after" "$load1"
		printf '!! something else is busy on this host; run again when it is quiet\n'
		break
	fi
done
