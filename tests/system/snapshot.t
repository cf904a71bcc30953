#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# snapshot.t: `isoscope snapshot` and --load: every read-only command prints the same from a
# snapshot as it printed live at that moment; the document against the kernel; bad files.
#
# The test creates /isoscope-snap.PID (and /isoscope-snap.PID/sub) in the memory and pids v1
# hierarchies and in the cgroup2 tree (unified/ on a hybrid host, the root on a pure v2 one),
# with limits, and starts its own processes there, which then keep still:
#   A  `unshare --uts --ipc --net --pid --fork sleep` in sub: new namespaces, and C its child
#   B  a sleep in /isoscope-snap.PID holding an fd on A's net namespace
# A snapshot is taken, then each command runs live and with --load; the two outputs must be
# equal (a pair that races with a change on the host is taken again, up to three times).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/ns-helpers.sh
. "$here/../lib/ns-helpers.sh"

require_root
command -v unshare >/dev/null || skip_all "unshare (util-linux) is needed"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
export LC_ALL=C.UTF-8
unset COLUMNS LINES

bail_out() {
  echo "Bail out! $*"
  exit 1
}

CG=/sys/fs/cgroup
NAME=isoscope-snap.$$
HDIRS=()
if [ -f "$CG/cgroup.controllers" ]; then
  HDIRS+=("$CG")
else
  for h in memory pids unified; do
    [ -d "$CG/$h" ] && HDIRS+=("$(readlink -f "$CG/$h")")
  done
fi
[ "${#HDIRS[@]}" -gt 0 ] || skip_all "no cgroup hierarchy to create a test cgroup in"

tmp=$(new_tmpdir)
track_tmpdir "$tmp"
trap ns_cleanup EXIT
trap 'exit 1' INT TERM
for d in "${HDIRS[@]}"; do
  mkdir "$d/$NAME" "$d/$NAME/sub" || bail_out "cannot create $d/$NAME"
  track_cgroup "$d/$NAME"
  track_cgroup "$d/$NAME/sub"
done
MEM=$(readlink -f "$CG/memory" 2>/dev/null)
[ -f "$MEM/$NAME/memory.limit_in_bytes" ] && echo 64M >"$MEM/$NAME/memory.limit_in_bytes"
PIDS=$(readlink -f "$CG/pids" 2>/dev/null)
[ -f "$PIDS/$NAME/pids.max" ] && echo 32 >"$PIDS/$NAME/pids.max"
[ -f "$CG/$NAME/pids.max" ] && echo 32 >"$CG/$NAME/pids.max"

# launch REL CMD...: run CMD in the background after moving the subshell into REL of every
# hierarchy; sets LAUNCHED.
launch() {
  local rel=$1
  shift
  (
    for d in "${HDIRS[@]}"; do
      echo "$BASHPID" >"$d/$NAME$rel/cgroup.procs" || exit 125
    done
    exec "$@"
  ) &
  LAUNCHED=$!
}

launch /sub unshare --uts --ipc --net --pid --fork sleep 600
A=$LAUNCHED
track_pid "$A"
has_child() { [ -n "$(children_of "$1")" ]; }
wait_until 5 has_child "$A" || bail_out "unshare did not start its child"
C=$(children_of "$A")
track_pid "$C"
own_uts() { [ "$(ns_ino "$C" uts)" != "$(ns_ino $$ uts)" ] && grep -q sleep "/proc/$C/comm"; }
wait_until 5 own_uts || bail_out "no new uts namespace"
# shellcheck disable=SC2016 # $1 is the inner shell's
launch "" sh -c 'exec sleep 600 9<"$1"' sh "/proc/$C/ns/net"
B=$LAUNCHED
track_pid "$B"
wait_until 5 grep -q sleep "/proc/$B/comm" || bail_out "the fd holder did not exec"
UTS=$(ns_ino "$C" uts)
NET=$(ns_ino "$C" net)
SNAP=$tmp/snap.json

