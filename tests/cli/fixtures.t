#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fixtures.t: `isoscope --sysroot DIR ls` over the generated fixture /proc tree, against
# golden output derived by hand.
#
# tests/fixtures/make-sysroot.sh builds the tree; what each process exercises:
#   1    init: host namespaces; cmdline "/sbin/init splash" (NUL-separated); fd 3 holds
#        netns 4026532999 that no process is in; fd 4 socket:[1234] and fd 5 pipe:[77]
#        are not namespaces; its mountinfo has an nsfs bind mount of netns 4026533000
#        at /run/netns/fixture
#   2    kthreadd: ppid 0, empty cmdline (COMMAND shows the comm)
#   120  comm "my (weird) app", uid 65534 (nobody), empty cmdline, own uts 4026532100
#   130  zombie: no namespace links; counted nowhere
#   140  3 threads; thread 142 is in netns 4026532500 (a loose thread); fd 5 holds the
#        container's netns 4026532206
#   150  pid_for_children 4026532300 and time_for_children 4026532301, no process in them
#   160  vanished (empty directory); 170 vanished (stat but no status)
#   200  container init: own pid/user/mnt/uts/ipc/net/cgroup 40265322{01..07}, host time;
#        NSpid 200 1
#   201  child of 200, uid 65534, NSpid 201 2
#
# Worked out by hand, per namespace (what the goldens must say):
#   host mnt/cgroup/pid/user/ipc: processes 1 2 120 140 150 -> NPROCS 5; threads 1+1+1+3+1 = 7
#   host net: the same 5 processes, but thread 142 is elsewhere -> NTHREADS 6
#   host time: the 5 plus the container's 200 and 201 -> NPROCS 7, NTHREADS 9
#   host uts: without 120 -> NPROCS 4, NTHREADS 6
#   every host row: PID 1 (lowest), PPID 0, USER root, PIDNS_PID 1, NSPIDS 1,
#     COMMAND "/sbin/init splash", HOLDERS tasks:N
#   4026532100 uts: 120 alone -> 1/1, USER nobody, COMMAND falls back to the comm
#   container rows: 200 and 201 -> 2/2; PID 200 (PPID 1, root), PIDNS_PID 1,
#     NSPIDS 200/1; its netns also lists fd:140/5
#   4026532300 pid, 4026532301 time: no process, NTHREADS 0, for_children:150
#   4026532500 net: no process, NTHREADS 1 (the thread), thread:140/142
#   4026532999 net: fd:1/3;  4026533000 net: bind:/run/netns/fixture@mnt:4026531832
#     (isoscope's own pid is no fixture pid, so the mount namespace is named)
#   The zombie and the vanished pids appear nowhere.  Through --sysroot the relation
#   ioctls cannot work (the links are not nsfs), so PNS/ONS would be 0: not shown here.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"

export LC_ALL=C.UTF-8
unset COLUMNS LINES
golden=$here/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
cols=NS,TYPE,NPROCS,PID,PPID,USER,HOLDERS,NTHREADS,PIDNS_PID,NSPIDS,COMMAND

# run ARGS...: run isoscope on the fixture; sets $out, $err, $rc.
run() {
  "$ISOSCOPE" --sysroot "$root" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(sed 's/ *$//' "$tmp/out")
  err=$(cat "$tmp/err")
}

# golden_is FILE DESCRIPTION: $out equals the golden file (trailing blanks aside); diff on failure.
golden_is() {
  if diff -u <(sed 's/ *$//' "$golden/$1") <(printf '%s\n' "$out") >"$tmp/diff"; then
    ok 0 "$2"
  else
    ok 1 "$2"
    sed 's/^/# /' "$tmp/diff"
  fi
}

# todo_ok STATUS DESCRIPTION REASON: a result that is expected to fail (a known bug).
todo_ok() {
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2 # TODO $3"
  else
    echo "not ok $TAP_N - $2 # TODO $3"
  fi
}

"$here/../fixtures/make-sysroot.sh" "$root"
ok $? "make-sysroot.sh builds the fixture tree"
[ -d "$root/proc/1" ] || {
  echo "Bail out! no fixture tree"
  exit 1
}

# --- the whole list against the goldens ---
run ls -l -o "$cols"
is "$rc" 0 "ls -l: exit 0"
golden_is basic-ls-l.txt "ls -l -o $cols matches golden/basic-ls-l.txt"
is "$err" "" "ls -l: nothing on stderr (no denied process, every mount table read)"

run ls -l -J -o "$cols"
is "$rc" 0 "ls -l -J: exit 0"
golden_is basic-ls-l.json "ls -l -J matches golden/basic-ls-l.json"
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out"
  ok $? "ls -l -J is valid JSON"
  # pids 160 and 170 of the fixture vanish mid-scan (make-sysroot.sh); none is denied.
  scan=$(python3 -c 'import json,sys; s=json.load(sys.stdin)["scan"]; print(s["vanished_processes"], s["denied_processes"])' <"$tmp/out")
  is "$scan" "2 0" "ls -l -J: the scan summary counts the 2 processes that vanished mid-scan, 0 denied"
