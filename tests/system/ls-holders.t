#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ls-holders.t: isoscope ls finds namespaces that no process is in, and names what holds them.
#
# (a) a bind mount  (b) an fd  (c) a thread  (d) a bind mount in another mount namespace
# (e) a child user namespace  (f) an owned namespace  (g) an fd opened through a bind mount
# (h) a thread whose thread group leader has exited

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
JP=$tmp/ls-P.json

self_net=$(ns_ino $$ net)
self_mnt=$(ns_ino $$ mnt)

# (a) A persistent network namespace: unshare bind-mounts its nsfs file onto $tmp/netns.
touch "$tmp/netns"
track_mount "$tmp/netns"
unshare --net="$tmp/netns" true
ok $? "setup (a): unshare --net=$tmp/netns true"
bind_ino=$(stat -L -c %i "$tmp/netns")

# (b) A network namespace held only by an open fd: H opens fd 9 on N's netns, then N exits.
unshare --net sleep 60 2>>"$tmp/bg.err" &
N=$!
track_pid "$N"
wait_until 10 ns_differs "$N" net "$self_net" || diag "unshare --net did not switch $N's netns"
fd_ino=$(ns_ino "$N" net)
sleep 60 9<"/proc/$N/ns/net" &
H=$!
track_pid "$H"
fd9_is_netns() { [ "$(readlink "/proc/$H/fd/9" 2>/dev/null)" = "net:[$fd_ino]" ]; }
wait_until 10 fd9_is_netns
ok $? "setup (b): holder $H has fd 9 open on net:[$fd_ino]"
kill_tracked "$N"
[ ! -e "/proc/$N" ]
ok $? "setup (b): the namespace's creator $N has exited"

# (c) A loose thread: one thread of a python process unshares its uts namespace.
"$NS_PYTHON" - >"$tmp/tid" 2>>"$tmp/bg.err" <<'EOF' &
import ctypes, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def worker():
    if libc.unshare(0x04000000) != 0:  # CLONE_NEWUTS
        print("unshare failed: errno", ctypes.get_errno(), flush=True)
        return
    print(threading.get_native_id(), flush=True)
    time.sleep(60)
t = threading.Thread(target=worker)
t.start()
t.join()
EOF
TP=$!
track_pid "$TP"
wait_until 10 grep -q . "$tmp/tid"
TID=$(head -n1 "$tmp/tid")
thread_ino=$(task_ns_ino "$TP" "$TID" uts)
if [ -n "$thread_ino" ] && [ "$thread_ino" != "$(ns_ino "$TP" uts)" ]; then
  ok 0 "setup (c): thread $TP/$TID is in its own uts namespace ($thread_ino)"
else
  ok 1 "setup (c): thread $TP/$TID is in its own uts namespace (tid file: '$TID')"
fi

# (d) A bind mount that exists only in another mount namespace, made by the test: M is a private
# mount namespace in which unshare --net=FILE bind-mounts a new netns; M then sleeps to keep it.
touch "$tmp/inner-netns"
# shellcheck disable=SC2016 # $1 and $2 are the inner sh's arguments
unshare --mount --propagation private sh -c \
  'unshare --net="$1" true && stat -L -c %i "$1" >"$2.part" && mv "$2.part" "$2" && exec sleep 60' \
  sh "$tmp/inner-netns" "$tmp/ready" 2>>"$tmp/bg.err" &
M=$!
track_pid "$M"
wait_until 10 test -s "$tmp/ready"
ok $? "setup (d): a netns is bind-mounted on $tmp/inner-netns inside mount namespace of $M"
inner_ino=$(cat "$tmp/ready" 2>/dev/null)
mnt_ino=$(ns_ino "$M" mnt)
if [ -n "$mnt_ino" ] && [ "$mnt_ino" != "$self_mnt" ]; then
  ok 0 "setup (d): $M is in its own mount namespace ($mnt_ino)"
else
  ok 1 "setup (d): $M is in its own mount namespace"
fi
! grep -qF " $tmp/inner-netns " /proc/self/mountinfo
ok $? "setup (d): the bind mount is not visible in the test's mount namespace"

# (e) A user namespace held only as a parent: the process is in a child user namespace of it.
self_user=$(ns_ino $$ user)
unshare --user --map-root-user sh -c 'exec unshare --user sleep 60' 2>>"$tmp/bg.err" &
E=$!
track_pid "$E"
# Wait until E runs sleep: by then both unshares are done. Its parent user namespace is known
# only through NS_GET_PARENT, so it is taken from isoscope's PNS below.
e_is_sleep() { [ "$(cat "/proc/$E/comm" 2>/dev/null)" = sleep ]; }
wait_until 10 e_is_sleep
ok $? "setup (e): $E is a sleep in a nested user namespace"
child_user=$(ns_ino "$E" user)

