#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# enter-types.t: isoscope enter joins each namespace type of a real target, as nsenter does.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
for tool in unshare nsenter ip ipcmk ipcs ps; do
  command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

HOST=isoscope-enter-test
ADDR=10.250.0.1
MARK=target-env-$$

# The target: pid 1 of new pid, mount, uts, ipc, net, cgroup and time namespaces (clocks 86400 s
# ahead). It names its host, puts an address on its own loopback, mounts a tmpfs on /mnt that only
# its mount namespace sees, makes a message queue, changes into /mnt/wd and writes $1/ready.
# shellcheck disable=SC2016 # $1 is the inner sh's
setup='set -e
hostname '"$HOST"'
ip link set lo up
ip addr add '"$ADDR"'/32 dev lo
mount -t tmpfs isoscope-test /mnt
mkdir /mnt/wd
echo here >/mnt/only-here
ipcmk -Q >/dev/null
ipcs -q | awk "/^0x/ { print \$1 }" >"$1/ipckey"
cd /mnt/wd
echo ready >"$1/ready"
exec sleep 60'
ISO_ENTER_MARK=$MARK unshare --fork --kill-child --pid --mount --uts --ipc --net --cgroup --time \
  --monotonic 86400 --boottime 86400 --mount-proc sh -c "$setup" sh "$tmp" 2>>"$tmp/bg.err" &
U=$!
track_pid "$U"
C=
target_ready() {
  C=$(children_of "$U" | head -n1)
  [ -n "$C" ] && [ -s "$tmp/ready" ] && [ "$(cat "/proc/$C/comm" 2>/dev/null)" = sleep ]
}
if ! wait_until 10 target_ready; then
  diag "the target did not start:"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/bg.err"
  ok 1 "setup: a target in new namespaces of every type"
  done_testing
  exit
fi
track_pid "$C"
ok 0 "setup: target $C (unshare $U) is pid 1 of new namespaces of every type"
[ ! -e /mnt/only-here ]
ok $? "setup: /mnt/only-here exists only in the target's mount namespace"
KEY=$(cat "$tmp/ipckey")

# run ARGS...: isoscope enter ARGS, stderr to $tmp/err.
run() { "$ISOSCOPE" enter "$@" 2>>"$tmp/err"; }

# agree DESCRIPTION ARGS...: isoscope enter ARGS and nsenter ARGS print the same and exit alike.
agree() {
  local desc=$1 got want gst wst
  shift
  got=$("$ISOSCOPE" enter "$@" 2>>"$tmp/err")
  gst=$?
  want=$(nsenter "$@" 2>>"$tmp/err")
  wst=$?
  is "$gst:$got" "$wst:$want" "$desc"
}

# in_ns DESCRIPTION TYPE ARGS...: the command isoscope enter ARGS runs sits in the target's TYPE ns.
in_ns() {
  local desc=$1 t=$2
  shift 2
  is "$(run "$@" readlink "/proc/self/ns/$t")" "$(readlink "/proc/$C/ns/$t")" "$desc"
}

# uts
is "$(run -t "$C" -u hostname)" "$HOST" "-u: hostname is the target's"
agree "-u: same output as nsenter -u" -t "$C" -u hostname
in_ns "-u: the command is in the target's uts namespace" uts -t "$C" -u

# net
out=$(run -t "$C" -n ip -br addr show dev lo)
case $out in *" $ADDR/32 "*) st=0 ;; *) st=1 ;; esac
ok $st "-n: lo carries the target's $ADDR"
[ $st -eq 0 ] || diag "got: $out"
is "$(run -t "$C" -n ip -o link | wc -l)" 1 "-n: the target's net namespace has only lo"
agree "-n: same output as nsenter -n" -t "$C" -n ip -br addr
in_ns "-n: the command is in the target's net namespace" net -t "$C" -n

# mnt (its /proc belongs to the target's pid namespace, so no /proc/self checks without -p)
is "$(run -t "$C" -m cat /mnt/only-here)" here "-m: the command sees the target's /mnt/only-here"
agree "-m: same output as nsenter -m" -t "$C" -m ls -A /mnt
agree "-m: same working directory as nsenter -m" -t "$C" -m pwd

# ipc
out=$(run -t "$C" -i ipcs -q)
case $out in *"$KEY "*) st=0 ;; *) st=1 ;; esac
ok $st "-i: ipcs -q lists the target's queue $KEY"
[ $st -eq 0 ] || diag "got: $out"
agree "-i: same output as nsenter -i" -t "$C" -i ipcs -q
in_ns "-i: the command is in the target's ipc namespace" ipc -t "$C" -i

