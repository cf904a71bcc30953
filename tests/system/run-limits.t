#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-limits.t: the limits of isoscope run bite (memory, pids, cpus, cpuset, rlimits, timeout); the
# sandbox's cgroup isoscope-run.PID is visible to isoscope ls and cgroups while it runs and gone
# afterwards.  On this hybrid host the limits live in the v1 hierarchies; on pure v2 in cgroup2.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"

require_root
[ -d /sys/fs/cgroup ] || skip_all "no cgroup filesystem"
trap run_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
run_snapshot
MARK=isoscope-run-limits-$$
marked() { pgrep -f "^$MARK" | head -n1; }

if [ -d /sys/fs/cgroup/memory ] && [ -e /sys/fs/cgroup/memory/cgroup.procs ]; then
  V1=1
  diag "cgroup v1 controllers (hybrid or legacy host)"
else
  V1=0
  diag "pure cgroup v2"
fi
# cgfile CTRL PID V1FILE V2FILE: the file of the sandbox of isoscope PID that holds a limit.
cgfile() {
  if [ "$V1" = 1 ]; then
    echo "$(run_cgroup_dir "$1" "$2")/$3"
  else
    echo "$(run_cgroup_dir . "$2")/$4"
  fi
}

# start_bg ARGS...: isoscope run ARGS in the background; P is its pid once its command runs
# (the command must print "ready" to $tmp/bg.out first).
start_bg() {
  : >"$tmp/bg.out"
  "$ISOSCOPE" run "$@" >"$tmp/bg.out" 2>>"$tmp/err" &
  P=$!
  track_run "$P"
  wait_until 10 grep -q ready "$tmp/bg.out"
}
stop_bg() {
  kill "$P" 2>/dev/null
  wait "$P" 2>/dev/null
}

# ---- the cgroup while it runs ------------------------------------------------------------------

start_bg -p -u --memory 64M --pids 32 -- bash -c "echo ready; exec -a $MARK sleep 30"
dirs=$(run_cgroups_of "$P")
[ -n "$dirs" ]
ok $? "the sandbox has cgroups named isoscope-run.$P"
diag "$(paste -sd' ' <<<"$dirs")"
is "$(cat "$(cgfile memory "$P" memory.limit_in_bytes memory.max)")" 67108864 "--memory 64M is the memory limit"
is "$(cat "$(cgfile pids "$P" pids.max pids.max)")" 32 "--pids 32 is the pids limit"
if [ "$V1" = 1 ] && [ -e "$(cgfile memory "$P" memory.memsw.limit_in_bytes x)" ]; then
  is "$(cat "$(cgfile memory "$P" memory.memsw.limit_in_bytes x)")" 67108864 "--memory without --memory-swap: no swap (memsw = memory)"
fi
S=$(marked)
I=$(children_of "$P" | head -n1)
grep -q "isoscope-run.$P" "/proc/$S/cgroup"
ok $? "the command is in the sandbox's cgroup"
"$ISOSCOPE" cgroups -l -a -o PATH,TASKS >"$tmp/cg.out" 2>>"$tmp/err"
grep -q "isoscope-run.$P " "$tmp/cg.out"
okdiag $? "isoscope cgroups lists the sandbox's cgroup" "$(grep isoscope "$tmp/cg.out")"
"$ISOSCOPE" ls -p "$S" -o NS,TYPE,PID >"$tmp/ls.out" 2>>"$tmp/err"
is "$(awk -v pid="$I" '$3 == pid { print $2 }' "$tmp/ls.out" | sort | paste -sd' ')" "pid uts" \
  "isoscope ls -p shows the sandbox's new namespaces, held by its init $I"
stop_bg
# isoscope removes them before it exits, and stop_bg has waited for that.
[ -z "$(run_cgroups_of "$P")" ]
ok $? "the cgroups are gone when the sandbox ends (here: isoscope got SIGTERM)"

# ---- memory --------------------------------------------------------------------------------------

hog='head -c 200M /dev/zero | tail >/dev/null; echo $?'
is "$("$ISOSCOPE" run --memory 32M -- sh -c "$hog" 2>>"$tmp/err")" 137 "--memory 32M: a 200M hog is killed"
is "$("$ISOSCOPE" run --memory 1G -- sh -c "$hog" 2>>"$tmp/err")" 0 "--memory 1G: the same hog runs to its end"

# ---- pids --------------------------------------------------------------------------------------

# shellcheck disable=SC2016 # the inner sh's
# (sh gives up at the first refused fork: the loop runs in a subshell, then sh execs without a fork)
start_bg --pids 8 -- sh -c '(for i in $(seq 20); do sleep 5 & done) 2>/dev/null; echo ready; exec sleep 5'
cur=$(cat "$(cgfile pids "$P" pids.current pids.current)")
refused=$(awk '/^max/ { print $2 }' "$(cgfile pids "$P" pids.events pids.events)")
[ -n "$cur" ] && [ "$cur" -le 8 ] && [ "${refused:-0}" -gt 0 ]
ok $? "--pids 8: a loop of 20 forks stops at the limit ($cur tasks, $refused forks refused)"
stop_bg

# ---- cpus ----------------------------------------------------------------------------------------

start_bg --cpus 0.5 --timeout 20 -- sh -c 'echo ready; while :; do :; done'
if [ "$V1" = 1 ]; then
  acct=$(run_cgroup_dir cpuacct "$P")/cpuacct.usage
  is "$(cat "$(cgfile cpu "$P" cpu.cfs_quota_us x)")/$(cat "$(cgfile cpu "$P" cpu.cfs_period_us x)")" 50000/100000 \
    "--cpus 0.5: cfs quota 50000 per 100000 us"
  usage() { cat "$acct"; }  # ns
  scale=1000000000
  throttled() { awk '/nr_throttled/ { print $2 }' "$(cgfile cpu "$P" cpu.stat x)"; }
