#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ls-errors.t: isoscope ls error paths and the host's initial namespaces.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# A pid that does not exist: one of our own children, reaped.
sleep 0 &
gone=$!
wait "$gone"
if [ -e "/proc/$gone" ]; then
  skip "ls -p <no such pid> exits 2" "pid $gone was reused at once"
  skip "ls -p <no such pid> prints a message" "pid $gone was reused at once"
  skip "ls -p <no such pid> prints nothing on stdout" "pid $gone was reused at once"
else
  "$ISOSCOPE" ls -p "$gone" >"$tmp/out" 2>"$tmp/err"
  is $? 2 "ls -p $gone (no such pid) exits 2"
  [ -s "$tmp/err" ]
  ok $? "ls -p $gone prints a message on stderr: $(head -n1 "$tmp/err")"
  [ ! -s "$tmp/out" ]
  ok $? "ls -p $gone prints nothing on stdout"
fi

"$ISOSCOPE" ls -p notapid >"$tmp/out" 2>"$tmp/err"
is $? 1 "ls -p notapid exits 1 (bad usage)"

"$ISOSCOPE" ls 4026531 >"$tmp/out" 2>"$tmp/err"
is $? 2 "ls 4026531 (no such namespace) exits 2"
grep -q 'namespace not found' "$tmp/err"
ok $? "ls 4026531 says 'namespace not found': $(head -n1 "$tmp/err")"
[ ! -s "$tmp/out" ]
ok $? "ls 4026531 prints nothing on stdout"

# The initial namespaces, as kthreadd (pid 2) holds them: the kernel gives them fixed inodes.
"$ISOSCOPE" ls -J -l --output-all >"$tmp/all.json" 2>"$tmp/err"
ok $? "ls -J -l --output-all exits 0"
"$ISOSCOPE" ls -J -l -p 2 >"$tmp/p2.json" 2>"$tmp/err"
ok $? "ls -J -l -p 2 exits 0"
want=()
for t in mnt net pid uts ipc user cgroup time; do
  n=$(ns_ino 2 "$t")
  want+=("$n")
  has_ns "$tmp/all.json" "$n" "initial $t namespace $n is listed"
  is_field "$tmp/all.json" "$n" type "$t" "initial $t namespace: TYPE is $t"
  is_field "$tmp/p2.json" "$n" type "$t" "ls -p 2 lists the initial $t namespace $n"
done
is "$(nsjson inodes "$tmp/p2.json" | sort | tr '\n' ' ')" "$(printf '%s\n' "${want[@]}" | sort | tr '\n' ' ')" \
  "ls -p 2 lists exactly kthreadd's 8 namespaces"
user_ns=$(ns_ino 2 user)
is_field "$tmp/all.json" "$user_ns" pns 0 "initial user namespace: PNS is 0 (no parent)"
for t in mnt net pid uts ipc cgroup time; do
  is_field "$tmp/all.json" "$(ns_ino 2 "$t")" ons "$user_ns" "initial $t namespace: ONS is the initial user namespace"
done

"$ISOSCOPE" ls -J -l "$user_ns" >"$tmp/one.json" 2>"$tmp/err"
ok $? "ls $user_ns exits 0"
# Like lsns NS, isoscope ls NS lists the processes in that namespace.
"$NS_PYTHON" -c 'import json, sys
rows = json.load(open(sys.argv[1]))["namespaces"]
pids = {r.get("pid") for r in rows}
sys.exit(0 if {2, int(sys.argv[2])} <= pids else 1)' "$tmp/one.json" $$
ok $? "ls $user_ns lists the processes in it, kthreadd (2) and this test ($$) among them"

done_testing