# pid: with -m the target's /proc shows its pid namespace.
is "$(run -t "$C" -p -m ps -e -o pid=,comm= | head -n1 | tr -s ' ')" " 1 sleep" \
  "-p -m: pid 1 is the target's sleep"
agree "-p -m: ps -e lists what nsenter -p -m lists" -t "$C" -p -m ps -e -o comm=
# shellcheck disable=SC2016 # $$ is the inner sh's
inner=$(run -t "$C" -p -m sh -c 'echo $$')
[ -n "$inner" ] && [ "$inner" -gt 1 ] && [ "$inner" -lt 100 ]
ok $? "-p -m: the command's own pid is small ($inner)"
in_ns "-p: the command is in the target's pid namespace" pid -t "$C" -p
nspid=$(run -t "$C" -p grep '^NSpid:' /proc/self/status | awk '{ print NF - 1 }')
is "$nspid" 2 "-p: the command has a pid in the host's and in the target's pid namespace"

# time: the target's clocks run 86400 s ahead.
up0=$(cut -d' ' -f1 /proc/uptime)
up=$(run -t "$C" -T cat /proc/uptime | cut -d' ' -f1)
awk -v a="$up0" -v b="$up" 'BEGIN { d = b - a; exit !(d > 86399 && d < 86460) }'
ok $? "-T: /proc/uptime is 86400 s ahead of the host's ($up vs $up0)"
agree "-T: same timens_offsets as nsenter -T" -t "$C" -T cat /proc/self/timens_offsets
in_ns "-T: the command is in the target's time namespace" time -t "$C" -T

# cgroup: the target's cgroup namespace is rooted at its own cgroups.
grep -qx '0::/' <(run -t "$C" -C cat /proc/self/cgroup)
ok $? "-C: /proc/self/cgroup shows 0::/"
agree "-C: same /proc/self/cgroup as nsenter -C" -t "$C" -C cat /proc/self/cgroup
in_ns "-C: the command is in the target's cgroup namespace" cgroup -t "$C" -C

# user: the target shares the test's user namespace, which the kernel refuses to re-enter.
"$ISOSCOPE" enter -t "$C" -U true 2>"$tmp/user.err"
is $? 125 "-U: the target's user namespace is the caller's own: exit 125"
grep -q 'already in your user namespace' "$tmp/user.err"
ok $? "-U: the message says the target is already in the caller's user namespace"

# Everything at once: -a, a bare TARGET and -t TARGET without options, against nsenter -a.
# shellcheck disable=SC2016 # all of it is the inner sh's
probe='hostname; ip -br addr show dev lo; ls -A /mnt; ipcs -q | grep -c "^0x"
cat /proc/self/timens_offsets; cat /proc/self/cgroup; ps -e -o comm=; pwd'
want=$(nsenter -a -t "$C" sh -c "$probe" 2>>"$tmp/err")
case $want in *"$HOST"*only-here*) st=0 ;; *) st=1 ;; esac
ok $st "-a: nsenter -a sees the target's hostname and /mnt"
is "$(run -a -t "$C" sh -c "$probe")" "$want" "-a: same output as nsenter -a"
is "$(run "$C" sh -c "$probe")" "$want" "bare TARGET: same output as nsenter -a"
is "$(run -- "$C" sh -c "$probe")" "$want" "-- TARGET CMD: same output as nsenter -a"
out=$("$ISOSCOPE" enter "$C" -- sh -c "$probe" 2>/dev/null)
[ "$out" = "$want" ]
ok $? "TARGET -- CMD: same output as nsenter -a"
# shellcheck disable=SC2016 # $t is the inner sh's
links='for t in cgroup ipc mnt net pid time uts user; do readlink /proc/self/ns/$t; done'
want=$(for t in cgroup ipc mnt net pid time uts user; do readlink "/proc/$C/ns/$t"; done)
is "$(run "$C" sh -c "$links")" "$want" "bare TARGET: the command is in all 8 of the target's namespaces"
is "$(run -t "$C" sh -c "$links")" "$want" "-t TARGET alone: the command is in all of them too"

