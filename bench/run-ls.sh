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
#              ISOSCOPE_BENCH_REPEAT executions per measured run (default 1; see lib.sh)
#              ISOSCOPE_BENCH_STATE passed on to synthetic-host.sh
#
# See bench/README.md for what is measured and how to read it, and bench/lib.sh for the timer.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly CONTAINERS=${1:-200}
readonly PROCS=${2:-50}
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

[[ $CONTAINERS =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]*$ ]] ||
	die "usage: $PROG [CONTAINERS [PROCS_PER_CONTAINER]]"
command -v python3 >/dev/null || die "python3 is needed to count JSON output"

# Count the namespaces in lsns-style JSON, descending into "children" in case of tree output.
count_namespaces() {
	python3 -c '
import json, sys
def count(nodes):
    return sum(1 + count(n.get("children", [])) for n in nodes)
print(count(json.load(sys.stdin)["namespaces"]))
' <"$1" 2>/dev/null || echo "?"
}

bench_init
nproc_base=$(count_procs)
bench_host_up "$CONTAINERS" "$PROCS"

# ---- the commands -----------------------------------------------------------------------------

short=() # as printed in the ratio
have_isoscope=0
if [[ -x $ISOSCOPE ]]; then
	have_isoscope=1
	BENCH_NAMES+=("isoscope ls -J")
	short+=("isoscope")
	BENCH_CMDS+=("$ISOSCOPE ls -J")
else
	printf '!! isoscope not found at %s (set ISOSCOPE=); measuring the peers only\n' "$ISOSCOPE"
fi
BENCH_NAMES+=("lsns -J" "ps -eo <ns>,cgroup")
short+=("lsns -J" "ps")
BENCH_CMDS+=("lsns -J" "ps -eo pid,ipcns,mntns,netns,pidns,userns,utsns,cgroup")

nproc_host=$(count_procs)
bench_run
nproc_after=$(count_procs)

# ---- the report -------------------------------------------------------------------------------

bench_medians

printf '\n== %s, %d CPUs; lsns/ps: %s / %s\n' "$(uname -sr)" "$(nproc)" \
	"$(lsns --version | awk '{ print $NF }')" "$(ps --version | awk '{ print $NF }')"
printf '== isoscope: %s\n' "$( ((have_isoscope)) && readlink -f "$ISOSCOPE" || echo "(not found)")"
printf '== %d processes on the host (/proc); median of %d runs; %s\n\n' \
	"$nproc_host" "$BENCH_RUNS" "$(bench_timer_note)"

printf '%-20s %8s %8s %8s %8s %9s  %s\n' "command" "CPU s" "user s" "sys s" "wall s" "peak MiB" \
	"CPU vs isoscope"
for i in "${!BENCH_CMDS[@]}"; do
	if [[ -n ${BENCH_FAILED[$i]:-} ]]; then
		printf '%-20s %s\n' "${BENCH_NAMES[i]}" "FAILED (${BENCH_FAILED[$i]})"
		continue
	fi
	ratio=""
	if ((have_isoscope)) && [[ -z ${BENCH_FAILED[0]:-} ]]; then
		if ((i == 0)); then
			ratio="(baseline)"
		else
			ratio=$(awk -v a="${CPU[$i]}" -v b="${CPU[0]}" -v n="${short[i]}" \
				'BEGIN { if (b > 0) printf "%s / isoscope = %.1fx", n, a / b; else print "n/a (isoscope CPU below resolution)" }')
		fi
	fi
	printf '%-20s %8s %8s %8s %8s %9s  %s\n' "${BENCH_NAMES[i]}" "${CPU[$i]}" "${USR[$i]}" "${SYS[$i]}" \
		"${WALL[$i]}" "${MIB[$i]}" "$ratio"
done

printf '\nnamespaces reported:'
for i in "${!BENCH_CMDS[@]}"; do
	if [[ -n ${BENCH_FAILED[$i]:-} ]]; then
		printf '  %s: failed' "${BENCH_NAMES[i]}"
		continue
	fi
	case ${BENCH_NAMES[i]} in
	isoscope*) printf '  isoscope ls -J: %s' "$(count_namespaces "$BENCH_TMP/out.$i")" ;;
	lsns*) printf '  lsns -J: %s' "$(count_namespaces "$BENCH_TMP/out.$i")" ;;
	ps*) printf '  (ps rows: %s)' "$(($(wc -l <"$BENCH_TMP/out.$i") - 1))" ;;
	*) ;;
	esac
done
printf '\nexpected at least %d namespaces from the containers (pid, mnt, net, uts, ipc each)\n' \
	$((CONTAINERS * 5))

bench_check_quiet $((nproc_base + CONTAINERS * PROCS + CONTAINERS)) "$nproc_host" "$nproc_after"
