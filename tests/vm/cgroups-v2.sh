# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups-v2.sh: inside the pure cgroup v2 VM, what isoscope cgroups reports against the kernel's files.
# shellcheck shell=sh
#
# Run by tests/vm/vm-cgroups.t through run.sh.  A cgroup gets memory.max, pids.max and cpu.max; a
# memory hog, a fork loop and a CPU burner run into each limit; then every value isoscope reports
# for the cgroup is compared with the file the kernel shows at the same moment.

# shellcheck source-path=SCRIPTDIR source=guest-tap.sh disable=SC1091
. ./guest-tap.sh

CG=/sys/fs/cgroup
T=$CG/isoscope-vm
HOG=/tmp/isoscope-vm.hog

# jget FILE KEY: the value of "KEY": in isoscope's JSON (first match), as text.
jget() { grep -o "\"$2\":[^,}]*" "$1" | head -n1 | sed 's/^[^:]*:[[:space:]]*//; s/[[:space:]]*$//'; }

mkdir "$T" || {
  ok 1 "create $T"
  guest_done
}
echo 48M >"$T/memory.max"
echo 16 >"$T/pids.max"
echo "30000 100000" >"$T/cpu.max"

# The limits bite: the OOM killer, a refused fork, throttling.
{ sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of="$2" bs=1M count=96' sh "$T" "$HOG"; } 2>/dev/null
rm -f "$HOG"
sh -c 'echo $$ >"$1/cgroup.procs" || exit
       i=0
       while [ $i -lt 30 ]; do sleep 120 & i=$((i + 1)); done' sh "$T" >/dev/null 2>&1
{ sh -c 'echo $$ >"$1/cgroup.procs" && exec timeout 2 sh -c "while :; do :; done"' sh "$T"; } 2>/dev/null

# Leave a steady state: the sleepers of the fork loop (pids.max of them at most) stay.  Pressure
# totals still move: they are read before and after isoscope.
pm0=$(psi_total "$T/memory.pressure" some) pc0=$(psi_total "$T/cpu.pressure" some)
"$ISOSCOPE" cgroups --json -a /isoscope-vm >/tmp/cg.json 2>/tmp/cg.err
is "$?" 0 "isoscope cgroups --json -a /isoscope-vm exits 0"
[ -s /tmp/cg.err ] && diag "stderr: $(cat /tmp/cg.err)"
is "$(jget /tmp/cg.json mode)" '"v2"' "the mode is v2"
is "$(jget /tmp/cg.json path)" '"/isoscope-vm"' "the cgroup is the one the test made"

is "$(jget /tmp/cg.json memory_max)" "$(cat "$T/memory.max")" "memory_max = memory.max"
is "$(jget /tmp/cg.json pids_max)" "$(cat "$T/pids.max")" "pids_max = pids.max"
is "$(jget /tmp/cg.json cpu_max_quota_usec)" 30000 "cpu_max_quota_usec = the quota in cpu.max"
is "$(jget /tmp/cg.json cpu_max_period_usec)" 100000 "cpu_max_period_usec = the period in cpu.max"
is "$(jget /tmp/cg.json memory_high)" null "memory_high is max: JSON null"
is "$(jget /tmp/cg.json memory_events_oom_kill)" "$(keyed "$T/memory.events" oom_kill)" \
  "memory_events_oom_kill = memory.events oom_kill"
ge "$(jget /tmp/cg.json memory_events_oom_kill)" 1 "the memory hog was OOM-killed (oom_kill >= 1)"
is "$(jget /tmp/cg.json memory_events_max)" "$(keyed "$T/memory.events" max)" "memory_events_max = memory.events max"
is "$(jget /tmp/cg.json pids_events_max)" "$(keyed "$T/pids.events" max)" "pids_events_max = pids.events max"
ge "$(jget /tmp/cg.json pids_events_max)" 1 "the fork loop hit pids.max (pids_events_max >= 1)"
is "$(jget /tmp/cg.json pids_current)" "$(cat "$T/pids.current")" "pids_current = pids.current"
is "$(jget /tmp/cg.json tasks)" "$(wc -l <"$T/cgroup.procs")" "tasks = the lines of cgroup.procs"
is "$(jget /tmp/cg.json cpu_stat_nr_throttled)" "$(keyed "$T/cpu.stat" nr_throttled)" \
  "cpu_stat_nr_throttled = cpu.stat nr_throttled"
ge "$(jget /tmp/cg.json cpu_stat_nr_throttled)" 1 "the CPU burner was throttled"
is "$(jget /tmp/cg.json cpu_stat_throttled_usec)" "$(keyed "$T/cpu.stat" throttled_usec)" \
  "cpu_stat_throttled_usec = cpu.stat throttled_usec"
pm1=$(psi_total "$T/memory.pressure" some) pc1=$(psi_total "$T/cpu.pressure" some)
pm=$(jget /tmp/cg.json psi_memory_some_total) pc=$(jget /tmp/cg.json psi_cpu_some_total)
[ "${pm:--1}" -ge "$pm0" ] && [ "$pm" -le "$pm1" ]
ok $? "psi_memory_some_total ($pm) lies between two reads of memory.pressure ($pm0, $pm1)"
[ "${pc:--1}" -ge "$pc0" ] && [ "$pc" -le "$pc1" ]
ok $? "psi_cpu_some_total ($pc) lies between two reads of cpu.pressure ($pc0, $pc1)"
# Counters that move by themselves: within the range of two reads around isoscope's.
m0=$(cat "$T/memory.current")
"$ISOSCOPE" cgroups --json -a /isoscope-vm >/tmp/cg2.json 2>/dev/null
m1=$(cat "$T/memory.current")
mc=$(jget /tmp/cg2.json memory_current)
lo=$m0 hi=$m1
[ "$lo" -gt "$hi" ] && lo=$m1 hi=$m0
[ "${mc:-0}" -ge $((lo - 65536)) ] && [ "${mc:-0}" -le $((hi + 65536)) ]
ok $? "memory_current ($mc) lies between two reads of memory.current ($m0, $m1)"
ws=$(jget /tmp/cg2.json memory_working_set)
inact=$(jget /tmp/cg2.json memory_stat_inactive_file)
is "$ws" "$((mc - inact))" "memory_working_set = memory_current - inactive_file"

# Rates over an interval: CPU of a burner at a 30 % quota (the sleepers go first: at pids.max
# the burner could not fork).
echo 1 >"$T/cgroup.kill"
wait_for 10 cg_empty "$T"
{ sh -c 'echo $$ >"$1/cgroup.procs" && exec timeout 4 sh -c "while :; do :; done"' sh "$T"; } 2>/dev/null &
sleep 1
"$ISOSCOPE" cgroups --json -a --interval 1 /isoscope-vm >/tmp/cg3.json 2>/dev/null
wait
pct=$(jget /tmp/cg3.json cpu_percent)
qpct=$(jget /tmp/cg3.json cpu_quota_percent)
diag "over 1 s: cpu_percent $pct, cpu_quota_percent $qpct, throttled_percent $(jget /tmp/cg3.json throttled_percent)"
p=${pct%%.*}
[ "${p:-0}" -ge 10 ] && [ "${p:-0}" -le 45 ]
ok $? "cpu_percent of a burner held at 30 % of a CPU is near 30 ($pct)"

# The table shows the same limits, human-readable.
"$ISOSCOPE" cgroups -a -l -o PATH,MEMMAX,PIDSMAX /isoscope-vm >/tmp/cg.txt 2>&1
check "the table shows memory.max as 48M and pids.max 16" -- grep -Eq '^/isoscope-vm +48M +16$' /tmp/cg.txt
diag "table: $(tail -n1 /tmp/cg.txt)"

echo 1 >"$T/cgroup.kill"
check "remove the test cgroup" -- cg_remove "$T"
guest_done
