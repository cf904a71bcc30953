#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ls-types.t: isoscope ls reports new namespaces of every type with the right counts and relations.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
J=$tmp/ls.json

self_user=$(ns_ino $$ user)
self_pid=$(ns_ino $$ pid)
self_time=$(ns_ino $$ time)

# One unshare creating every type. U (unshare itself) moves into the new user, mnt, uts, ipc, net
# and cgroup namespaces; its child C is pid 1 of the new pid namespace and in the new time
# namespace, and starts two more sleeps there. So: 4 processes in user/mnt/uts/ipc/net/cgroup,
# 3 in pid and time.
unshare --fork --kill-child --pid --mount --uts --ipc --net --user --map-root-user --cgroup --time \
  --mount-proc sh -c 'sleep 60 & sleep 60 & exec sleep 60' 2>>"$tmp/bg.err" &
U=$!
track_pid "$U"
C=
first_child() { C=$(children_of "$U" | head -n1) && [ -n "$C" ]; }
if ! wait_until 10 first_child || ! wait_until 10 nchildren_is "$C" 2; then
  diag "the unshare'd processes did not start"
  ok 1 "set up namespaces of every type"
  done_testing
  exit
fi
track_pid "$C"
mapfile -t S < <(children_of "$C")
for s in "${S[@]}"; do track_pid "$s"; done
diag "unshare pid $U, its child $C (pid 1 inside), grandchildren ${S[*]}"

# A process whose pid_for_children / time_for_children is a namespace no process is in.
# pid: unshare --pid without --fork; the kernel only shows pid_for_children once the namespace
# has had an init, so sh forks /bin/true (pid 1 there, which exits) and then execs sleep, which
# cannot fork into the dead namespace but keeps it as pid_for_children.
unshare --pid sh -c '/bin/true; exec sleep 60' 2>>"$tmp/bg.err" &
P=$!
track_pid "$P"
# time: exec moves a task into its time_for_children, so `unshare --time sleep` would be inside;
# a python process calls unshare(CLONE_NEWTIME) and sleeps without exec or fork.
"$NS_PYTHON" -c 'import ctypes, time
if ctypes.CDLL(None, use_errno=True).unshare(0x80) != 0:  # CLONE_NEWTIME
    raise SystemExit("unshare(CLONE_NEWTIME) failed: errno %d" % ctypes.get_errno())
time.sleep(60)' 2>>"$tmp/bg.err" &
T=$!
track_pid "$T"
wait_until 10 ns_differs "$P" pid_for_children "$self_pid" || diag "pid_for_children did not change"
wait_until 10 ns_differs "$T" time_for_children "$self_time" || diag "time_for_children did not change"

"$ISOSCOPE" ls -J -l --output-all >"$J" 2>"$tmp/err"
ok $? "isoscope ls -J -l --output-all exits 0"
nsjson valid "$J"
ok $? "it prints valid JSON"

declare -A ino
for t in user mnt uts ipc net cgroup pid time; do
  ino[$t]=$(ns_ino "$C" "$t")
  if [ -n "${ino[$t]}" ] && [ "${ino[$t]}" != "$(ns_ino $$ "$t")" ]; then
    ok 0 "unshare created a new $t namespace (${ino[$t]})"
  else
    ok 1 "unshare created a new $t namespace"
  fi
done

min4=$(min_of "$U" "$C" "${S[@]}")
min3=$(min_of "$C" "${S[@]}")
for t in user mnt uts ipc net cgroup pid time; do
  n=${ino[$t]}
  case $t in
    pid | time) want=3 low=$min3 ;;
    *) want=4 low=$min4 ;;
  esac
  has_ns "$J" "$n" "$t: new namespace $n is listed once"
  is_field "$J" "$n" type "$t" "$t: TYPE is $t"
  is_field "$J" "$n" nprocs "$want" "$t: NPROCS is $want"
  is_field "$J" "$n" nthreads "$want" "$t: NTHREADS is $want"
  is_field "$J" "$n" pid "$low" "$t: PID is the lowest pid in it ($low)"
  has_holder "$J" "$n" "tasks:$want" "$t: holders include tasks:$want"
  case $t in
    user)
      is_field "$J" "$n" pns "$self_user" "user: PNS is the test's user namespace"
      is_field "$J" "$n" ons "$self_user" "user: ONS is the test's user namespace"
      ;;
    pid)
      is_field "$J" "$n" pns "$self_pid" "pid: PNS is the test's pid namespace"
      is_field "$J" "$n" ons "${ino[user]}" "pid: ONS is the new user namespace"
      ;;
    *)
      is_field "$J" "$n" ons "${ino[user]}" "$t: ONS is the new user namespace"
      ;;
  esac
done

# The default (process tree) JSON holds the same rows, nested under "children".
"$ISOSCOPE" ls -J --output-all >"$tmp/tree.json" 2>>"$tmp/err"
ok $? "isoscope ls -J --output-all (tree) exits 0"
for t in user mnt uts ipc net cgroup pid time; do
  want=$(nsjson field "$J" "${ino[$t]}" nprocs)
  is "$(nsjson rows "$tmp/tree.json" "${ino[$t]}"):$(nsjson field "$tmp/tree.json" "${ino[$t]}" nprocs)" \
    "1:$want" "tree: the new $t namespace is there once, NPROCS $want"
done

# --tree=owner nests each namespace under its owning user namespace, --tree=parent under its parent.
"$ISOSCOPE" ls -J --tree=owner -o NS,TYPE >"$tmp/owner.json" 2>>"$tmp/err"
ok $? "isoscope ls -J --tree=owner exits 0"
is "$(nsjson parent "$tmp/owner.json" "${ino[user]}")" "$self_user" \
  "tree=owner: the new user namespace is under the test's user namespace"