# (f) A user namespace held only as an owner: its netns is held by an fd after its creator exited.
unshare --user --map-root-user --net sleep 60 2>>"$tmp/bg.err" &
F=$!
track_pid "$F"
wait_until 10 ns_differs "$F" user "$self_user" && wait_until 10 ns_differs "$F" net "$self_net"
owned_user=$(ns_ino "$F" user)
owned_net=$(ns_ino "$F" net)
sleep 60 9<"/proc/$F/ns/net" &
FH=$!
track_pid "$FH"
fh_ready() { [ "$(readlink "/proc/$FH/fd/9" 2>/dev/null)" = "net:[$owned_net]" ]; }
wait_until 10 fh_ready
ok $? "setup (f): holder $FH has fd 9 open on the netns $owned_net of user namespace $owned_user"
kill_tracked "$F"
[ ! -e "/proc/$F" ]
ok $? "setup (f): the namespaces' creator $F has exited"

# (g) An fd opened through an nsfs bind mount (as programs do with /run/netns/NAME): its
# /proc/PID/fd link shows the mount path, not "net:[inode]". g1 keeps its bind mount; g2's is
# lazily unmounted afterwards (as `ip netns delete` does), so only the fd holds that netns.
touch "$tmp/g1" "$tmp/g2"
track_mount "$tmp/g1"
track_mount "$tmp/g2"
unshare --net="$tmp/g1" true && unshare --net="$tmp/g2" true
ok $? "setup (g): netns bind-mounted on $tmp/g1 and $tmp/g2"
g1_ino=$(stat -L -c %i "$tmp/g1")
g2_ino=$(stat -L -c %i "$tmp/g2")
sleep 60 7<"$tmp/g1" 8<"$tmp/g2" &
G=$!
track_pid "$G"
g_ready() { [ "$(stat -L -c %i "/proc/$G/fd/8" 2>/dev/null)" = "$g2_ino" ]; }
wait_until 10 g_ready
ok $? "setup (g): holder $G has fds 7 and 8 open on them"
umount -l "$tmp/g2"
ok $? "setup (g): $tmp/g2 lazily unmounted"

# (h) A thread in its own netns whose thread group leader has exited (a zombie leader whose ns
# links cannot be read): only /proc/PID/task/TID/ns shows that namespace.
"$NS_PYTHON" - >"$tmp/tid-h" 2>>"$tmp/bg.err" <<'EOF' &
import ctypes, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def worker():
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        print("unshare failed: errno", ctypes.get_errno(), flush=True)
        return
    print(threading.get_native_id(), flush=True)
    time.sleep(60)
threading.Thread(target=worker).start()
time.sleep(0.2)
libc.pthread_exit(None)  # the leader goes, the worker thread stays
EOF
ZP=$!
track_pid "$ZP"
leader_gone() { grep -q '^State:.*zombie' "/proc/$ZP/status" 2>/dev/null && grep -q . "$tmp/tid-h"; }
wait_until 10 leader_gone
ok $? "setup (h): process $ZP's leader has exited, a thread lives on"
ZT=$(head -n1 "$tmp/tid-h")
z_ino=$(task_ns_ino "$ZP" "$ZT" net)
if [ -n "$z_ino" ] && [ "$z_ino" != "$self_net" ]; then
  ok 0 "setup (h): thread $ZP/$ZT is in its own netns ($z_ino)"
else
  ok 1 "setup (h): thread $ZP/$ZT is in its own netns (tid file: '$ZT')"
fi

"$ISOSCOPE" ls -J -l --output-all >"$J" 2>"$tmp/err"
ok $? "isoscope ls -J -l --output-all exits 0"
"$ISOSCOPE" ls -J -l -P --output-all >"$JP" 2>>"$tmp/err"
ok $? "isoscope ls -J -l -P --output-all exits 0"

# (a)
has_ns "$J" "$bind_ino" "bind: netns $bind_ino is listed"
is_field "$J" "$bind_ino" type net "bind: TYPE is net"
is_field "$J" "$bind_ino" nprocs 0 "bind: NPROCS is 0"
has_holder "$J" "$bind_ino" "bind:$tmp/netns" "bind: holders include bind:$tmp/netns"
is_field "$J" "$bind_ino" nsfs "$tmp/netns" "bind: NSFS is $tmp/netns"
has_ns "$JP" "$bind_ino" "bind: -P lists it"

# (b)
has_ns "$J" "$fd_ino" "fd: netns $fd_ino is listed"
is_field "$J" "$fd_ino" type net "fd: TYPE is net"
is_field "$J" "$fd_ino" nprocs 0 "fd: NPROCS is 0"
has_holder "$J" "$fd_ino" "fd:$H/9" "fd: holders include fd:$H/9"
has_ns "$JP" "$fd_ino" "fd: -P lists it"

