#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups.t: `isoscope cgroups` on real cgroups of a hybrid host, each value against the kernel.
#
# The test creates /isoscope-test.PID in the memory, pids, cpu and cpuacct v1 hierarchies and
# in the cgroup2 tree at unified/, with children that it fills with its own processes only:
#   /isoscope-test.PID          memory.limit_in_bytes 64M, pids.max 16, cfs quota 20000/100000;
#                               a CPU burner, three sleeps and a shell holding 4 MiB
#   /isoscope-test.PID/forks    pids.max 4 and a fork loop that runs into it
#   /isoscope-test.PID/oom      memory limit 32M and a hog (head -c 100M /dev/zero | tail)
#                               that the OOM killer kills
#   /isoscope-test.PID/uts      (memory hierarchy only) `unshare --uts sleep` for `isoscope ls`
# A process enters a cgroup by writing its own pid to cgroup.procs before it forks, so all
# that it starts stays there.  The values isoscope reports are compared with the kernel's files
# read by the test around the same moment: counters must lie between a read before and a read
# after; a comparison that races with a change is retried.  The EXIT trap kills what is in
# these cgroups, waits for it and removes the cgroups, also when the test fails.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/ns-helpers.sh
. "$here/../lib/ns-helpers.sh"

require_root
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON output"
command -v unshare >/dev/null || skip_all "unshare (util-linux) is needed"
CG=/sys/fs/cgroup
for h in memory pids cpu cpuacct; do
  [ -f "$CG/$h/cgroup.procs" ] || skip_all "no v1 $h hierarchy at $CG/$h (this test is for hybrid hosts)"
done
[ -f "$CG/unified/cgroup.controllers" ] || skip_all "no cgroup2 hierarchy at $CG/unified (not a hybrid host)"

export LC_ALL=C.UTF-8
unset COLUMNS LINES
NAME=isoscope-test.$$
REL=/$NAME
tmp=$(mktemp -d)

# The directories of this test's cgroup in each hierarchy (cpu and cpuacct may be one
# co-mounted hierarchy, reached through symlinks: keep each real directory once).
HDIRS=()
for h in memory pids cpu cpuacct unified; do
  d=$(readlink -f "$CG/$h")
  case " ${HDIRS[*]} " in
    *" $d "*) ;;
    *) HDIRS+=("$d") ;;
  esac
done
MEMROOT=$(readlink -f "$CG/memory")
MEM=$MEMROOT$REL
PIDS=$(readlink -f "$CG/pids")$REL
CPU=$(readlink -f "$CG/cpu")$REL
CPUACCT=$(readlink -f "$CG/cpuacct")$REL
UNI=$CG/unified$REL

BG=() # background processes this test started