# same DESC ARGS...: snapshot, then `isoscope ARGS` live and `isoscope --load SNAP ARGS`;
# their stdout, stderr and status must be equal.
same() {
  local desc=$1
  shift
  for _ in 1 2 3; do
    "$ISOSCOPE" snapshot -o "$SNAP" || break
    "$ISOSCOPE" "$@" >"$tmp/live" 2>"$tmp/live.err"
    echo "status $?" >>"$tmp/live"
    "$ISOSCOPE" --load "$SNAP" "$@" >"$tmp/load" 2>"$tmp/load.err"
    echo "status $?" >>"$tmp/load"
    cmp -s "$tmp/live" "$tmp/load" && cmp -s "$tmp/live.err" "$tmp/load.err" && break
    sleep 0.3
  done
  if [ -s "$tmp/live" ] && cmp -s "$tmp/live" "$tmp/load" && cmp -s "$tmp/live.err" "$tmp/load.err"; then
    ok 0 "$desc: the same live and from the snapshot"
  else
    ok 1 "$desc: the same live and from the snapshot"
    diff "$tmp/live" "$tmp/load" | sed 's/^/#   /' | head -20
    diff "$tmp/live.err" "$tmp/load.err" | sed 's/^/#   /' | head -5
  fi
}

# same_rows DESC REGEX ARGS...: the same for the lines of stdout that match REGEX only (the
# rest of the host moves on between the two runs; so do the tree guides before a row, which
# depend on its siblings, and are left out); at least one line must match.
same_rows() {
  local desc=$1 re=$2
  shift 2
  for _ in 1 2 3; do
    "$ISOSCOPE" snapshot -o "$SNAP" || break
    "$ISOSCOPE" "$@" 2>/dev/null | grep -E -- "$re" | sed -E 's/^[│├└─ ]+//' >"$tmp/live"
    "$ISOSCOPE" --load "$SNAP" "$@" 2>/dev/null | grep -E -- "$re" | sed -E 's/^[│├└─ ]+//' >"$tmp/load"
    cmp -s "$tmp/live" "$tmp/load" && break
    sleep 0.3
  done
  if [ -s "$tmp/live" ] && cmp -s "$tmp/live" "$tmp/load"; then
    ok 0 "$desc: the same live and from the snapshot"
  else
    ok 1 "$desc: the same live and from the snapshot"
    diff "$tmp/live" "$tmp/load" | sed 's/^/#   /' | head -20
  fi
}

same "ls NS" ls "$UTS"
same "ls -J NS" ls -J "$UTS"
same "ls with holders, nsfs, cgroup, container" ls -o NS,TYPE,NPROCS,PID,HOLDERS,NSFS,CGROUP,CONTAINER,PNS,ONS "$NET"
same_rows "ls -l: the rows of the test's namespaces" "^ *($UTS|$NET|$(ns_ino "$C" ipc)|$(ns_ino "$C" pid)) " \
  ls -r -l -o NS,TYPE,NPROCS,NTHREADS,PID,PPID,COMMAND,HOLDERS,NSFS,CGROUP,CONTAINER,UID,USER
same "ps --ns" ps --ns "$UTS"
same "ps -J --cgroup" ps -J -o +LSM,FILECAPS --cgroup "/$NAME"
same "caps PIDS" caps "$C" "$B"
same "caps -J cgroup" caps -J -a "/$NAME"
same "explain PID" explain "$C"
same "explain -J PID" explain -J "$B"
same "diff A B" diff "$C" "$B"
same "diff -J -a" diff -J -a "$C" "$B"
same "cgroups SUBTREE" cgroups "/$NAME"
same "cgroups -J -a SUBTREE" cgroups -J "/$NAME"
same "cgroups -r" cgroups -r "/$NAME"
same_rows "top -b, processes view: the test's processes" "^ +($A|$B|$C) " top -b -n 1 --no-color
same_rows "top -b, namespaces view: the test's namespaces" "($UTS|$NET) " top -b -n 1 --view namespaces
same_rows "top -b, cgroups view: the test's cgroups" "$NAME" top -b -n 1 --view cgroups -s CGROUP
same "an unknown target" explain 999999999
same "a missing namespace" ls 1