for t in mnt uts ipc net cgroup pid time; do
  is "$(nsjson parent "$tmp/owner.json" "${ino[$t]}")" "${ino[user]}" \
    "tree=owner: the new $t namespace is under the new user namespace"
done
"$ISOSCOPE" ls -J --tree=parent -o NS,TYPE >"$tmp/parent.json" 2>>"$tmp/err"
ok $? "isoscope ls -J --tree=parent exits 0"
is "$(nsjson parent "$tmp/parent.json" "${ino[user]}")" "$self_user" \
  "tree=parent: the new user namespace is under the test's user namespace"
is "$(nsjson parent "$tmp/parent.json" "${ino[pid]}")" "$self_pid" \
  "tree=parent: the new pid namespace is under the test's pid namespace"

# NSPIDS / PIDNS_PID: C is pid 1 inside the new pid namespace.
is "$(nspids "$C")" "$C/1" "setup: /proc/$C/status NSpid is $C 1"
n=${ino[pid]}
is_field "$J" "$n" nspids "$(nspids "$min3")" "pid: NSPIDS is the NSpid chain of pid $min3"
want=$(nspids "$min3")
is_field "$J" "$n" pidns_pid "${want##*/}" "pid: PIDNS_PID is pid $min3 as seen inside"
"$ISOSCOPE" ls -J -l --output-all -p "$C" >"$tmp/c.json" 2>>"$tmp/err"
ok $? "isoscope ls -p $C exits 0"
n=$(ns_ino "$C" pid)
is_field "$tmp/c.json" "$n" pid "$min3" "ls -p $C: the new pid namespace's PID is $min3"
if [ "$min3" = "$C" ]; then
  is_field "$tmp/c.json" "$n" nspids "$C/1" "ls -p $C: NSPIDS is $C/1"
  is_field "$tmp/c.json" "$n" pidns_pid 1 "ls -p $C: PIDNS_PID is 1"
else
  skip "ls -p $C: NSPIDS is $C/1" "pid $C is not the lowest pid (pid wrap-around)"
  skip "ls -p $C: PIDNS_PID is 1" "pid $C is not the lowest pid (pid wrap-around)"
fi

# Nested pid namespaces: Q is pid 1 two levels down, NSPIDS has three parts.
unshare --fork --kill-child --pid --mount-proc \
  unshare --fork --kill-child --pid --mount-proc sleep 60 2>>"$tmp/bg.err" &
Q0=$!
track_pid "$Q0"
Q1="" Q=""
q_chain() {
  Q1=$(children_of "$Q0" | head -n1) && [ -n "$Q1" ] &&
    Q=$(children_of "$Q1" | head -n1) && [ -n "$Q" ] &&
    [ "$(cat "/proc/$Q/comm" 2>/dev/null)" = sleep ]
}
if wait_until 10 q_chain; then
  track_pid "$Q1"
  track_pid "$Q"
  inner=$(ns_ino "$Q" pid)
  outer=$(ns_ino "$Q1" pid)
  is "$(nspids "$Q" | tr -cd / | wc -c)" 2 "setup: $Q has a three-level NSpid ($(nspids "$Q"))"
  "$ISOSCOPE" ls -J -l --output-all -t pid >"$tmp/nested.json" 2>>"$tmp/err"
  ok $? "isoscope ls -J -l -t pid exits 0"
  is_field "$tmp/nested.json" "$inner" pns "$outer" "nested pid: PNS of the inner is the outer"
  is_field "$tmp/nested.json" "$outer" pns "$self_pid" "nested pid: PNS of the outer is the test's"
  is_field "$tmp/nested.json" "$inner" pid "$Q" "nested pid: PID is $Q"
  is_field "$tmp/nested.json" "$inner" nspids "$(nspids "$Q")" "nested pid: NSPIDS is $(nspids "$Q")"
  is_field "$tmp/nested.json" "$inner" pidns_pid 1 "nested pid: PIDNS_PID is 1"
  is_field "$tmp/nested.json" "$outer" nprocs 1 "nested pid: the outer has NPROCS 1 (its pid 2 is in the inner)"
else
  ok 1 "setup: nested pid namespaces"
fi

# pid_for_children and time_for_children without any process inside.
"$ISOSCOPE" ls -J -l -P --output-all >"$tmp/p.json" 2>>"$tmp/err"
ok $? "isoscope ls -J -l -P exits 0"
for pair in "pid:$P" "time:$T"; do
  t=${pair%%:*}
  pid=${pair#*:}
  n=$(ns_ino "$pid" "${t}_for_children")
  if [ -n "$n" ] && [ "$n" != "$(ns_ino "$pid" "$t")" ]; then
    ok 0 "${t}_for_children of $pid is a new namespace ($n)"
  else
    ok 1 "${t}_for_children of $pid is a new namespace"
  fi
  has_ns "$J" "$n" "${t}_for_children: namespace $n is listed"
  is_field "$J" "$n" type "$t" "${t}_for_children: TYPE is $t"
  is_field "$J" "$n" nprocs 0 "${t}_for_children: NPROCS is 0"
  is_field "$J" "$n" pid null "${t}_for_children: PID is null"
  has_holder "$J" "$n" "for_children:$pid" "${t}_for_children: holders include for_children:$pid"
  is_field "$J" "$n" ons "$self_user" "${t}_for_children: ONS is the test's user namespace"
  has_ns "$tmp/p.json" "$n" "${t}_for_children: -P lists it"
done
is_field "$J" "$(ns_ino "$P" pid_for_children)" pns "$self_pid" \
  "pid_for_children: PNS is the test's pid namespace"

for f in err bg.err; do
  [ -s "$tmp/$f" ] || continue
  diag "stderr ($f):"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/$f"
done
done_testing