# cleanup: kill every process in this test's cgroups (only ours can be there) and the ones
# it started, reap them, then remove the cgroups, deepest first, retrying while they drain.
cleanup() {
  local d f pid
  for _ in 1 2 3 4 5; do
    {
      for d in "${HDIRS[@]}"; do
        for f in "$d$REL"/*/cgroup.procs "$d$REL/cgroup.procs"; do
          [ -f "$f" ] || continue
          while read -r pid; do
            [ -n "$pid" ] && kill -KILL "$pid"
          done <"$f"
        done
      done
      for pid in "${BG[@]}"; do
        kill -KILL "$pid"
      done
      wait
    } 2>/dev/null
    local busy=0
    for d in "${HDIRS[@]}"; do
      for f in "$d$REL"/*/cgroup.procs "$d$REL/cgroup.procs"; do
        [ -s "$f" ] && busy=1
      done
    done
    [ "$busy" -eq 0 ] && break
    sleep 0.2
  done
  for d in "${HDIRS[@]}"; do
    [ -d "$d$REL" ] || continue
    for _ in $(seq 1 25); do
      for f in "$d$REL"/*/; do
        [ -d "$f" ] && rmdir "$f" 2>/dev/null
      done
      rmdir "$d$REL" 2>/dev/null && break
      sleep 0.2
    done
    [ -d "$d$REL" ] && echo "# cleanup: could not remove $d$REL" >&2
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# todo_ok STATUS DESCRIPTION REASON: an assertion for a known isoscope bug (TAP TODO).
todo_ok() {
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2 # TODO $3"
  else
    echo "not ok $TAP_N - $2 # TODO $3"
  fi
}

# launch REL_PATH HIERARCHY_DIRS CMD...: start CMD in the background after moving the
# subshell that runs it into REL_PATH of every directory in HIERARCHY_DIRS (a ':'-list);
# everything CMD starts stays in those cgroups.  Sets $LAUNCHED to its pid.
launch() {
  local rel=$1 dirs=$2
  shift 2
  (
    IFS=: read -r -a ds <<<"$dirs"
    for d in "${ds[@]}"; do
      echo "$BASHPID" >"$d$rel/cgroup.procs" || exit 125
    done
    exec "$@"
  ) &
  LAUNCHED=$!
  BG+=("$LAUNCHED")
}
ALL_DIRS=$(
  IFS=:
  echo "${HDIRS[*]}"
)

# iso_json FILE ARGS...: `isoscope cgroups --json -a ARGS` into FILE; returns its status.
iso_json() {
  local f=$1
  shift
  "$ISOSCOPE" cgroups --json -a "$@" >"$f" 2>"$tmp/err"
}

# jv FILE PATH KEY: a value of the row PATH of a saved JSON output (null, ABSENT, NOROW).
jv() {
  python3 - "$@" <<'EOF'
import json, sys
def walk(rs):
    for r in rs:
        yield r
        yield from walk(r.get('children', []))
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print('BADJSON'); sys.exit(0)
if sys.argv[2] == '':
    print(doc.get(sys.argv[3], 'ABSENT')); sys.exit(0)
for r in walk(doc['cgroups']):
    if r['path'] == sys.argv[2]:
        k = sys.argv[3]
        if k == 'hierarchies':
            print(';'.join(sorted(h['name'] for h in r['hierarchies'])))
        elif k not in r:
            print('ABSENT')
        elif r[k] is None:
            print('null')
        elif isinstance(r[k], bool):
            print(str(r[k]).lower())
        else:
            print(r[k])
        sys.exit(0)
print('NOROW')
EOF
}

# lines FILE: number of lines of a kernel file.
lines() { wc -l <"$1"; }
# keyed FILE KEY: the value of "KEY value" in a kernel file.
keyed() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# between LOW VALUE HIGH: LOW <= VALUE <= HIGH (integers; VALUE may be a non-number).
between() { [[ $2 =~ ^[0-9]+$ ]] && [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }

# near WANT VALUE TOLERANCE: |VALUE - WANT| <= TOLERANCE (decimals allowed).
near() { python3 -c 'import sys; w, v, t = map(float, sys.argv[1:]); sys.exit(0 if abs(v - w) <= t else 1)' "$@" 2>/dev/null; }

# stable DESCRIPTION KERNEL_CMD KEY [PATH]: KERNEL_CMD is read before and after one isoscope
# run; when both reads agree, isoscope's KEY of PATH must equal them.  Retried 5 times when
# the kernel value moved in between.
stable() {
  local path=${4:-$REL}
  agree_is "$1" "$2" "iso_json \"\$tmp/s.json\" \"\$REL\"; jv \"\$tmp/s.json\" '$path' '$3'"
}

# --- create the cgroups ---
made=0
for d in "${HDIRS[@]}"; do
  mkdir "$d$REL" && mkdir "$d$REL/forks" && mkdir "$d$REL/oom" && made=$((made + 1))
done
mkdir "$MEM/uts" && made=$((made + 1))
is "$made" $((${#HDIRS[@]} + 1)) "created $REL (with forks/ and oom/) in ${#HDIRS[@]} hierarchies, and uts/ in memory"
[ -d "$MEM" ] || {
  echo "Bail out! could not create the test cgroups"
  exit 1
}

set_ok=0
echo 67108864 >"$MEM/memory.limit_in_bytes" || set_ok=1
echo 16 >"$PIDS/pids.max" || set_ok=1
echo 100000 >"$CPU/cpu.cfs_period_us" || set_ok=1
echo 20000 >"$CPU/cpu.cfs_quota_us" || set_ok=1
echo 4 >"$PIDS/forks/pids.max" || set_ok=1
echo 33554432 >"$MEM/oom/memory.limit_in_bytes" || set_ok=1
if [ -f "$MEM/oom/memory.memsw.limit_in_bytes" ]; then
  echo 33554432 >"$MEM/oom/memory.memsw.limit_in_bytes" || set_ok=1 # no way out through swap
fi
ok $set_ok "set memory.limit_in_bytes=64M, pids.max=16, cfs quota 20000/100000, forks pids.max=4, oom 32M"

# --- the workload ---
# shellcheck disable=SC2016 # the script is for the inner sh
launch "$REL" "$ALL_DIRS" sh -c '
  timeout 12 sh -c "while :; do :; done" &
  sleep 120 & sleep 120 & sleep 120 &
  sh -c "x=\$(head -c 4194304 /dev/zero | tr \"\\000\" a); sleep 120" &
  wait'
WORK=$LAUNCHED
sleep 1.5 # the burner has used up some quota periods; the 4 MiB shell has its string
procs_n=$(lines "$MEM/cgroup.procs")
ok "$([ "$procs_n" -ge 7 ] && kill -0 "$WORK" && echo 0 || echo 1)" \
  "the workload runs in $REL ($procs_n processes: shell, timeout, burner, 3 sleeps, memory user)"
is "$(sort -n "$UNI/cgroup.procs" | paste -sd' ')" "$(sort -n "$MEM/cgroup.procs" | paste -sd' ')" \
  "the same processes are in the memory and the cgroup2 $REL"

# --- rates over --interval 1, while the burner runs ---
iso_json "$tmp/rate.json" --interval 1 "$REL"
is "$?" 0 "cgroups --json -a --interval 1 $REL exits 0"
is "$(jv "$tmp/rate.json" "$REL" recreated)" ABSENT "--interval: $REL is not marked recreated"
v=$(jv "$tmp/rate.json" "$REL" cpu_percent)
near 20 "$v" 8
ok $? "cpu_percent ~ 20 (quota 20000/100000) over 1 s: $v"
v=$(jv "$tmp/rate.json" "$REL" cpu_quota_percent)
near 100 "$v" 30
ok $? "cpu_quota_percent ~ 100 (the burner uses all of its quota): $v"
v=$(jv "$tmp/rate.json" "$REL" throttled_percent)
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 50 else 1)' "$v" 2>/dev/null
ok $? "throttled_percent > 50 (the burner is throttled in most periods): $v"
is "$(jv "$tmp/rate.json" "" interval)" 1.0 "the JSON says the interval"

# --- the values of the main cgroup, against the kernel's files ---
a_mem=$(cat "$MEM/memory.usage_in_bytes")
a_usage=$(cat "$CPUACCT/cpuacct.usage")
a_thr=$(keyed "$CPU/cpu.stat" nr_throttled)
a_per=$(keyed "$CPU/cpu.stat" nr_periods)
iso_json "$tmp/main.json" "$REL"
is "$?" 0 "cgroups --json -a $REL exits 0"
b_mem=$(cat "$MEM/memory.usage_in_bytes")
b_usage=$(cat "$CPUACCT/cpuacct.usage")
b_thr=$(keyed "$CPU/cpu.stat" nr_throttled)
b_per=$(keyed "$CPU/cpu.stat" nr_periods)
J=$tmp/main.json
is "$(jv "$J" "" mode)" hybrid "mode hybrid"
is "$(jv "$J" "$REL" hierarchies)" "$(printf '%s\n' cgroup2 cpu cpuacct memory pids | sort | paste -sd';')" \
  "$REL is found in memory, pids, cpu, cpuacct and the cgroup2 tree"
is "$(jv "$J" "$REL" memory_max)" 67108864 "memory_max = memory.limit_in_bytes = 64M"
is "$(jv "$J" "$REL" pids_max)" 16 "pids_max = 16"
is "$(jv "$J" "$REL" cpu_max_quota_usec)" 20000 "cpu_max_quota_usec = cfs_quota_us 20000"
is "$(jv "$J" "$REL" cpu_max_period_usec)" 100000 "cpu_max_period_usec = cfs_period_us 100000"
is "$(jv "$J" "$REL" cpu_weight)" "$(python3 -c "print(1 + ($(cat "$CPU/cpu.shares") - 2) * 9999 // 262142)")" \
  "cpu_weight from cpu.shares $(cat "$CPU/cpu.shares")"
lo=$a_mem hi=$b_mem
[ "$lo" -gt "$hi" ] && lo=$b_mem hi=$a_mem
v=$(jv "$J" "$REL" memory_current)
between "$lo" "$v" "$hi"
ok $? "memory_current $v between memory.usage_in_bytes read before and after ($a_mem, $b_mem)"
v=$(jv "$J" "$REL" cpu_stat_usage_usec)
between $((a_usage / 1000)) "$v" $((b_usage / 1000))
ok $? "cpu_stat_usage_usec $v between cpuacct.usage/1000 before and after ($((a_usage / 1000)), $((b_usage / 1000)))"
v=$(jv "$J" "$REL" cpu_stat_nr_throttled)
between "$a_thr" "$v" "$b_thr"
ok $? "cpu_stat_nr_throttled $v between cpu.stat reads ($a_thr, $b_thr)"
ok "$([[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] && echo 0 || echo 1)" "cpu_stat_nr_throttled > 0 after the burner ran"
v=$(jv "$J" "$REL" cpu_stat_nr_periods)
between "$a_per" "$v" "$b_per"
ok $? "cpu_stat_nr_periods $v between cpu.stat reads ($a_per, $b_per)"
is "$(jv "$J" "$REL" populated):$(jv "$J" "$REL" frozen)" true:false "populated and frozen from unified/cgroup.events"
is "$(jv "$J" "$REL" container)" ABSENT "no container in the path"
v=$(jv "$J" "$REL" psi_cpu_some_avg10)
[[ $v =~ ^[0-9]+\.[0-9][0-9]?$ ]]
ok $? "psi_cpu_some_avg10 from unified/cpu.pressure: $v"

stable "tasks = lines of cgroup.procs" "wc -l <'$MEM/cgroup.procs'" tasks
stable "threads = lines of tasks" "wc -l <'$MEM/tasks'" threads
stable "pids_current = pids.current" "cat '$PIDS/pids.current'" pids_current
stable "memory_peak = memory.max_usage_in_bytes" "cat '$MEM/memory.max_usage_in_bytes'" memory_peak
stable "memory_events_max = memory.failcnt" "cat '$MEM/memory.failcnt'" memory_events_max
stable "memory_stat_anon = total_rss of memory.stat" "awk '\$1 == \"total_rss\" { print \$2 }' '$MEM/memory.stat'" \
  memory_stat_anon
a=$(keyed "$CPU/cpu.stat" throttled_time)
iso_json "$tmp/t.json" "$REL"
v=$(jv "$tmp/t.json" "$REL" cpu_stat_throttled_usec)
b=$(keyed "$CPU/cpu.stat" throttled_time)
between $((a / 1000)) "$v" $((b / 1000))
ok $? "cpu_stat_throttled_usec $v between throttled_time/1000 before and after ($((a / 1000)), $((b / 1000)))"

run_table() { "$ISOSCOPE" cgroups "$@" 2>"$tmp/err"; }
is "$(run_table -l -r -n -o PATH,MEMMAX,PIDSMAX,cpu_max_quota_usec --depth 0 "$REL")" "$REL 67108864 16 20000" \
  "the table shows the limits of $REL"
is "$(run_table -l -r -n -o PATH "$REL")" "$REL" "without -a: the empty children of $REL are hidden"
is "$(run_table -a -l -r -n -o PATH "$REL" | sort)" "$(printf '%s\n' "$REL" "$REL/forks" "$REL/oom" "$REL/uts" | sort)" \
  "with -a: $REL and its three children"
is "$(run_table -a -l -r -n -o PATH --controller pids "$REL" | sort)" "$(printf '%s\n' "$REL" "$REL/forks" "$REL/oom" | sort)" \
  "--controller pids: uts/ exists only in memory"
"$ISOSCOPE" cgroups "$REL/nope" >/dev/null 2>&1
is "$?" 2 "a missing cgroup path exits 2"

# --- pids.max: a fork loop in forks/ (pids.max 4) ---
launch "$REL/forks" "$ALL_DIRS" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; wait' 2>/dev/null
FORKS=$LAUNCHED
sleep 1
ev=$(keyed "$PIDS/forks/pids.events" max)
ok "$([ "${ev:-0}" -gt 0 ] && echo 0 || echo 1)" "the fork loop ran into pids.max (pids.events max $ev)"
stable "pids_events_max = pids.events max" "keyed '$PIDS/forks/pids.events' max" pids_events_max "$REL/forks"
stable "forks: pids_current = pids.current (at most 4)" "cat '$PIDS/forks/pids.current'" pids_current "$REL/forks"
is "$(jv "$tmp/s.json" "$REL/forks" pids_max)" 4 "forks: pids_max 4"
v=$(jv "$tmp/s.json" "$REL/forks" pids_events_max)
ok "$([[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] && echo 0 || echo 1)" "forks: pids_events_max $v > 0"
{
  kill -KILL "$FORKS"
  while read -r p; do kill -KILL "$p"; done <"$PIDS/forks/cgroup.procs"
  wait "$FORKS"
} 2>/dev/null

# --- memory: a hog in oom/ (limit 32M) is OOM-killed ---
launch "$REL/oom" "$ALL_DIRS" sh -c 'head -c 100M /dev/zero | tail >/dev/null' 2>/dev/null
HOG=$LAUNCHED
{
  for _ in $(seq 1 100); do
    kill -0 "$HOG" || break
    sleep 0.1
  done
  wait "$HOG"
} 2>/dev/null
hog_rc=$?
kills=$(keyed "$MEM/oom/memory.oom_control" oom_kill)
ok "$([ "${kills:-0}" -ge 1 ] && echo 0 || echo 1)" "the hog was OOM-killed (exit $hog_rc, oom_control oom_kill $kills)"
stable "memory_events_oom_kill = memory.oom_control oom_kill" "keyed '$MEM/oom/memory.oom_control' oom_kill" \
  memory_events_oom_kill "$REL/oom"
v=$(jv "$tmp/s.json" "$REL/oom" memory_events_oom_kill)
ok "$([[ $v =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] && echo 0 || echo 1)" "oom: memory_events_oom_kill $v >= 1"
stable "oom: memory_events_max = memory.failcnt" "cat '$MEM/oom/memory.failcnt'" memory_events_max "$REL/oom"
is "$(jv "$tmp/s.json" "$REL/oom" memory_max)" 33554432 "oom: memory_max 32M"
# The OOM kill counter of oom/ is its own: the parent's stays what the kernel says.
stable "the parent's memory_events_oom_kill = its own oom_control" "keyed '$MEM/memory.oom_control' oom_kill" \
  memory_events_oom_kill "$REL"

# --- isoscope ls: the cgroup of a process in a namespace of its own ---
launch "$REL/uts" "$MEMROOT" unshare --uts sleep 120
UTS=$LAUNCHED
for _ in $(seq 1 50); do
  [ "$(readlink "/proc/$UTS/ns/uts")" != "$(readlink /proc/self/ns/uts)" ] && break
  sleep 0.1
done
uts_ns=$(readlink "/proc/$UTS/ns/uts")
uts_ino=${uts_ns#uts:[}
uts_ino=${uts_ino%]}
# isoscope ls shows the v2 path unless it is "/" on a hybrid host, then the memory path.
v2path=$(awk -F: '$1 == 0 { print $3 }' "/proc/$UTS/cgroup")
want=$REL/uts
[ "$v2path" != / ] && want=$v2path
row=$("$ISOSCOPE" ls -l -r -n -o NS,TYPE,PID,CGROUP 2>/dev/null | awk -v ns="$uts_ino" '$1 == ns')
is "$row" "$uts_ino uts $UTS $want" "ls -l -o NS,TYPE,PID,CGROUP: the new uts namespace, its process and cgroup $want"
is "$(awk -F: '$2 == "memory" { print $3 }' "/proc/$UTS/cgroup")" "$REL/uts" "the kernel agrees: memory:$REL/uts"

# --- nothing of ours is left behind (checked after the trap by a subshell) ---
cleanup
trap - EXIT
left=$(ls -d "$CG"/*"$REL" "$CG"/*/"$NAME" 2>/dev/null)
is "$left" "" "cleanup removed $REL from every hierarchy"

done_testing
