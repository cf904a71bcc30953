# SPDX-License-Identifier: GPL-2.0-or-later
# smoke.sh: inside the VM, show that pure cgroup v2 works as the cgroup tests expect, and isoscope too.
# shellcheck shell=sh
#
# Run by tests/vm/vm-smoke.t through run.sh. One cgroup gets memory.max=32M, pids.max=20 and
# cpu.max="50000 100000"; a shell moved into it hits each limit in turn and the events that the
# kernel counts are checked. The observed values are printed as diagnostics.

# shellcheck source-path=SCRIPTDIR source=guest-tap.sh disable=SC1091
. ./guest-tap.sh

CG=/sys/fs/cgroup
T=$CG/isoscope-smoke
HOG=/tmp/isoscope-smoke.hog

# 0x63677270 is CGROUP2_SUPER_MAGIC; busybox's stat knows no name for it (%T says UNKNOWN).
fstype=$(stat -f -c %t "$CG")
diag "statfs type of $CG: 0x$fstype ($(stat -f -c %T "$CG"))"
is "$fstype" 63677270 "$CG is a cgroup2 filesystem"
others=$(awk '$5 ~ "^/sys/fs/cgroup/" { print $5 }' /proc/self/mountinfo)
is "$others" "" "nothing else is mounted under $CG (pure v2)"

diag "kernel $(uname -r); cmdline: $(cat /proc/cmdline)"
diag "cgroup.controllers: $(cat "$CG/cgroup.controllers")"
diag "cgroup.subtree_control: $(cat "$CG/cgroup.subtree_control")"
for c in cpu io memory pids; do
  check "controller $c is enabled at the root" -- grep -qw "$c" "$CG/cgroup.subtree_control"
done

if ! mkdir "$T"; then
  ok 1 "create $T"
  guest_done
fi
echo 32M >"$T/memory.max"
echo 20 >"$T/pids.max"
echo "50000 100000" >"$T/cpu.max"
is "$(cat "$T/memory.max")" 33554432 "memory.max reads back as 32 MiB"
is "$(cat "$T/pids.max")" 20 "pids.max reads back"
is "$(cat "$T/cpu.max")" "50000 100000" "cpu.max reads back"
diag "$T/cgroup.controllers: $(cat "$T/cgroup.controllers")"

# Memory: 64 MiB written into a tmpfs file are shmem charged to the writer's cgroup; with no swap
# it cannot be reclaimed, so the cgroup runs out of memory and the OOM killer kills the writer.
# (The braces keep sh's "Killed" and "Terminated" notes off stderr.)
{ sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of="$2" bs=1M count=64' sh "$T" "$HOG"; } \
  2>/dev/null
diag "dd writing 64 MiB into tmpfs in the cgroup exited $?; file size $(wc -c <"$HOG") bytes"
diag "memory.events: $(tr '\n' ' ' <"$T/memory.events")"
diag "memory.current $(cat "$T/memory.current"), memory.peak $(cat "$T/memory.peak" 2>/dev/null)," \
  "shmem $(keyed "$T/memory.stat" shmem)"
ge "$(keyed "$T/memory.events" max)" 1 "memory.events max >= 1"
ge "$(keyed "$T/memory.events" oom)" 1 "memory.events oom >= 1"
ge "$(keyed "$T/memory.events" oom_kill)" 1 "memory.events oom_kill >= 1"
rm -f "$HOG"

# Pids: a shell in the cgroup forks sleepers until fork fails (busybox sh then exits).
sh -c 'echo $$ >"$1/cgroup.procs" || exit
       i=0
       while [ $i -lt 40 ]; do sleep 60 & i=$((i + 1)); done' sh "$T" >/dev/null 2>&1
diag "pids.current after the fork loop: $(cat "$T/pids.current");" \
  "pids.events: $(tr '\n' ' ' <"$T/pids.events")"
ge "$(keyed "$T/pids.events" max)" 1 "pids.events max >= 1"
echo 1 >"$T/cgroup.kill"
check "cgroup.kill empties the cgroup" -- wait_for 10 cg_empty "$T"

# CPU: one busy loop for 2 s against a quota of half a CPU.
{ sh -c 'echo $$ >"$1/cgroup.procs" && exec timeout 2 sh -c "while :; do :; done"' sh "$T"; } 2>/dev/null
diag "cpu.stat: $(tr '\n' ' ' <"$T/cpu.stat")"
ge "$(keyed "$T/cpu.stat" nr_throttled)" 1 "cpu.stat nr_throttled > 0"
usage=$(keyed "$T/cpu.stat" usage_usec)
periods=$(keyed "$T/cpu.stat" nr_periods)
# About 1 s of CPU in 2 s. Under TCG the guest's 2 s may span more periods than 20 when the host
# is busy, so compare with what the quota allowed in the periods that passed (nr_periods counts
# the periods in which the cgroup ran), allowing 25 % for tick granularity.
allowed=$(((${periods:-0} + 1) * 50000 * 5 / 4))
[ "${usage:-0}" -ge 300000 ] && [ "${usage:-0}" -le "$allowed" ]
ok $? "the busy loop got at least 0.3 s of CPU and no more than the quota allowed:" \
  "${usage}us used, ${allowed}us allowed in $periods periods"

# PSI, in the cgroup and system wide.
for f in "$T/memory.pressure" "$T/cpu.pressure" "$T/io.pressure" \
  /proc/pressure/memory /proc/pressure/cpu /proc/pressure/io; do
  if [ -r "$f" ]; then
    check "$f parses" -- psi_valid "$f"
    diag "$f: $(tr '\n' ' ' <"$f")"
  else
    ok 1 "$f exists"
  fi
done
for r in memory cpu io; do
  if [ -e "$CG/$r.pressure" ]; then diag "root cgroup has $r.pressure"; else diag "root cgroup has no $r.pressure"; fi
done
diag "cgroup memory.pressure some total: $(psi_total "$T/memory.pressure" some) us," \
  "cpu.pressure some total: $(psi_total "$T/cpu.pressure" some) us"

check "remove the test cgroup" -- cg_remove "$T"

# isoscope itself: the binary and every library it needs work here.
"$ISOSCOPE" ls -J -l >/tmp/ls.json 2>/tmp/ls.err
is "$?" 0 "isoscope ls -J -l exits 0"
[ -s /tmp/ls.err ] && diag "isoscope stderr: $(cat /tmp/ls.err)"
check "its JSON has a namespaces array" -- grep -q '"namespaces": *\[' /tmp/ls.json
for t in mnt net time cgroup pid user uts ipc; do
  check "it lists the initial $t namespace" -- grep -q "\"type\": *\"$t\"" /tmp/ls.json
done
diag "isoscope ls:"
"$ISOSCOPE" ls 2>&1 | while IFS= read -r line; do diag "  $line"; done

guest_done
