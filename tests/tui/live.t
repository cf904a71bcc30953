#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# live.t: the TUI follows the host: a namespace and a cgroup the test makes appear within two
# refreshes and go once removed; the selection stays on its process while others start and
# exit; and the actions, each on objects the test made: e (a shell in a namespace), k (a signal,
# after y) and f (freeze and thaw, after y).  Root only: it makes namespaces and cgroups.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/tui.sh disable=SC1091
. "$TESTDIR/../lib/tui.sh"

[ -x "$ISOSCOPE" ] || {
  echo "Bail out! no isoscope binary at $ISOSCOPE (run make first)"
  exit 1
}
require_root
require_tmux
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"

# The test's cgroups (children first when removed), thawed and emptied before removal.
CG_DIRS=()
CHURN=
cleanup() {
  local i d
  tui_cleanup
  [ -n "$CHURN" ] && kill "$CHURN" 2>/dev/null
  for d in "${CG_DIRS[@]}"; do
    [ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
    [ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
  done
  ns_cleanup
  for ((i = ${#CG_DIRS[@]} - 1; i >= 0; i--)); do
    d=${CG_DIRS[i]}
    [ -d "$d" ] && { wait_until 3 rmdir "$d" 2>/dev/null || diag "cannot remove $d"; }
  done
}
trap cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

okw() {
  ok "$1" "$2"
  [ "$1" -eq 0 ] || tui_cap | sed 's/^/#   | /'
}

# tick_then_wait TEXT: the refresh number now; then wait for TEXT; print how many refreshes it took.
refreshes_until() { # refreshes_until SECONDS CHECK...: waits, prints the refreshes it took (or "never")
  local t0 secs=$1
  shift
  t0=$(tui_tick)
  if wait_until "$secs" "$@"; then
    echo $(($(tui_tick) - t0))
  else
    echo never
  fi
}
within_two() { [ "$1" != never ] && [ "$1" -le 2 ]; }

# ---- a namespace appears and goes ----

# The views are long: a filter on a name only the test's process has keeps its rows on screen.
NSMARK=isoscope-live-ns-$$
tui_start top -d 0.5 --no-color --view namespaces --filter "$NSMARK"
tui_wait 15 "namespaces view  refresh" && tui_wait_ticks 10 1
okw $? "the namespaces view is up (filtered on $NSMARK)"
self_uts=$(ns_ino $$ uts)
unshare --uts bash -c "hostname isoscope-live-test; exec -a $NSMARK sleep 300" 2>>"$tmp/bg.err" &
UTSPID=$!
wait_until 10 ns_differs "$UTSPID" uts "$self_uts"
track_pid "$UTSPID"
uts=$(ns_ino "$UTSPID" uts)
n=$(refreshes_until 10 tui_row_has "$uts")
within_two "$n"
okw $? "a new uts namespace ($uts) shows within two refreshes (took $n)"

# + lists its one process under it.
tui_keys / "$uts" Enter
sel_is() { tui_selected | grep -q -- "$1"; }
wait_until 10 sel_is "$uts"
okw $? "search selects the namespace by its inode"
tui_keys +
proc_row() { tui_cap | grep -qE "proc +- +- +$UTSPID "; }
wait_until 10 proc_row
okw $? "+ lists its process ($UTSPID) under it"
tui_keys -

kill_tracked "$UTSPID"
n=$(refreshes_until 10 tui_row_lacks "$uts")
within_two "$n"
okw $? "once its process is gone, the namespace goes within two refreshes (took $n)"

# ---- a cgroup appears and goes ----

CGP=/sys/fs/cgroup/pids/isoscope-test.$$
if [ "$(stat -f -c %T /sys/fs/cgroup/pids 2>/dev/null)" = cgroupfs ]; then
  tui_keys 3 a
  tui_wait 10 "cgroups view  refresh" && tui_wait 5 "all cgroups"
  okw $? "the cgroups view, with the cgroups without processes too (a)"
  tui_keys "\\" "isoscope-test.$$" Enter
  mkdir "$CGP" && CG_DIRS+=("$CGP")
  n=$(refreshes_until 10 tui_row_has "isoscope-test.$$")
  within_two "$n"
  okw $? "a new cgroup (pids hierarchy) shows within two refreshes (took $n)"
  sh -c 'exec sleep 300' &
  CGSLEEP=$!
  track_pid "$CGSLEEP"
  echo "$CGSLEEP" >"$CGP/cgroup.procs"
  with_proc() { tui_rows | grep -qE "isoscope-test\\.$$ +1 "; }
  n=$(refreshes_until 10 with_proc)
  within_two "$n"
  okw $? "a process moved into it shows within two refreshes (took $n)"
  kill_tracked "$CGSLEEP"
  wait_until 5 rmdir "$CGP" 2>/dev/null
  n=$(refreshes_until 10 tui_row_lacks "isoscope-test.$$")
  within_two "$n"
  okw $? "once removed, the cgroup goes within two refreshes (took $n)"
  tui_keys "\\"
  for _ in $(seq ${#CGP}); do tui_keys BSpace; done
  tui_keys Enter a
else
  skip "a new cgroup shows within two refreshes" "no cgroup v1 pids hierarchy"
  skip "once removed, the cgroup goes" "no cgroup v1 pids hierarchy"
fi
tui_keys 1

# ---- a container (a Docker-style cgroup path) ----

HEX=$(printf '%s' "isoscope-test-$$" | sha256sum | cut -c1-64)
CGC=/sys/fs/cgroup/pids/isoscope-test.$$-ct
if [ "$(stat -f -c %T /sys/fs/cgroup/pids 2>/dev/null)" = cgroupfs ]; then
  mkdir "$CGC" && CG_DIRS+=("$CGC") && mkdir "$CGC/docker-$HEX.scope" && CG_DIRS+=("$CGC/docker-$HEX.scope")
  sh -c 'exec sleep 300' &
  CTPID=$!
  track_pid "$CTPID"
  echo "$CTPID" >"$CGC/docker-$HEX.scope/cgroup.procs"
  tui_keys 4
  tui_wait 10 "containers view  refresh"
  n=$(refreshes_until 10 tui_row_has "docker:${HEX:0:12}")
  within_two "$n"
  okw $? "containers: a process in a docker-<id>.scope cgroup makes a container row within two refreshes (took $n)"
  ct_row() { tui_rows | grep -qE "docker:${HEX:0:12} +1 "; }
  wait_until 10 ct_row
  okw $? "with its one process"
  tui_keys / "${HEX:0:12}" Enter
  wait_until 10 sel_is "docker:${HEX:0:12}"
  tui_keys Enter
  tui_wait 10 "container docker $HEX"
  okw $? "its detail pane names the engine and the whole id"
  tui_keys Enter +
  ct_proc() { tui_rows | grep -qE "^ *[└├]─ .*sleep 300"; }
  wait_until 10 ct_proc
  okw $? "+ lists its process under it"
  kill_tracked "$CTPID"
  n=$(refreshes_until 10 tui_row_lacks "docker:${HEX:0:12}")
  within_two "$n"
  okw $? "once its process is gone, the container row goes within two refreshes (took $n)"
  rmdir "$CGC/docker-$HEX.scope" "$CGC" 2>/dev/null
else
  skip "containers: a docker-<id>.scope cgroup makes a container row" "no cgroup v1 pids hierarchy"
fi
tui_keys 1

# ---- the selection stays on its process while others come and go ----

MARK=isoscope-live-mark-$$
bash -c "exec -a $MARK sleep 300" &
MARKPID=$!
track_pid "$MARKPID"
tui_wait 10 "processes view  refresh"
tui_wait_ticks 10 2
tui_keys / "$MARK" Enter
wait_until 10 sel_is "$MARK"
okw $? "search selects pid $MARKPID"
# Processes that start, use some CPU and exit, all the time: the rows around move.
(
  end=$((SECONDS + 8))
  while [ $SECONDS -lt $end ]; do
    for _ in 1 2 3 4 5; do sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done' & done
    wait
  done
) &
CHURN=$!
stays=0
for _ in 1 2 3 4 5 6; do
  tui_wait_ticks 5 1
  sel_is "$MARK" || stays=1
done
okw $stays "over six refreshes while processes start and exit, the selection stays on pid $MARKPID"
grep -qE "^ *$MARKPID " <<<"$(tui_selected)"
okw $? "the selected row is still pid $MARKPID"
kill "$CHURN" 2>/dev/null
wait "$CHURN" 2>/dev/null
CHURN=

# ---- e: a shell in the namespaces of a process ----

unshare --uts sh -c 'hostname isoscope-enter-test; exec sleep 300' 2>>"$tmp/bg.err" &
EPID=$!
track_pid "$EPID"
wait_until 10 ns_differs "$EPID" uts "$self_uts"
tui_wait_ticks 10 2
tui_keys / "$EPID" Enter
epid_sel() { grep -qE "^ *$EPID " <<<"$(tui_selected)"; }
wait_until 10 epid_sel
okw $? "search selects pid $EPID (in a uts namespace of its own)"
tui_keys e
tui_wait 10 "a shell in the namespaces of pid $EPID"
okw $? "e: the TUI steps aside for a shell"
tui_keys "hostname >$tmp/hostname; exit 7" Enter
tui_wait 10 "exited with status 7"
okw $? "when the shell exits, the TUI is back with its exit status"
is "$(cat "$tmp/hostname" 2>/dev/null)" isoscope-enter-test "the shell ran in the target's uts namespace"
tui_wait 5 "processes view  refresh" && tui_wait 5 "qQuit"
okw $? "the TUI is redrawn whole after the shell"
is "$(tui_alternate)" 1 "and owns the screen again"

# ---- k: a signal, only after y ----

tui_keys / "$MARK" Enter
wait_until 10 sel_is "$MARK"
tui_keys k
tui_wait 5 "Signal to send to pid $MARKPID (sleep)"
okw $? "k asks which signal to send to pid $MARKPID"
tui_keys Enter
tui_wait 5 "Really send SIGTERM to pid $MARKPID (sleep)? [y/N]"
okw $? "then asks for a y"
tui_keys n
tui_wait 5 "not done: send SIGTERM to pid $MARKPID"
okw $? "n: not done"
kill -0 "$MARKPID" 2>/dev/null
ok $? "the process is still there"
tui_keys k Enter y
tui_wait 5 "done: send SIGTERM to pid $MARKPID"
okw $? "y: done"
wait "$MARKPID" 2>/dev/null
is "$?" 143 "the process got SIGTERM"

# ---- f: freeze and thaw a cgroup, only after y ----

CGF=/sys/fs/cgroup/freezer/isoscope-test.$$
if [ "$(stat -f -c %T /sys/fs/cgroup/freezer 2>/dev/null)" = cgroupfs ]; then
  mkdir "$CGF" && CG_DIRS+=("$CGF")
  sh -c 'exec sleep 300' &
  FPID=$!
  track_pid "$FPID"
  echo "$FPID" >"$CGF/cgroup.procs"
  tui_keys 3
  tui_wait 10 "cgroups view  refresh"
  tui_keys / "isoscope-test.$$" Enter
  wait_until 10 sel_is "isoscope-test.$$"
  okw $? "search selects the test's freezer cgroup"
  tui_keys f
  tui_wait 5 "Really freeze cgroup /isoscope-test.$$ (1 process)? [y/N]"
  okw $? "f asks for a y"
  tui_keys n
  tui_wait 5 "not done"
  is "$(cat "$CGF/freezer.state")" THAWED "n: not frozen"
  tui_keys f y
  frozen() { [ "$(cat "$CGF/freezer.state")" = FROZEN ]; }
  wait_until 5 frozen
  ok $? "y: the cgroup is frozen (freezer.state FROZEN)"
  is "$(awk '{ print $3 }' "/proc/$FPID/stat")" D "its process is stopped by the freezer"
  tui_wait_ticks 5 1
  tui_keys f
  tui_wait 5 "Really thaw cgroup /isoscope-test.$$"
  okw $? "f on a frozen cgroup offers to thaw it"
  tui_keys y
  thawed() { [ "$(cat "$CGF/freezer.state")" = THAWED ]; }
  wait_until 5 thawed
  ok $? "y: thawed"
else
  skip "f freezes a cgroup" "no cgroup v1 freezer hierarchy"
fi

tui_keys q
wait_until 10 tui_exited
is "$(tui_exit_status)" 0 "q: exit status 0"

done_testing