# -r and -w: the target's root and working directory (both live in its mount namespace).
agree "-u -r: the target's root shows its /mnt, as with nsenter" -t "$C" -u -r ls -A /mnt
is "$(run -t "$C" -u -r cat /mnt/only-here)" here "-u -r: /mnt/only-here through the target's root"
is "$(run -t "$C" -u -w pwd)" /mnt/wd "-u -w: the working directory is the target's"
agree "-u -w: same as nsenter -u -w" -t "$C" -u -w pwd
agree "-m -w: same as nsenter -m -w" -t "$C" -m -w pwd
agree "-m -r -w: same as nsenter -m -r -w" -t "$C" -m -r -w sh -c 'pwd; ls -A /mnt'
is "$(run -t "$C" -u -w/tmp pwd)" /tmp "-u --wd=/tmp: an explicit working directory"

# -e: the target's environment instead of the caller's (nsenter 2.38 has no -e).
# shellcheck disable=SC2016 # the variables are the inner sh's
show='echo "${ISO_ENTER_MARK-unset} ${ISO_CALLER_MARK-unset}"'
is "$(ISO_CALLER_MARK=caller run -t "$C" -u -e sh -c "$show")" "$MARK unset" \
  "-e: the command has the target's environment and not the caller's"
is "$(ISO_CALLER_MARK=caller run -t "$C" -u sh -c "$show")" "unset caller" \
  "without -e: the command has the caller's environment"

# --wdns: a directory resolved inside the entered mount namespace (nsenter 2.38's -W is broken:
# it execs the directory).
is "$(run -t "$C" -m --wdns /mnt/wd pwd)" /mnt/wd "-m --wdns /mnt/wd: pwd is /mnt/wd"
is "$(run -t "$C" -m --wdns=/mnt cat only-here)" here "-m --wdns=/mnt: relative paths resolve there"
"$ISOSCOPE" enter -t "$C" -m --wdns /nonexistent true 2>/dev/null
is $? 125 "-m --wdns /nonexistent: exit 125"

# -F: no fork; the command replaces isoscope (same pid) and still sees the uts namespace.
agree "-F -u: same output as nsenter -F -u" -t "$C" -F -u hostname
# shellcheck disable=SC2016 # $$ is the inner sh's
"$ISOSCOPE" enter -t "$C" -F -u sh -c 'echo $$ >"$1"' sh "$tmp/pid-F" 2>>"$tmp/err" &
p=$!
wait "$p"
is "$(cat "$tmp/pid-F")" "$p" "-F: the command has isoscope's own pid"
# shellcheck disable=SC2016 # $$ is the inner sh's
"$ISOSCOPE" enter -t "$C" -u sh -c 'echo $$ >"$1"' sh "$tmp/pid-fork" 2>>"$tmp/err" &
p=$!
wait "$p"
[ -s "$tmp/pid-fork" ] && [ "$(cat "$tmp/pid-fork")" != "$p" ]
ok $? "without -F: the command runs in a child of isoscope"

# --mount-proc with -p and without -m: a fresh /proc of the target's pid namespace, in a mount
# namespace of the command's own (nothing is mounted where the caller can see it).
mi0=$(wc -l </proc/self/mountinfo)
is "$(run -t "$C" -p --mount-proc ps -e -o pid=,comm= | head -n1 | tr -s ' ')" " 1 sleep" \
  "-p --mount-proc: pid 1 in /proc is the target's sleep"
is "$(run -t "$C" -p --mount-proc ps -e -o comm=)" "$(nsenter -t "$C" -p -m ps -e -o comm= 2>>"$tmp/err")" \
  "-p --mount-proc: ps -e lists what nsenter -p -m lists"
run -t "$C" -p --mount-proc test -e /mnt/only-here
is $? 1 "-p --mount-proc: the command stays out of the target's mount namespace"
is "$(wc -l </proc/self/mountinfo)" "$mi0" "-p --mount-proc: the caller's mount table is unchanged"
# (not ps: ps looks itself up by its pid inside the new namespace, which the host /proc
# may not have, so its result would depend on which pids happen to exist on the host)
# shellcheck disable=SC2016 # the glob is the inner sh's
n=$(run -t "$C" -p sh -c 'ls -d /proc/[0-9]*' | wc -l)
[ "$n" -gt 2 ]
ok $? "-p without --mount-proc: the caller's /proc still shows the host's processes ($n)"

for f in err bg.err; do
  [ -s "$tmp/$f" ] || continue
  diag "stderr ($f):"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/$f"
done
done_testing
