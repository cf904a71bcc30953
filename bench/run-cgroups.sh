#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Compare CPU time and peak RSS of `isoscope cgroups` with systemd-cgtop and systemd-cgls on a
# synthetic host, per sample, with the number of cgroups and fields each one covers.
#
# usage: bench/run-cgroups.sh [CONTAINERS [PROCS_PER_CONTAINER]]  (default 200 x 50 = 10,000 processes)
#
# Environment: ISOSCOPE               isoscope binary (default: the repository root's ./isoscope)
#              ISOSCOPE_BENCH_RUNS    measured rounds per command, the median is reported (default 3)
#              ISOSCOPE_BENCH_REPEAT  executions per measured run (default 10: systemd-cgtop needs
#                                     about 10 ms, GNU time counts in 10 ms steps)
#              ISOSCOPE_BENCH_INTERVAL seconds between the two samples of the 2-sample runs (0.2)
#              ISOSCOPE_BENCH_STRACE  0 to skip the strace summary of what each command opens
#              ISOSCOPE_BENCH_TIMER, ISOSCOPE_BENCH_STATE   as for run-ls.sh
#
# See bench/README.md for what is measured and how to read it, and bench/lib.sh for the timer.

set -euo pipefail
LC_NUMERIC=C # printf %f

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
readonly PROG=${0##*/}
readonly CONTAINERS=${1:-200}
readonly PROCS=${2:-50}
readonly INTERVAL=${ISOSCOPE_BENCH_INTERVAL:-0.2}
readonly USE_STRACE=${ISOSCOPE_BENCH_STRACE:-1}
ISOSCOPE=${ISOSCOPE:-$here/../isoscope}
BENCH_REPEAT_DEFAULT=10

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

[[ $CONTAINERS =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]*$ ]] ||
	die "usage: $PROG [CONTAINERS [PROCS_PER_CONTAINER]]"
[[ $INTERVAL =~ ^[0-9]*\.?[0-9]+$ ]] || die "ISOSCOPE_BENCH_INTERVAL must be a number of seconds"
command -v python3 >/dev/null || die "python3 is needed to count the output"

# ---- counting what each command covered ------------------------------------------------------
#
# One helper, several modes. Each prints one line: "CGROUPS FIELDS DETAIL…", where FIELDS is the
# number of values per cgroup (median over the cgroups) and DETAIL is free text for the report.
readonly COUNT_PY='
import json, os, re, statistics, sys

mode, path = sys.argv[1], sys.argv[2]
ours = re.compile(r"/isoscope-bench\.[0-9]+/c[0-9]{4}$")
structural = {"path", "hierarchies", "children"}

def isojson():
    with open(path) as f:
        doc = json.load(f)
    def walk(nodes):
        for n in nodes:
            yield n
            yield from walk(n.get("children", []))
    groups = list(walk(doc["cgroups"]))
    keys = [len(set(g) - structural) for g in groups]
    dirs = sum(len(g.get("hierarchies", [])) for g in groups)
    mine = [g for g in groups if ours.search(g["path"])]
    detail = "%d directories in its hierarchies; keys per cgroup %d-%d" % (dirs, min(keys), max(keys))
    if mine:
        g = mine[0]
        vals = [k for k in set(g) - structural if g[k] is not None]
        detail += "; a container cgroup: %d keys, %d with a value, from %d hierarchies" % (
            len(set(g) - structural), len(vals), len(g.get("hierarchies", [])))
    print(len(groups), int(statistics.median(keys)), detail)

def isotable():
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    head = lines[0].split()
    print(len(lines) - 1, len(head) - 1, "columns: " + " ".join(head[1:]))

def cgtop():
    with open(path) as f:
        blocks = f.read().strip("\n").split("\n\n")
    rows = [l.split() for l in blocks[-1].splitlines() if l.strip()]
    filled = [sum(1 for v in r[-5:] if v != "-") for r in rows]
    mine = [f for r, f in zip(rows, filled) if ours.search(r[0])]
    detail = "samples printed: %d; of its 5 value columns (tasks, CPU%%, memory, IO in/s, out/s)" % len(blocks)
    detail += " a row has %d-%d filled" % (min(filled), max(filled))
    if mine:
        detail += ", a container row %d" % mine[0]
    print(len(rows), int(statistics.median(filled)), detail)

