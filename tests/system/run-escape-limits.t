#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-escape-limits.t: a memory hog and fork bombs in an isoscope run sandbox (default profile) are
# contained by the limits of the cgroup the sandbox creates (--memory, --pids, --timeout), and
# the host stays responsive meanwhile: a probe on the host side stamps the time every 100 ms, and
# the longest gap between its stamps is reported (a generous bound is asserted, not a tight one).
# Controls run the same probe without the limit.  bubblewrap has no resource limits: the table
# says so rather than letting a hog loose on the host.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"
# shellcheck source=../lib/escape-helpers.sh disable=SC1091
. "$TESTDIR/../lib/escape-helpers.sh"

require_root
[ -d /sys/fs/cgroup ] || skip_all "no cgroup filesystem"
trap run_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
escape_setup
run_snapshot

# host_probe_start / host_probe_stop DESC: stamp the time (ms) every 100 ms on the host, each
# stamp a new process (so that a host short of memory or pids would show); then report the
# longest gap and assert a generous bound.
host_probe_start() {
  : >"$tmp/stamps"
  (while :; do date +%s%3N; sleep 0.1; done >>"$tmp/stamps") &
  HP=$!
  track_pid "$HP"
  wait_until 5 test -s "$tmp/stamps"
}
host_probe_stop() {
  # A few stamps after the attack too, so that a short one is seen whole.
  wait_until 3 test "$(wc -l <"$tmp/stamps")" -ge 4
  kill_tracked "$HP"
  local n max
  n=$(wc -l <"$tmp/stamps")
  max=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { print m + 0 }' "$tmp/stamps")
  diag "host probe during $1: $n stamps, longest gap ${max} ms (nominal 100 ms)"
  [ "$n" -ge 2 ] && [ "$max" -lt 5000 ]
  ok $? "the host kept answering during $1 (longest gap ${max} ms, bound 5000 ms)"
}

# ---- memory -------------------------------------------------------------------------------------

out=$(sb default -- /bin/probe hog 96)
is "$(tail -n1 <<<"$out")" 96 "control: without --memory the probe touches 96 MiB"
out=$(sb default --memory 64M -- /bin/probe hog 32)
is "$(tail -n1 <<<"$out")" 32 "control: 32 MiB fit in --memory 64M"

out=$(sb default --memory 64M -- /bin/probe hog 1024)
st=$?
last=$(tail -n1 <<<"$out")
is "$st" 137 "the memory hog is killed (SIGKILL from the OOM killer: exit 137)"
[ -n "$last" ] && [ "$last" -lt 80 ]
ok $? "it got no further than the limit allows ($last MiB of 1024)"
row "memory hog (1 GiB, limit 64M)" "killed at $last MiB, exit $st" "no memory limit (not run)"

# Twenty of them in a row, while the host is watched.
host_probe_start
# shellcheck disable=SC2016 # the loop is the sandbox shell's
out=$(sb default --memory 64M -- /bin/sh -c 'i=0; while [ $i -lt 20 ]; do /bin/probe hog 1024 | tail -n1; i=$((i + 1)); done')
host_probe_stop "20 memory hogs of 1 GiB in --memory 64M"
n=$(grep -c . <<<"$out")
big=$(awk '$1 >= 80' <<<"$out" | wc -l)
[ "$n" -eq 20 ] && [ "$big" -eq 0 ]
okdiag $? "each of 20 hogs is stopped below 80 MiB" "$(oneline "$out")"

# ---- fork bombs ---------------------------------------------------------------------------------

out=$(sb default -- /bin/probe forkbomb 200)
is "$out" "forked 200 none" "control: without --pids the probe forks 200 children"

host_probe_start
out=$(sb default --pids 32 -- /bin/probe forkbomb 100000)
host_probe_stop "a linear fork bomb in --pids 32"
read -r _ n e <<<"$out"
[ -n "$n" ] && [ "$n" -lt 32 ] && [ "$e" = EAGAIN ]
okdiag $? "the fork bomb stops below --pids 32 with EAGAIN (forked ${n:-?})" "$out"
row "fork bomb (linear, --pids 32)" "stopped at $n forks ($e)" "no pids limit (not run)"

# The classic recursive one, in busybox sh, until --timeout ends the sandbox.  It runs in a
# subshell: the command's own shell forks once, before the bomb, then waits in the probe (an exec,
# no fork), so that the bomb cannot make it fail with "can't fork".
host_probe_start
start=$(date +%s%3N)
# shellcheck disable=SC2016 # the bomb is the sandbox shell's
sb default --pids 64 --timeout 3 -- /bin/sh -c 'exec 2>/dev/null; b() { b | b & }; (b) & exec /bin/probe pause' >/dev/null
st=$?
dur=$(($(date +%s%3N) - start))
host_probe_stop "a recursive fork bomb in --pids 64"
is "$st" 124 "the recursive fork bomb is ended by --timeout 3 (exit 124)"
diag "it ran for $dur ms"
row "fork bomb (recursive, --pids 64)" "ended by --timeout, exit $st" "no pids limit (not run)"

left_behind "nothing is left behind (cgroups, processes)" "$tmp/root"
table "limits: isoscope run --profile default beside bwrap" "isoscope default"
done_testing