# The document itself, against the kernel.
"$ISOSCOPE" snapshot -o "$SNAP"
is "$?" 0 "snapshot -o FILE succeeds"
"$ISOSCOPE" snapshot >"$tmp/stdout.json"
is "$?" 0 "snapshot to stdout succeeds"
py() { python3 - "$SNAP" "$@"; }
is "$(py <<<'import json,sys; print(json.load(open(sys.argv[1]))["schema_version"])')" 1 "schema_version is 1"
is "$(py "$C" <<<'import json,sys; d=json.load(open(sys.argv[1])); p=d["processes"][sys.argv[2]]; print(" ".join(str(p["ns"][t]) for t in ("uts","net","pid","ipc")))')" \
  "$(ns_ino "$C" uts) $(ns_ino "$C" net) $(ns_ino "$C" pid) $(ns_ino "$C" ipc)" "the process's namespaces are the kernel's"
is "$(py "$C" <<<'import json,sys; d=json.load(open(sys.argv[1])); print(d["processes"][sys.argv[2]]["cgroup_text"], end="")')" \
  "$(cat "/proc/$C/cgroup")" "the cgroup text is /proc/PID/cgroup"
is "$(py "$NET" "$B" <<<'import json,sys; d=json.load(open(sys.argv[1])); h=d["namespaces"][sys.argv[2]].get("holders",[]); print(any(x["kind"]=="fd" and x["pid"]==int(sys.argv[3]) and x["num"]==9 for x in h))')" \
  True "the fd holder of the net namespace is in the document"
if [ -f "$MEM/$NAME/memory.limit_in_bytes" ]; then
  is "$(py "/$NAME" <<<'import json,sys; d=json.load(open(sys.argv[1])); print(d["cgroups"]["hierarchies"]["memory"]["cgroups"][sys.argv[2]]["values"]["memory_max"])')" \
    "$(cat "$MEM/$NAME/memory.limit_in_bytes")" "memory_max is memory.limit_in_bytes"
else
  skip "memory_max is memory.limit_in_bytes" "no v1 memory hierarchy"
fi

# Bad files: a clear message naming the file (and the field), status 1, never a crash.
bad() { # bad DESC CONTENT PATTERN [ARGS...]
  local desc=$1 content=$2 pat=$3
  shift 3
  printf '%s' "$content" >"$tmp/bad.json"
  "$ISOSCOPE" --load "$tmp/bad.json" "${@:-ps}" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  if [ "$st" -eq 1 ] && grep -q -- "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then
    ok 0 "$desc"
  else
    ok 1 "$desc"
    echo "#   status $st, stderr: $(head -c 300 "$tmp/err")"
  fi
}
bad "not JSON" '{"schema_version": 1, "processes": {' "bad.json: not valid JSON"
bad "no schema_version" '{"processes": {}}' "bad.json: not an isoscope snapshot (no schema_version)"
bad "an unknown schema_version" '{"schema_version": 99}' "schema_version: unsupported version 99"
bad "a field of the wrong type" '{"schema_version": 1, "processes": {"7": {"pid": 7, "uid": "root"}}}' \
  "bad.json: processes.7.uid: expected an integer"
bad "a cgroup without its parent" \
  '{"schema_version": 1, "cgroups": {"mode": "v2", "hierarchies": {"": {"v2": true, "cgroups": {"/a/b": {}}}}}}' \
  "cgroups.hierarchies..cgroups./a/b" cgroups
bad "--at on a snapshot" '{"schema_version": 1}' "needs a record" --at +0 ps
"$ISOSCOPE" --load "$tmp/does-not-exist" ls >"$tmp/out" 2>"$tmp/err"
st=$?
is "$st $(grep -c "cannot read $tmp/does-not-exist: No such file" "$tmp/err")" "1 1" "a missing file: status 1, named"
printf '{"schema_version": 1}' >"$tmp/empty.json"
"$ISOSCOPE" --load "$tmp/empty.json" ps -o PID >"$tmp/out" 2>"$tmp/err"
is "$? $(wc -l <"$tmp/out")" "0 0" "an empty snapshot: status 0, no rows"
"$ISOSCOPE" --load "$SNAP" enter -t "$C" -u true >"$tmp/out" 2>"$tmp/err"
is "$? $(grep -c "works on the live one" "$tmp/err")" "1 1" "enter refuses --load"
"$ISOSCOPE" snapshot -o "$tmp/nodir/x.json" 2>"$tmp/err"
is "$? $(test -e "$tmp/nodir" && echo there)" "1 " "snapshot -o into a missing directory fails and leaves nothing"

done_testing