def cgls():
    groups = procs = 0
    with open(path) as f:
        for l in f.read().splitlines()[1:]:
            name = l.lstrip("│├└─|`- ")
            if not name:
                continue
            if re.match(r"[0-9]+ ", name):
                procs += 1
            else:
                groups += 1
    print(groups, "-", "%d process lines (pid and command line, one per process)" % procs)

def host():
    # Every mounted cgroup hierarchy (one per superblock), its directories and their depth.
    seen, dirs, depth, paths = set(), 0, 0, set()
    with open("/proc/self/mounts") as f:
        mounts = [l.split() for l in f]
    for m in mounts:
        if m[2] not in ("cgroup", "cgroup2"):
            continue
        dev = os.stat(m[1]).st_dev
        if dev in seen:
            continue
        seen.add(dev)
        for d, _, _ in os.walk(m[1]):
            rel = os.path.relpath(d, m[1])
            dirs += 1
            paths.add(rel)
            if rel != ".":
                depth = max(depth, rel.count("/") + 1)
    print(len(seen), dirs, len(paths), depth)

def opens():
    # strace -f -e trace=openat,read,getdents64 output. Counts the files opened under /proc and
    # /sys/fs/cgroup, or relative to a directory descriptor (which is how isoscope opens cgroup
    # files), by name; directories, libraries and locale files only in the totals.
    ok, bad, dirs, reads, dents = {}, {}, 0, 0, 0
    for l in open(path):
        m = re.search(r"openat\([^,]+, \"([^\"]*)\", ([A-Z_|]+).*\) = (-?[0-9]+)", l)
        if m:
            name, flags, fd = m.group(1), m.group(2), int(m.group(3))
            if "O_DIRECTORY" in flags:
                dirs += 1
                continue
            if name.startswith("/proc/"):
                name = re.sub(r"^/proc/[0-9]+/", "/proc/PID/", name)
            elif name.startswith("/sys/fs/cgroup/") or not name.startswith("/"):
                name = os.path.basename(name)
            else:
                continue
            table = ok if fd >= 0 else bad
            table[name] = table.get(name, 0) + 1
        elif re.search(r"\bread\(", l):
            reads += 1
        elif "getdents64(" in l:
            dents += 1
    top = lambda t: ", ".join("%s %d" % kv for kv in sorted(t.items(), key=lambda kv: -kv[1])[:8])
    print("%d files opened, %d opens failed, %d directories opened, %d reads, %d getdents64" % (
        sum(ok.values()), sum(bad.values()), dirs, reads, dents))
    print("      opened: " + (top(ok) or "-"))
    if bad:
        print("      failed: " + top(bad))

{"isojson": isojson, "isotable": isotable, "cgtop": cgtop, "cgls": cgls, "host": host,
 "opens": opens}[mode]()
'

count() {
	python3 -c "$COUNT_PY" "$@" 2>/dev/null || echo "? ? (could not parse $2)"
}

# ---- the synthetic host and the commands -------------------------------------------------------

bench_init
nproc_base=$(count_procs)
bench_host_up "$CONTAINERS" "$PROCS"
read -r n_hier n_dirs n_paths deepest < <(count host -)
depth=$((deepest > 0 ? deepest : 1))

# add_cmd VAR NAME SAMPLES CMD: append a command; VAR receives its index.
SAMPLES=()
add_cmd() {
	printf -v "$1" '%d' "${#BENCH_CMDS[@]}"
	BENCH_NAMES+=("$2")
	SAMPLES+=("$3")
	BENCH_CMDS+=("$4")
}

add_cmd I_JSON "isoscope cgroups --json -a" 1 "$ISOSCOPE cgroups --json -a"
add_cmd I_TABLE "isoscope cgroups -a" 1 "$ISOSCOPE cgroups -a"
add_cmd I_IVAL "isoscope cgroups --json -a --interval $INTERVAL" 2 \
	"$ISOSCOPE cgroups --json -a --interval $INTERVAL"
add_cmd I_TOP "systemd-cgtop -b -n 1" 1 "systemd-cgtop -b -n 1"
add_cmd I_TOPD "systemd-cgtop -b -n 1 --depth=$depth" 1 "systemd-cgtop -b -n 1 --depth=$depth"
add_cmd I_TOP2 "systemd-cgtop -b -n 2 -d $INTERVAL --depth=$depth" 2 \
	"systemd-cgtop -b -n 2 -d $INTERVAL --depth=$depth"
add_cmd I_CGLS "systemd-cgls --no-pager" - "systemd-cgls --no-pager"

