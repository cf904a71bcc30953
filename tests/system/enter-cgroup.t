#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# enter-cgroup.t: isoscope enter -c joins the target's v1 and v2 cgroups; a cgroup directory is a
# TARGET (its lowest pid).

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"
[ "$(stat -f -c %T /sys/fs/cgroup/pids 2>/dev/null)" = cgroupfs ] ||
  skip_all "no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids (this test is for hybrid hosts)"
V2=
[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && V2=/sys/fs/cgroup/unified

# The test's own cgroups, removed (children first) by cleanup.
CG_DIRS=()
CGP=/sys/fs/cgroup/pids/isoscope-test.$$
CGU=${V2:+$V2/isoscope-test.$$}

# rmdir_retry DIR: remove an (emptying) cgroup, retrying for up to 2 s while its processes exit.
rmdir_retry() {
  [ -d "$1" ] || return 0
  wait_until 2 rmdir "$1" 2>/dev/null || diag "cannot remove $1: $(tr '\n' ' ' <"$1/cgroup.procs" 2>/dev/null)"
}

cleanup() {
  local i
  ns_cleanup
  for ((i = ${#CG_DIRS[@]} - 1; i >= 0; i--)); do
    rmdir_retry "${CG_DIRS[i]}"
  done
}
trap cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# mkcg DIR: create a cgroup of the test's own (it must not exist yet).
mkcg() {
  mkdir "$1" || return 1
  CG_DIRS+=("$1")
}

mkcg "$CGP"
ok $? "setup: created $CGP"
if [ -n "$CGU" ]; then
  mkcg "$CGU"
  ok $? "setup: created $CGU"
else
  diag "no cgroup2 hierarchy at /sys/fs/cgroup/unified: v1 only"
fi

# Two targets in uts namespaces of their own, both moved into the test's cgroups.
self_uts=$(ns_ino $$ uts)
unshare --uts sh -c 'hostname cg-first; exec sleep 60' 2>>"$tmp/bg.err" &
A=$!
track_pid "$A"
unshare --uts sh -c 'hostname cg-second; exec sleep 60' 2>>"$tmp/bg.err" &
B=$!
track_pid "$B"
ready() {
  local p
  for p in "$A" "$B"; do
    ns_differs "$p" uts "$self_uts" && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] || return 1
  done
}
if ! wait_until 10 ready; then
  ok 1 "setup: the targets started"
  done_testing
  exit
fi
# B goes in first, so that "the lowest pid" differs from "the first one listed" in cgroup2.
st=0
for d in "$CGP" $CGU; do
  for p in "$B" "$A"; do
    echo "$p" >"$d/cgroup.procs" || st=1
  done
done
ok $st "setup: targets $A and $B moved into the test's cgroups"
want_cg=$(cat "/proc/$A/cgroup")
pids_line=$(grep -E '^[0-9]+:pids:' <<<"$want_cg")
is "${pids_line#*:pids:}" "/isoscope-test.$$" "setup: $A is in pids:/isoscope-test.$$"
[ -z "$CGU" ] || is "$(grep '^0::' <<<"$want_cg")" "0::/isoscope-test.$$" "setup: $A is in 0::/isoscope-test.$$"
self_cg=$(cat /proc/$$/cgroup)

# --- -c: the command runs in every cgroup of the target's.
got=$("$ISOSCOPE" enter -t "$A" -c -u cat /proc/self/cgroup 2>>"$tmp/err")
grep -qxF "$pids_line" <<<"$got"
ok $? "-c -u: the command is in the target's pids cgroup ($pids_line)"
if [ -n "$CGU" ]; then
  grep -qxF "0::/isoscope-test.$$" <<<"$got"
  ok $? "-c -u: the command is in the target's v2 cgroup (0::/isoscope-test.$$)"
fi
is "$got" "$want_cg" "-c -u: /proc/self/cgroup is the target's, line for line"
is "$("$ISOSCOPE" enter -t "$A" -c -u hostname 2>>"$tmp/err")" cg-first "-c -u: and the uts namespace is the target's"
is "$("$ISOSCOPE" enter -t "$A" -c cat /proc/self/cgroup 2>>"$tmp/err")" "$want_cg" \
  "-c alone: /proc/self/cgroup is the target's"
is "$("$ISOSCOPE" enter -t "$A" -c readlink /proc/self/ns/uts 2>>"$tmp/err")" "uts:[$self_uts]" \
  "-c alone: no namespace is entered"
is "$(cat /proc/$$/cgroup)" "$self_cg" "-c: the caller's cgroups are unchanged"
in_cg() { sort -n "$1/cgroup.procs" | tr '\n' ' '; }
want_procs=$(printf '%s\n' "$A" "$B" | sort -n | tr '\n' ' ')
is "$(in_cg "$CGP")" "$want_procs" "-c: once the commands exit, only the targets are left in $CGP"

# --- a cgroup directory as TARGET: its lowest pid.
low=$(min_of "$A" "$B")
want_host=$([ "$low" = "$A" ] && echo cg-first || echo cg-second)
is "$("$ISOSCOPE" enter -u "$CGP" hostname 2>>"$tmp/err")" "$want_host" "-u CGROUP: the uts namespace of the lowest pid $low"
is "$("$ISOSCOPE" enter -t "$CGP" -u hostname 2>>"$tmp/err")" "$want_host" "-t CGROUP -u: the lowest pid $low"
is "$("$ISOSCOPE" enter "$CGP" hostname 2>>"$tmp/err")" "$want_host" "bare CGROUP: all namespaces of pid $low"
out=$("$ISOSCOPE" enter "$CGP" -u hostname 2>/dev/null)
[ "$out" = "$want_host" ]
ok $? "CGROUP -u hostname: an option after the TARGET is an option"
if [ -n "$CGU" ]; then
  is "$("$ISOSCOPE" enter -t "$CGU" -u hostname 2>>"$tmp/err")" "$want_host" "-t V2-CGROUP -u: the lowest pid $low"
fi
is "$("$ISOSCOPE" enter -t "$CGP" -c cat /proc/self/cgroup 2>>"$tmp/err")" "$(cat "/proc/$low/cgroup")" \
  "-t CGROUP -c: the command joins that cgroup"

mkcg "$CGP/empty"
"$ISOSCOPE" enter -t "$CGP/empty" -u true 2>"$tmp/empty.err"
is $? 2 "an empty cgroup as TARGET: exit 2"
grep -q 'has no processes' "$tmp/empty.err"
ok $? "an empty cgroup as TARGET: the message says it has no processes"
is "$(in_cg "$CGP")" "$want_procs" "after all calls, only the targets are in $CGP"
[ -z "$CGU" ] || is "$(in_cg "$CGU")" "$want_procs" "after all calls, only the targets are in $CGU"

for f in err bg.err; do
  [ -s "$tmp/$f" ] || continue
  diag "stderr ($f):"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/$f"
done
done_testing