# (c)
has_ns "$J" "$thread_ino" "thread: uts namespace $thread_ino is listed"
is_field "$J" "$thread_ino" type uts "thread: TYPE is uts"
is_field "$J" "$thread_ino" nprocs 0 "thread: NPROCS is 0"
is_field "$J" "$thread_ino" nthreads 1 "thread: NTHREADS is 1"
has_holder "$J" "$thread_ino" "thread:$TP/$TID" "thread: holders include thread:$TP/$TID"

# (d)
has_ns "$J" "$inner_ino" "foreign bind: netns $inner_ino is listed"
is_field "$J" "$inner_ino" type net "foreign bind: TYPE is net"
is_field "$J" "$inner_ino" nprocs 0 "foreign bind: NPROCS is 0"
has_holder "$J" "$inner_ino" "bind:$tmp/inner-netns@mnt:$mnt_ino" \
  "foreign bind: holders include bind:$tmp/inner-netns@mnt:$mnt_ino"
has_ns "$JP" "$inner_ino" "foreign bind: -P lists it"
diag "foreign bind: NSFS is $(nsjson field "$J" "$inner_ino" nsfs)"

# (e)
parent_user=$(nsjson field "$J" "$child_user" pns)
if [ -n "$parent_user" ] && [ "$parent_user" != "$self_user" ] && [ "$parent_user" != 0 ]; then
  ok 0 "parent: the nested user namespace $child_user has a new parent $parent_user"
else
  ok 1 "parent: the nested user namespace $child_user has a new parent (PNS '$parent_user')"
fi
has_ns "$J" "$parent_user" "parent: user namespace $parent_user is listed"
is_field "$J" "$parent_user" type user "parent: TYPE is user"
is_field "$J" "$parent_user" nprocs 0 "parent: NPROCS is 0"
is_field "$J" "$parent_user" pns "$self_user" "parent: its PNS is the test's user namespace"
nsjson has-holder "$J" "$parent_user" "parent-of:1"
st=$?
ok "$st" "parent: holders include parent-of:1 (a child user namespace is counted once)"
[ "$st" -eq 0 ] || diag "holders of $parent_user: $(nsjson holders "$J" "$parent_user")"
has_ns "$JP" "$parent_user" "parent: -P lists it"

# (f)
has_ns "$J" "$owned_net" "owner: netns $owned_net is listed"
is_field "$J" "$owned_net" nprocs 0 "owner: the netns has NPROCS 0"
has_holder "$J" "$owned_net" "fd:$FH/9" "owner: the netns's holders include fd:$FH/9"
is_field "$J" "$owned_net" ons "$owned_user" "owner: the netns's ONS is user namespace $owned_user"
has_ns "$J" "$owned_user" "owner: user namespace $owned_user is listed"
is_field "$J" "$owned_user" type user "owner: TYPE is user"
is_field "$J" "$owned_user" nprocs 0 "owner: NPROCS is 0"
is_field "$J" "$owned_user" holders '["owner-of:1"]' "owner: its only holder is owner-of:1"
has_ns "$JP" "$owned_user" "owner: -P lists it"

# (g)
has_holder "$J" "$g1_ino" "bind:$tmp/g1" "fd via bind: netns $g1_ino has holder bind:$tmp/g1"
nsjson has-holder "$J" "$g1_ino" "fd:$G/7"
st=$?
ok "$st" "fd via bind: netns $g1_ino also has holder fd:$G/7"
[ "$st" -eq 0 ] || diag "holders of $g1_ino: $(nsjson holders "$J" "$g1_ino")"
[ "$(nsjson rows "$J" "$g2_ino")" = 1 ]
ok $? "fd via detached bind: netns $g2_ino, held only by fd 8 of $G, is listed"
nsjson has-holder "$J" "$g2_ino" "fd:$G/8"
ok $? "fd via detached bind: holders include fd:$G/8"

# (h)
[ "$(nsjson rows "$J" "$z_ino")" = 1 ]
ok $? "zombie leader: the netns $z_ino of thread $ZP/$ZT is listed"
# The process lives on in its thread: it counts as a process of that namespace.
is_field "$J" "$z_ino" nprocs 1 "zombie leader: the process counts in its thread's netns (NPROCS 1)"

# -P leaves out namespaces that have processes.
lacks_ns "$JP" "$self_net" "-P does not list the test's own netns $self_net"

# lsns cannot see (d) at all: isoscope is a superset.
if command -v lsns >/dev/null; then
  lsns -J -l >"$tmp/lsns.json" 2>>"$tmp/err"
  ok $? "lsns -J -l exits 0"
  lacks_ns "$tmp/lsns.json" "$inner_ino" "foreign bind: lsns does not list netns $inner_ino"
else
  skip "lsns -J -l exits 0" "lsns is not installed"
  skip "foreign bind: lsns does not list it" "lsns is not installed"
fi

for f in err bg.err; do
  [ -s "$tmp/$f" ] || continue
  diag "stderr ($f):"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/$f"
done
done_testing
