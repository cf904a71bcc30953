#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-init.t: the init of isoscope run reaps zombies and forwards signals; exit codes and deaths by
# signal pass through; --die-with-parent and --kill-child end the sandbox when isoscope is killed.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"

require_root
trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
run_snapshot
MARK=isoscope-run-init-$$ # in the argv of every long-lived process, for left_behind
# marked: the pid of the process that runs as "$MARK 300" (not isoscope, whose argv holds it too)
marked() { pgrep -f "^$MARK 300\$" | head -n1; }
# (wait_until runs its command again each time: a $(...) in its arguments would be expanded once)
is_marked() { test -n "$(marked)"; }
has_child() { test -n "$(children_of "$1")"; }

# Exit codes pass through, with and without a pid namespace and its init.
for mode in "" "-p" "-p --as-pid-1"; do
  for code in 0 3 42 255; do
    # shellcheck disable=SC2086 # $mode is a list of options
    "$ISOSCOPE" run $mode -- sh -c "exit $code"
    is $? "$code" "exit $code passes through (run ${mode:-without options})"
  done
done

# Deaths by signal pass through: isoscope dies of the same signal.
for mode in "" "-p"; do
  for sig in TERM KILL INT; do
    # shellcheck disable=SC2086
    { ( "$ISOSCOPE" run $mode -- sh -c "kill -$sig \$\$" ); } 2>/dev/null
    st=$?
    is "$st" "$((128 + $(kill -l "$sig")))" "death by SIG$sig passes through (run ${mode:-without options})"
  done
done

# Signals sent to isoscope reach the command (through init with -p).
for mode in "" "-p"; do
  # shellcheck disable=SC2086,SC2016
  "$ISOSCOPE" run $mode -- sh -c 'trap "echo got-USR1; exit 7" USR1; echo ready; while :; do sleep 0.05; done' \
    >"$tmp/fwd.out" 2>&1 &
  P=$!
  track_pid "$P"
  wait_until 5 grep -q ready "$tmp/fwd.out"
  kill -USR1 "$P"
  wait "$P"
  st=$?
  is "$st:$(grep -c got-USR1 "$tmp/fwd.out")" "7:1" "SIGUSR1 to isoscope reaches the command once (run ${mode:-without options})"
  "$ISOSCOPE" run $mode -- sh -c 'trap "exit 9" TERM; echo ready; while :; do sleep 0.05; done' >"$tmp/fwd.out" 2>&1 &
  P=$!
  track_pid "$P"
  wait_until 5 grep -q ready "$tmp/fwd.out"
  kill -TERM "$P"
  wait "$P"
  is $? 9 "SIGTERM to isoscope reaches the command (run ${mode:-without options})"
done

# Zombies: a process orphaned inside is reparented to pid 1 of the sandbox.  isoscope's init reaps
# it; with --as-pid-1 a command that never waits (sleep) leaves it a zombie.
zombies_below() { # INIT_PID: zombie children of it
  local c n=0
  for c in $(children_of "$1"); do
    [ "$(proc_state "$c")" = Z ] && n=$((n + 1))
  done
  echo "$n"
}
for mode in init as-pid-1; do
  opt=()
  [ "$mode" = as-pid-1 ] && opt=(--as-pid-1)
  "$ISOSCOPE" run -p "${opt[@]}" -- bash -c "(sleep 0.2 &); exec -a $MARK sleep 2" &
  P=$!
  track_pid "$P"
  wait_until 5 has_child "$P"
  I=$(children_of "$P" | head -n1)
  sleep 0.8
  z=$(zombies_below "$I")
  if [ "$mode" = init ]; then
    is "$z" 0 "isoscope's init reaps the orphan that exited"
    is "$(cat "/proc/$I/comm")" isoscope "pid 1 of the sandbox is isoscope's init"
  else
    is "$z" 1 "with --as-pid-1 (sleep as pid 1) the orphan stays a zombie: the contrast"
  fi
  wait "$P"
done

# --die-with-parent: kill -9 isoscope, the command dies too (with and without a pid namespace).
for mode in "" "-p"; do
  # shellcheck disable=SC2086
  "$ISOSCOPE" run $mode --die-with-parent -- bash -c "exec -a $MARK sleep 300" &
  P=$!
  track_pid "$P"
  wait_until 5 is_marked
  S=$(marked)
  track_pid "$S"
  {
    kill -KILL "$P"
    wait "$P"
  } 2>/dev/null
  [ -n "$S" ] && wait_until 5 gone_or_zombie "$S"
  ok $? "--die-with-parent: the command dies with isoscope (run ${mode:-without options})"
done
# ... also when pid 1 of the sandbox has a child of its own (the whole pid namespace goes).
"$ISOSCOPE" run -p --die-with-parent -- bash -c "sleep 300 & exec -a $MARK sleep 300" &
P=$!
track_pid "$P"
wait_until 5 is_marked
S=$(marked)
I=$(children_of "$P" | head -n1)
kids=$(children_of "$S")
{
  kill -KILL "$P"
  wait "$P"
} 2>/dev/null
wait_until 5 gone_or_zombie "$I"
ok $? "--die-with-parent -p: init dies with isoscope"
[ -n "$S" ] && [ -n "$kids" ]
ok $? "--die-with-parent -p: found the sandbox's processes ($S, $kids)"
all=1
for k in $S $kids; do wait_until 5 gone_or_zombie "$k" || all=0; done
ok $((!all)) "--die-with-parent -p: every process of the sandbox is gone"

# --kill-child=SIGNAL sends that signal instead (here TERM, caught by the command).
"$ISOSCOPE" run --kill-child=TERM -- sh -c "trap 'echo caught >$tmp/kc; exit 0' TERM; echo \$\$ >$tmp/kc.pid; while :; do sleep 0.05; done" &
P=$!
track_pid "$P"
wait_until 5 test -s "$tmp/kc.pid"
{
  kill -KILL "$P"
  wait "$P"
} 2>/dev/null
wait_until 5 test -s "$tmp/kc"
is "$(cat "$tmp/kc" 2>/dev/null)" caught "--kill-child=TERM: the command gets SIGTERM when isoscope dies"
"$ISOSCOPE" run --kill-child=NOSUCH -- true 2>/dev/null
is $? 1 "--kill-child with an unknown signal is bad usage"

# Without --die-with-parent the sandbox outlives a killed isoscope (as unshare without --kill-child).
"$ISOSCOPE" run -- bash -c "exec -a $MARK sleep 300" &
P=$!
track_pid "$P"
wait_until 5 is_marked
S=$(marked)
track_pid "$S"
{
  kill -KILL "$P"
  wait "$P"
} 2>/dev/null
sleep 0.3
[ -n "$S" ] && ! gone_or_zombie "$S"
ok $? "without --die-with-parent the command outlives a killed isoscope"
kill_tracked "$S"
wait_until 5 gone_or_zombie "$S"

left_behind "nothing left behind (cgroups, mounts, processes)" "$MARK" "$tmp"
done_testing