else
  skip "ls -l -J is valid JSON" "no python3"
fi

# --- raw and no headings: holders joined by ',', spaces escaped ---
run ls -l -r -n -o NS,TYPE,NPROCS,NTHREADS,HOLDERS -t net
is "$out" "4026531833 net 5 6 tasks:5
4026532206 net 2 2 tasks:2,fd:140/5
4026532500 net 0 1 thread:140/142
4026532999 net 0 0 fd:1/3
4026533000 net 0 0 bind:/run/netns/fixture@mnt:4026531832" "ls -l -r -n -t net: raw rows without a heading"
run ls -r -l -o NS,COMMAND -p 120 -t uts
is "$out" 'NS COMMAND
4026532100 my\x20(weird)\x20app' "ls -r: the heading, and spaces in a comm escaped as \\x20"

# --- type filter, and the net-only columns it adds ---
run ls -l -t net -o NS,NPROCS,NSFS
is "$out" "        NS NPROCS NSFS
4026531833      5
4026532206      2
4026532500      0
4026532999      0
4026533000      0 /run/netns/fixture" "ls -t net: the five network namespaces; NSFS shows the bind mount"
run ls -l -t network -o NS,NPROCS,NSFS
is "$out" "        NS NPROCS NSFS
4026531833      5
4026532206      2
4026532500      0
4026532999      0
4026533000      0 /run/netns/fixture" "ls -t network (alias) lists the same"
run ls -l -t net
is "$(head -n1 <<<"$out" | tr -s ' ')" " NS TYPE NPROCS PID USER NETNSID NSFS COMMAND" \
  "ls -t net adds NETNSID and NSFS to the default columns"
run ls -l -t pid -t time -o NS,TYPE
is "$out" "        NS TYPE
4026531834 time
4026531836 pid
4026532201 pid
4026532300 pid
4026532301 time" "ls -t pid -t time: two types at once"

# --- -P: namespaces no process is in ---
run ls -l -P -o NS,TYPE,NPROCS,NTHREADS,HOLDERS
is "$out" "        NS TYPE  NPROCS NTHREADS HOLDERS
4026532300 pid        0        0 for_children:150
4026532301 time       0        0 for_children:150
4026532500 net        0        1 thread:140/142
4026532999 net        0        0 fd:1/3
4026533000 net        0        0 bind:/run/netns/fixture@mnt:4026531832" \
  "ls -P: only the for_children-, thread-, fd- and bind-held namespaces"