have_isoscope=1
if [[ ! -x $ISOSCOPE ]]; then
	have_isoscope=0
	printf '!! isoscope not found at %s (set ISOSCOPE=); measuring the peers only\n' "$ISOSCOPE"
fi
for i in "${!BENCH_CMDS[@]}"; do
	read -r cmd _ <<<"${BENCH_CMDS[i]}"
	if [[ $cmd == "$ISOSCOPE" ]]; then
		((have_isoscope)) || BENCH_FAILED[$i]="not found"
	elif ! command -v "$cmd" >/dev/null; then
		BENCH_FAILED[$i]="not installed"
	fi
done

nproc_host=$(count_procs)
bench_run
nproc_after=$(count_procs)

# What each command opens and reads in one run (not timed: strace slows everything down).
if [[ $USE_STRACE == 1 ]] && command -v strace >/dev/null; then
	for i in "${!BENCH_CMDS[@]}"; do
		[[ -z ${BENCH_FAILED[$i]:-} ]] || continue
		read -r -a argv <<<"${BENCH_CMDS[i]}"
		strace -f -qq -e trace=openat,read,getdents64 -o "$BENCH_TMP/strace.$i" \
			"${argv[@]}" >/dev/null 2>&1 || rm -f "$BENCH_TMP/strace.$i"
	done
fi

# ---- the report -------------------------------------------------------------------------------

bench_medians

# ratio A B: A / B with two decimals, or "-" when either is missing or B is 0.
ratio() {
	awk -v a="${1:--}" -v b="${2:--}" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 <= 0) print "-"; else printf "%.2fx\n", a / b }'
}
# minus A B: A - B, or "-".
minus() {
	awk -v a="${1:--}" -v b="${2:--}" 'BEGIN {
		if (a == "-" || b == "-") print "-"; else printf "%.3f\n", a - b }'
}

declare -A NCG=() NFIELDS=() DETAIL=()
for i in "${!BENCH_CMDS[@]}"; do
	[[ -z ${BENCH_FAILED[$i]:-} ]] || continue
	case $i in
	"$I_JSON" | "$I_IVAL") mode=isojson ;;
	"$I_TABLE") mode=isotable ;;
	"$I_CGLS") mode=cgls ;;
	*) mode=cgtop ;;
	esac
	read -r "NCG[$i]" "NFIELDS[$i]" "DETAIL[$i]" < <(count "$mode" "$BENCH_TMP/out.$i")
done

printf '\n== %s, %d CPUs; %s\n' "$(uname -sr)" "$(nproc)" \
	"$(systemd-cgtop --version 2>/dev/null | head -n 1 || echo "systemd-cgtop not installed")"
printf '== isoscope: %s\n' "$( ((have_isoscope)) && stat -L -c '%n (modified %y)' "$ISOSCOPE" || echo "(not found)")"
printf '== %d processes on the host (/proc); %d cgroup hierarchies, %d cgroup directories, %d distinct paths, deepest at depth %d\n' \
	"$nproc_host" "$n_hier" "$n_dirs" "$n_paths" "$deepest"
printf '== pid 1 is %s; median of %d runs; %s\n\n' "$(cat /proc/1/comm 2>/dev/null || echo '?')" \
	"$BENCH_RUNS" "$(bench_timer_note)"

head='%-46s %7s %7s %7s %7s %7s %8s %8s %8s %7s %6s\n'
fmt='%-46s %7s %7.3f %7.3f %7.3f %7.3f %8.1f %8s %8s %7s %6s\n'
# shellcheck disable=SC2059 # the formats are ours
printf "$head" "command" "samples" "CPU s" "user s" "sys s" "wall s" "peak MiB" "CPU/iso" "MiB/iso" \
	"cgroups" "fields"
for i in "${!BENCH_CMDS[@]}"; do
	if [[ -n ${BENCH_FAILED[$i]:-} ]]; then
		printf '%-46s %s\n' "${BENCH_NAMES[i]}" "FAILED (${BENCH_FAILED[$i]})"
		continue
	fi
	# shellcheck disable=SC2059
	printf "$fmt" "${BENCH_NAMES[i]}" "${SAMPLES[i]}" "${CPU[$i]}" "${USR[$i]}" "${SYS[$i]}" \
		"${WALL[$i]}" "${MIB[$i]}" "$(ratio "${CPU[$i]}" "${CPU[$I_JSON]:-}")" \
		"$(ratio "${MIB[$i]}" "${MIB[$I_JSON]:-}")" "${NCG[$i]}" "${NFIELDS[$i]}"
