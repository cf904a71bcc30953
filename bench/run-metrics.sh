#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time `isoscope metrics` on a synthetic host: the default cgroup selection, --all, and the same
# data as `isoscope cgroups -J -a`, per scan; then the latency of scrapes of `metrics --listen` with
# curl and the server's resident size after them.  How many series each exposition has is printed
# beside the figures (the cost of a Prometheus target grows with its series).
#
# usage: bench/run-metrics.sh [CONTAINERS [PROCS_PER_CONTAINER]]  (default 200 x 50 = 10,000 processes)
#
# Environment: ISOSCOPE                isoscope binary (default: the repository root's ./isoscope)
#              ISOSCOPE_BENCH_SCRAPES  scrapes of the HTTP endpoint (default 50)
#              ISOSCOPE_BENCH_RUNS, ISOSCOPE_BENCH_REPEAT, ISOSCOPE_BENCH_TIMER, ISOSCOPE_BENCH_STATE
#                                      as for run-ls.sh (bench/README.md)

set -euo pipefail
LC_NUMERIC=C # printf %f

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly CONTAINERS=${1:-200}
readonly PROCS=${2:-50}
readonly SCRAPES=${ISOSCOPE_BENCH_SCRAPES:-50}
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

[[ $CONTAINERS =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]*$ && $SCRAPES =~ ^[1-9][0-9]*$ ]] ||
	die "usage: $PROG [CONTAINERS [PROCS_PER_CONTAINER]]"
[[ -x $ISOSCOPE ]] || die "no isoscope binary at $ISOSCOPE (run make, or set ISOSCOPE=)"
command -v curl >/dev/null || die "curl is needed for the HTTP scrapes"

bench_init
bench_host_up "$CONTAINERS" "$PROCS"

BENCH_NAMES+=("isoscope metrics" "isoscope metrics --all" "isoscope cgroups -J -a")
BENCH_CMDS+=("$ISOSCOPE metrics" "$ISOSCOPE metrics --all" "$ISOSCOPE cgroups -J -a")
bench_run
bench_medians

printf '\n== %s, %d CPUs; isoscope: %s\n' "$(uname -sr)" "$(nproc)" "$(readlink -f "$ISOSCOPE")"
printf '== %d containers x %d processes; median of %d runs; %s\n\n' "$CONTAINERS" "$PROCS" "$BENCH_RUNS" \
	"$(bench_timer_note)"
printf '%-24s %8s %8s %9s %9s %9s\n' "command" "CPU s" "wall s" "peak MiB" "series" "KiB out"
for i in "${!BENCH_CMDS[@]}"; do
	if [[ -n ${BENCH_FAILED[$i]:-} ]]; then
		printf '%-24s %s\n' "${BENCH_NAMES[i]}" "FAILED (${BENCH_FAILED[$i]})"
		continue
	fi
	series=-
	[[ ${BENCH_NAMES[i]} == *metrics* ]] && series=$(grep -vc '^#' "$BENCH_TMP/out.$i" || true)
	printf '%-24s %8s %8s %9s %9s %9s\n' "${BENCH_NAMES[i]}" "${CPU[$i]}" "${WALL[$i]}" "${MIB[$i]}" "$series" \
		$(($(wc -c <"$BENCH_TMP/out.$i") / 1024))
done

# ---- the HTTP endpoint
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ISOSCOPE" metrics --listen "$port" 2>"$BENCH_TMP/server.err" &
server=$!
for _ in $(seq 50); do
	grep -qs "serving http" "$BENCH_TMP/server.err" && break
	sleep 0.1
done
for _ in $(seq "$SCRAPES"); do
	curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics" >>"$BENCH_TMP/scrapes" || true
done
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$server/status")
kill -TERM "$server"
wait "$server" || true
printf '\nHTTP: %d scrapes of http://127.0.0.1:%s/metrics: median %.1f ms, max %.1f ms; server RSS %.1f MiB after them\n' \
	"$(wc -l <"$BENCH_TMP/scrapes")" "$port" \
	"$(sort -n "$BENCH_TMP/scrapes" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] * 1000 }')" \
	"$(sort -n "$BENCH_TMP/scrapes" | tail -n 1 | awk '{ print $1 * 1000 }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