# --- -p PID ---
run ls -l -p 120 -o NS,TYPE,NPROCS,PID
is "$out" "        NS TYPE   NPROCS   PID
4026531832 mnt         5     1
4026531833 net         5     1
4026531834 time        7     1
4026531835 cgroup      5     1
4026531836 pid         5     1
4026531837 user        5     1
4026531839 ipc         5     1
4026532100 uts         1   120" "ls -p 120: its eight namespaces (its own uts, not the host's)"
run ls -l -p 201 -o NS,TYPE,PID,NSPIDS
is "$out" "        NS TYPE     PID NSPIDS
4026531834 time       1 1
4026532201 pid      200 200/1
4026532202 user     200 200/1
4026532203 mnt      200 200/1
4026532204 uts      200 200/1
4026532205 ipc      200 200/1
4026532206 net      200 200/1
4026532207 cgroup   200 200/1" "ls -p 201: the container's namespaces plus host time; rows show each one's lowest pid"
run ls -l -p 140 -o NS,TYPE -t net
is "$out" "        NS TYPE
4026531833 net" "ls -p 140 -t net: the leader's netns, not its loose thread's"
run ls -p 130
is "$rc:$out:$err" "0::" "ls -p 130 (zombie): exit 0, no namespaces"
run ls -p 99999
is "$rc" 2 "ls -p 99999: exit 2"
is "$err" "isoscope ls: no process with PID 99999" "ls -p 99999: says which pid"
run ls -p 160
is "$rc" 2 "ls -p 160 (vanished, empty directory): exit 2"
run ls -p 170
is "$rc" 2 "ls -p 170 (vanished after its stat was read): exit 2"

# --- ls NAMESPACE: the processes in one namespace ---
run ls -l 4026532201
is "$out" "  PID PPID USER   COMMAND
  200    1 root   /bin/sh -c sleep infinity
  201  200 nobody sleep infinity" "ls -l 4026532201: the container's two processes"
run ls 4026532201
is "$out" "  PID PPID USER   COMMAND
  200    1 root   /bin/sh -c sleep infinity
  201  200 nobody └─sleep infinity" "ls 4026532201: as a process tree"
run ls 4026531832
is "$out" "  PID PPID USER   COMMAND
    1    0 root   /sbin/init splash
  120    1 nobody ├─my (weird) app
  140    1 root   ├─worker --threads=3
  150    1 root   └─unshare --pid --time
    2    0 root   kthreadd" "ls 4026531832: host mount namespace tree; kthreadd shows its comm"
run ls -l -o PID,COMMAND 4026532100
is "$out" "  PID COMMAND
  120 my (weird) app" "ls 4026532100: the comm with parentheses when the cmdline is empty"
run ls 12345
is "$rc" 2 "ls 12345 (no such namespace): exit 2"
is "$err" "isoscope ls: namespace not found: 12345" "ls 12345: says which namespace"

# --- the default tree: namespaces hang below their process's parent's line ---
run ls -t pid -o NS,NPROCS,PID,COMMAND
is "$out" "        NS NPROCS   PID COMMAND
4026531836      5     1 /sbin/init splash
4026532201      2   200 └─/bin/sh -c sleep infinity
4026532300      0" "ls -t pid: the container's pid ns below pid 1's"

# --- errors ---
"$ISOSCOPE" --sysroot "$tmp/nonexistent" ls >"$tmp/out" 2>"$tmp/err"
is "$?" 1 "--sysroot to a missing directory: exit 1"
is "$(cat "$tmp/err")" "isoscope: cannot open $tmp/nonexistent/proc: No such file or directory" \
  "--sysroot to a missing directory: the message names the path"
is "$(cat "$tmp/out")" "" "--sysroot to a missing directory: nothing on stdout"
run ls -J -r
is "$rc" 1 "ls -J -r: exit 1"
grep -q -- "-J and -r are mutually exclusive" <<<"$err"
ok $? "ls -J -r: says the options exclude each other"
run ls -o NS,BOGUS
is "$rc" 1 "ls -o NS,BOGUS: exit 1"
grep -q "unknown column: BOGUS" <<<"$err"
ok $? "ls -o NS,BOGUS: names the column"
is "$out" "" "ls -o NS,BOGUS: nothing on stdout"
run ls -P -p 1
is "$rc" 1 "ls -P -p: exit 1 (mutually exclusive)"

# --- an empty /proc: nothing to list (once a NULL array for qsort under UBSan) ---
mkdir -p "$tmp/empty/proc"
"$ISOSCOPE" --sysroot "$tmp/empty" ls >"$tmp/out" 2>"$tmp/err"
rc=$?
is "$rc:$(cat "$tmp/out" "$tmp/err")" "0:" "ls on an empty /proc: exit 0, no output"
run ls -t bogus
is "$rc" 1 "ls -t bogus: exit 1"

# --- regression: output once depended on the live pid of isoscope ---
# holders_text() found "the viewer's mount namespace" as the fixture process whose pid
# equalled getpid(): run as pid 1 of a fresh pid namespace, isoscope took the fixture's
# init for itself and dropped "@mnt:4026531832" from the bind holder.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && unshare --pid --fork true 2>/dev/null; then
  got=$(unshare --pid --fork "$ISOSCOPE" --sysroot "$root" ls -l -n -r -P -o HOLDERS -t net 2>&1 | tail -n1)
  [ "$got" = "bind:/run/netns/fixture@mnt:4026531832" ]
  ok $? "isoscope as pid 1 reports the bind holder as from the host (got '$got')"
else
  skip "isoscope as pid 1 reports the bind holder as from the host" "needs root and unshare --pid"
fi

# --- regression: a newline in a mount point once forged JSON holders ---
# mountinfo writes a newline in a mount point as \012; libmount decodes it, and the
# HOLDERS array (a newline-separated string for libsmartcols) split it into two
# entries.  Paths are now escaped (\x0a).  Bind netns 4026532999 (already held by
# fd 1/3) there as well.
for p in 1 2 120 140 150; do
  printf '602 27 0:4 net:[4026532999] /run/netns/evil\\012fd:1/99 rw - nsfs nsfs rw\n' >>"$root/proc/$p/mountinfo"
done
if command -v python3 >/dev/null; then
  run ls -l -J -o NS,HOLDERS -t net
  got=$(python3 -c '
import json, sys
for ns in json.load(sys.stdin)["namespaces"]:
    if ns["ns"] == 4026532999:
        h = ns["holders"]
        good = len(h) == 2 and h[0] == "fd:1/3" and h[1].startswith("bind:/run/netns/evil") \
            and h[1].endswith("@mnt:4026531832")
        print("one holder per mount" if good else json.dumps(h))' <"$tmp/out")
  [ "$got" = "one holder per mount" ]
  ok $? "a mount point with a newline stays one JSON holder (got $got)"
else
  skip "a mount point with a newline stays one JSON holder" "no python3"
fi

done_testing