done
printf '(CPU/iso, MiB/iso: this command divided by isoscope cgroups --json -a. fields per cgroup, median:\n'
printf ' isoscope JSON keys, isoscope table columns, systemd-cgtop columns with a value)\n'

printf '\nwhat each one covered:\n'
for i in "${!BENCH_CMDS[@]}"; do
	[[ -z ${BENCH_FAILED[$i]:-} ]] || continue
	printf '  %-46s %s cgroups; %s\n' "${BENCH_NAMES[i]}" "${NCG[$i]}" "${DETAIL[$i]}"
done

# The issue's target: isoscope no slower than systemd-cgtop per sample, over the same cgroups.
# `systemd-cgtop -n 1` takes ONE sample (its CPU% and IO columns stay "-": they need a previous
# sample); -n 2 takes a second one after -d. Likewise isoscope samples once, or twice with
# --interval. So the first sample is the 1-sample run, and each further sample costs the
# difference between the 2-sample and the 1-sample run (the sleep costs no CPU).
iso1=${CPU[$I_JSON]:-} iso2=${CPU[$I_IVAL]:-} top1=${CPU[$I_TOPD]:-} top2=${CPU[$I_TOP2]:-}
iso_next=$(minus "$iso2" "$iso1")
top_next=$(minus "$top2" "$top1")
printf '\n%-58s %8s %14s %15s\n' 'per sample, over the same cgroups (CPU s)' isoscope systemd-cgtop isoscope/cgtop
printf '  %-56s %8s %14s %15s\n' "first sample (start, 1 sample, print: the 1-sample run)" \
	"${iso1:--}" "${top1:--}" "$(ratio "$iso1" "$top1")"
printf '  %-56s %8s %14s %15s\n' "each further sample (2-sample run - 1-sample run)" \
	"$iso_next" "$top_next" "$(ratio "$iso_next" "$top_next")"
printf '  %-56s %8s %14s\n' "wall of the 2-sample run minus the ${INTERVAL} s sleep" \
	"$(minus "${WALL[$I_IVAL]:-}" "$INTERVAL")" "$(minus "${WALL[$I_TOP2]:-}" "$INTERVAL")"
printf '  %-56s %8s %14s\n' "values per cgroup in the 1-sample output (median)" \
	"${NFIELDS[$I_JSON]:--}" "${NFIELDS[$I_TOPD]:--}"
printf '  %-56s %8s %14s\n' "cgroups covered" "${NCG[$I_JSON]:--}" "${NCG[$I_TOPD]:--}"
verdict=$(awk -v a="${iso1:--}" -v b="${top1:--}" -v c="$iso_next" -v d="$top_next" 'BEGIN {
	if (a == "-" || b == "-" || c == "-" || d == "-") print "cannot tell (a command failed)";
	else if (b <= 0 || d <= 0) print "cannot tell (systemd-cgtop is below the timer resolution: raise ISOSCOPE_BENCH_REPEAT)";
	else if (a <= b && c <= d) print "met: isoscope is no slower per sample";
	else printf "NOT met: isoscope needs %.1fx the CPU of systemd-cgtop for a first sample, %.1fx for a further one\n", a / b, c / d }')
printf 'target (isoscope no slower than systemd-cgtop per sample): %s\n' "$verdict"

if [[ $USE_STRACE == 1 ]] && command -v strace >/dev/null; then
	printf '\nwhat one run opens and reads (strace -f; cgroup files by name, /proc files by pattern):\n'
	for i in "${!BENCH_CMDS[@]}"; do
		[[ -f $BENCH_TMP/strace.$i ]] || continue
		printf '  %s: %s\n' "${BENCH_NAMES[i]}" "$(count opens "$BENCH_TMP/strace.$i")"
	done
fi

for i in "${!BENCH_CMDS[@]}"; do
	[[ -z ${BENCH_FAILED[$i]:-} && -s $BENCH_TMP/err.$i ]] || continue
	printf '!! %s wrote to stderr: %s\n' "${BENCH_NAMES[i]}" "$(head -n 1 "$BENCH_TMP/err.$i")"
done
bench_check_quiet $((nproc_base + CONTAINERS * PROCS + CONTAINERS)) "$nproc_host" "$nproc_after"