else
  is "$(cat "$(cgfile cpu "$P" x cpu.max)")" "50000 100000" "--cpus 0.5: cpu.max 50000 100000"
  usage() { awk '/usage_usec/ { print $2 }' "$(cgfile cpu "$P" x cpu.stat)"; }  # us
  scale=1000000
  throttled() { awk '/nr_throttled/ { print $2 }' "$(cgfile cpu "$P" x cpu.stat)"; }
fi
sleep 0.5
t0=$(date +%s%N)
u0=$(usage)
sleep 2
u1=$(usage)
t1=$(date +%s%N)
share=$(awk -v du="$((u1 - u0))" -v dt="$((t1 - t0))" -v s="$scale" 'BEGIN { printf "%.2f", (du / s) / (dt / 1e9) }')
# The ceiling is what the limit guarantees; other load on the machine can only lower the share.
awk -v x="$share" 'BEGIN { exit !(x <= 0.62 && x > 0.02) }'
ok $? "--cpus 0.5: a busy loop uses about half a CPU or less ($share over 2 s)"
[ "$(throttled)" -gt 0 ]
ok $? "--cpus 0.5: the kernel throttled it ($(throttled) periods)"
stop_bg

# ---- timeout ---------------------------------------------------------------------------------------

t0=$SECONDS
"$ISOSCOPE" run --timeout 1 --pids 16 -- sleep 30 2>"$tmp/to.err" &
P=$!
track_run "$P"
wait "$P"
st=$?
is "$st" 124 "--timeout 1: exit 124"
[ $((SECONDS - t0)) -le 6 ]
ok $? "--timeout 1: ended within seconds ($((SECONDS - t0)) s)"
grep -q timeout "$tmp/to.err"
ok $? "--timeout: the message says so"
is "$(run_cgroups_of "$P")" "" "--timeout: the cgroup is gone"
"$ISOSCOPE" run -p --timeout 0.5 -- sh -c 'trap "" TERM; sleep 30' 2>/dev/null
is $? 124 "--timeout kills a command that ignores SIGTERM"

# ---- what the sandbox leaves: its cgroup kills it ---------------------------------------------------

"$ISOSCOPE" run --pids 16 -- bash -c "exec -a $MARK sleep 300 &" 2>>"$tmp/err" &
P=$!
track_run "$P"
wait "$P"
is $? 0 "a command that starts a daemon and exits: exit 0"
sleep 0.2
is "$(marked)" "" "the daemon it left in the sandbox's cgroup was killed"
is "$(run_cgroups_of "$P")" "" "and the cgroup is gone"

# ---- cpuset, rlimits, io weight, swap ---------------------------------------------------------

# shellcheck disable=SC2016 # the inner awk's and sh's
is "$("$ISOSCOPE" run --cpuset 0 -- awk '/Cpus_allowed_list/ { print $2 }' /proc/self/status)" 0 "--cpuset 0"
# shellcheck disable=SC2016 # the inner sh's
is "$("$ISOSCOPE" run --rlimit nofile=64:128 -- sh -c 'echo $(ulimit -n) $(ulimit -Hn)')" "64 128" "--rlimit nofile=64:128"
is "$("$ISOSCOPE" run --rlimit core=0 -- sh -c 'ulimit -c')" 0 "--rlimit core=0"
start_bg --io-weight 200 -- sh -c 'echo ready; sleep 30'
if [ "$V1" = 1 ]; then
  w=$(cat "$(run_cgroup_dir blkio "$P")"/blkio.{weight,bfq.weight} 2>/dev/null | head -n1)
  is "$w" 1000 "--io-weight 200: v1 blkio weight 1000 (v2's 1..10000 onto v1's 10..1000)"
else
  w=$(cat "$(run_cgroup_dir . "$P")"/io.{weight,bfq.weight} 2>/dev/null | awk '{ print $NF }' | head -n1)
  is "$w" 200 "--io-weight 200"
fi
stop_bg
if [ "$V1" = 1 ] && [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
  start_bg --memory 64M --memory-swap 32M -- sh -c 'echo ready; sleep 30'
  is "$(cat "$(run_cgroup_dir memory "$P")/memory.memsw.limit_in_bytes")" 100663296 \
    "--memory-swap 32M: memsw is memory plus swap (96M)"
  stop_bg
fi

# ---- --cgroup-parent ---------------------------------------------------------------------------------

if [ "$V1" = 1 ]; then
  parent=/sys/fs/cgroup/pids/isoscope-test-parent.$$
else
  parent=/sys/fs/cgroup/isoscope-test-parent.$$
fi
if mkdir "$parent" 2>/dev/null; then
  [ "$V1" = 1 ] || echo +pids >"$parent/cgroup.subtree_control"
  start_bg --cgroup-parent "/isoscope-test-parent.$$" --pids 10 -- sh -c 'echo ready; sleep 30'
  [ -d "$parent/isoscope-run.$P" ]
  ok $? "--cgroup-parent: the sandbox's cgroup is made below it"
  stop_bg
  [ ! -e "$parent/isoscope-run.$P" ]
  ok $? "--cgroup-parent: and removed"
  rmdir "$parent"
else
  skip "--cgroup-parent" "cannot make a parent cgroup here"
fi

if [ -s "$tmp/err" ]; then
  diag "stderr of the runs:"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/err"
fi
left_behind "nothing left behind (cgroups, mounts, processes)" "$MARK" "$tmp"
done_testing
