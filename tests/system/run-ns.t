#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-ns.t: isoscope run makes each namespace type as unshare does, and keeps them on files that
# nsenter and isoscope enter can enter afterwards.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"

require_root
for tool in unshare nsenter ip ipcmk ipcs findmnt; do
  command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
run_snapshot

run() { "$ISOSCOPE" run "$@" 2>>"$tmp/err"; }
self_ns() { readlink "/proc/self/ns/$1"; }

# One new namespace of each type: the command is in a namespace other than ours.
for t in mnt uts ipc net pid user cgroup time; do
  case $t in
  mnt) o=-m ;; uts) o=-u ;; ipc) o=-i ;; net) o=-n ;; pid) o=-p ;; user) o=-U ;; cgroup) o=-C ;; time) o=-T ;;
  esac
  link=$t
  inside=$(run "$o" -- readlink "/proc/self/ns/$link")
  [ -n "$inside" ] && [ "$inside" != "$(self_ns "$link")" ]
  ok $? "$o: the command is in a new $t namespace ($inside)"
done
# Without options nothing is new.
is "$(run -- readlink /proc/self/ns/net)" "$(self_ns net)" "no option: the command shares our namespaces"

# uts
is "$(run -u --hostname isoscope-box -- hostname)" isoscope-box "--hostname: the hostname inside"
is "$(run --hostname isoscope-box2 -- readlink /proc/self/ns/uts | grep -c "$(self_ns uts)")" 0 \
  "--hostname alone makes a UTS namespace"
[ "$(hostname)" != isoscope-box ]
ok $? "--hostname: the host's hostname is unchanged"

# net: only lo, and it is up
links=$(run -n -- ip -o link)
is "$(wc -l <<<"$links")" 1 "-n: one interface inside"
grep -q 'lo:.*UP' <<<"$links"
okdiag $? "-n: lo is up" "$links"
run -n -- ip -4 addr show dev lo | grep -q '127.0.0.1'
ok $? "-n: lo has 127.0.0.1"

# pid: an init is pid 1, the command pid 2; --as-pid-1 makes the command pid 1
# shellcheck disable=SC2016 # $$ is the inner sh's
is "$(run -p -- sh -c 'echo $$')" 2 "-p: the command is pid 2 below an init"
# shellcheck disable=SC2016
is "$(run -p --as-pid-1 -- sh -c 'echo $$')" 1 "--as-pid-1: the command is pid 1"
is "$(run -p --mount-proc -- ps -e -o pid= | wc -l)" 2 "-p --mount-proc: ps sees init and itself"
is "$(run -f -p --mount-proc -- cat /proc/1/comm)" isoscope "--mount-proc: pid 1 of the new proc is isoscope's init"
nspid=$(run -p -- grep '^NSpid:' /proc/self/status | awk '{ print NF - 1 }')
is "$nspid" 2 "-p: the command has a pid in our pid namespace and in the new one"

# mnt: a mount inside stays inside; the default propagation is private (mounting needs the
# capabilities and the mount calls the default profile takes away: --profile compat)
run -m --profile compat -- sh -c "mount -t tmpfs isoscope-run-ns-test '$tmp' && touch '$tmp/inside' && findmnt -n -o PROPAGATION /" \
  >"$tmp/prop"
is "$(cat "$tmp/prop")" private "-m: / is private inside (unshare's default)"
[ ! -e "$tmp/inside" ] && ! grep -q isoscope-run-ns-test /proc/self/mountinfo
ok $? "-m: the tmpfs mounted inside is not seen outside"
is "$(run -m --propagation slave -- findmnt -n -o PROPAGATION /)" "private" \
  "--propagation slave on a private / stays private (there is no master)"
is "$(run -m --propagation unchanged -- findmnt -n -o PROPAGATION /)" "$(findmnt -n -o PROPAGATION /)" \
  "--propagation unchanged keeps the caller's"

# ipc: a queue made inside is not ours
before=$(ipcs -q | grep -c '^0x')
is "$(run -i -- sh -c 'ipcmk -Q >/dev/null && ipcs -q | grep -c "^0x"')" 1 "-i: the new IPC namespace has the one queue made in it"
is "$(ipcs -q | grep -c '^0x')" "$before" "-i: the queue is not in ours"

# user
is "$(run -r -- id -u)" 0 "-r: uid 0 inside"
is "$(run -r -- cat /proc/self/uid_map | awk '{ print $1, $2, $3 }')" "0 0 1" "-r: uid_map maps 0 to our uid"
is "$(run -r -- cat /proc/self/setgroups)" deny "-r: setgroups is denied (as unshare -r)"
is "$(run -U -- id -u)" 65534 "-U alone: no map, the overflow uid"
# shellcheck disable=SC2016 # the inner sh's
is "$(run --map-user=1234 --map-group=4321 -- sh -c 'echo $(id -u) $(id -g)')" "1234 4321" \
  "--map-user/--map-group: our ids appear as the given ones"
is "$(run -c -- id -u)" 0 "-c: our own uid (0) inside"
is "$(run --map-users 0:100000:1000 --map-groups 0:100000:1000 -- cat /proc/self/uid_map | awk '{ print $1, $2, $3 }')" \
  "0 100000 1000" "--map-users: a range is mapped (privileged: written directly)"
is "$(run -r --setgroups allow -- cat /proc/self/setgroups)" allow "--setgroups allow"
is "$(run -r -S 0 -G 0 -- id -u)" 0 "-S/-G set the ids inside"

# cgroup: rooted at the sandbox's cgroup
grep -qv ':/$' <(run -C -- cat /proc/self/cgroup)
ok $((!$?)) "-C: every hierarchy shows / inside"
is "$(run -C --pids 64 -- grep ':pids:' /proc/self/cgroup)" "8:pids:/" \
  "-C with a limit: the namespace is rooted at the sandbox's own cgroup"

# time
up0=$(cut -d' ' -f1 /proc/uptime)
up=$(run -T --boottime 86400 -- cat /proc/uptime | cut -d' ' -f1)
awk -v a="$up0" -v b="$up" 'BEGIN { d = b - a; exit !(d > 86399 && d < 86460) }'
ok $? "--boottime 86400: uptime inside is a day ahead ($up vs $up0)"
# shellcheck disable=SC2016 # the inner awk's
is "$(run --monotonic 3600 -- awk '/monotonic/ { print $2 }' /proc/self/timens_offsets)" 3600 \
  "--monotonic implies -T and sets the offset"
"$ISOSCOPE" run --monotonic -99999999 -- true 2>"$tmp/neg.err"
is $? 125 "--monotonic below zero: exit 125"
grep -q 'below zero' "$tmp/neg.err"
ok $? "--monotonic below zero: the message says why"

# Persistence: namespaces kept on files, entered afterwards.  All of it happens in a private mount
# namespace of the test's own, so the bind mounts vanish with it whatever happens.
cat >"$tmp/persist.sh" <<'EOF'
set -u
I=$1 D=$2
touch "$D/pre-existing"
"$I" run --uts="$D/uts" --net="$D/net" --ipc="$D/ipc" --pid="$D/pid" --mount="$D/mnt" --cgroup="$D/cgroup" \
  --time="$D/time" --user="$D/pre-existing" -r --hostname persisted --boottime 7200 --profile compat -- \
  sh -c "ipcmk -Q >/dev/null; mount -t tmpfs isoscope-persist /mnt && touch /mnt/kept" || echo "run failed: $?"
echo "uts=$(nsenter --uts="$D/uts" hostname)"
echo "uts-iso=$("$I" enter "$D/uts" hostname)"
echo "net=$(nsenter --net="$D/net" ip -o link | wc -l)"
echo "net-iso=$("$I" enter "$D/net" ip -o link | wc -l)"
echo "ipc=$(nsenter --ipc="$D/ipc" ipcs -q | grep -c '^0x')"
echo "mnt=$(nsenter --mount="$D/mnt" ls /mnt)"
echo "time=$(nsenter --time="$D/time" awk '/boottime/ { print $2 }' /proc/self/timens_offsets)"
echo "user=$(nsenter --user="$D/pre-existing" cat /proc/self/uid_map | awk '{ print $1 }')"
echo "cgroup=$(nsenter --cgroup="$D/cgroup" cat /proc/self/cgroup | grep -c ':/$')"
# A pid namespace accepts processes only while its init lives: keep one running.
"$I" run --pid="$D/pid2" -- sleep 30 &
bg=$!
for _ in $(seq 100); do grep -q " $D/pid2 " /proc/self/mountinfo && break; sleep 0.05; done
# (LeakSanitizer hangs at the exit of an isoscope that joined a pid namespace: off for SANITIZE=1 builds)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
echo "pid-iso=$("$I" enter "$D/pid2" sh -c 'echo $$')"
echo "pid-ns=$([ "$(stat -L -c %i "$D/pid2")" = "$("$I" enter "$D/pid2" sh -c 'readlink /proc/self/ns/pid' | tr -dc 0-9)" ] && echo same)"
kill "$bg"
wait "$bg"
umount "$D/pid2"
for f in uts net ipc pid mnt cgroup time pre-existing; do umount "$D/$f" || echo "umount $f failed"; done
EOF
unshare -m --propagation private bash "$tmp/persist.sh" "$ISOSCOPE" "$tmp" >"$tmp/persist.out" 2>>"$tmp/err"
val() { sed -n "s/^$1=//p" "$tmp/persist.out"; }
is "$(val uts)" persisted "--uts=FILE: nsenter --uts=FILE sees the hostname"
is "$(val uts-iso)" persisted "--uts=FILE: isoscope enter FILE sees the hostname"
is "$(val net)" 1 "--net=FILE: nsenter sees the sandbox's network namespace (lo only)"
is "$(val net-iso)" 1 "--net=FILE: isoscope enter sees it too"
is "$(val ipc)" 1 "--ipc=FILE: the queue made inside is there"
is "$(val mnt)" kept "--mount=FILE: the tmpfs mounted inside is there"
is "$(val time)" 7200 "--time=FILE: the clock offsets are there"
is "$(val user)" 0 "--user=FILE (an existing file): the uid map is there"
is "$(val cgroup)" "$(grep -c . /proc/self/cgroup)" "--cgroup=FILE: rooted at / in every hierarchy"
is "$(val pid-ns)" same "--pid=FILE: isoscope enter FILE runs the command in that pid namespace"
[ -n "$(val pid-iso)" ] && [ "$(val pid-iso)" -lt 100 ]
ok $? "--pid=FILE: with a small pid there ($(val pid-iso))"
grep -q failed "$tmp/persist.out"
ok $((!$?)) "persistence: isoscope run and every umount succeeded"
[ -e "$tmp/pre-existing" ] && [ ! -s "$tmp/uts" ]
ok $? "persistence: the files stay (made when missing, as plain files)"

# A mount namespace cannot be kept on a shared mount: a clear error, and nothing left.
cat >"$tmp/shared.sh" <<'EOF'
I=$1 D=$2
mkdir -p "$D/shared"
mount -t tmpfs isoscope-shared "$D/shared" && mount --make-shared "$D/shared" || exit 99
"$I" run --mount="$D/shared/mnt" -- true
echo "rc=$?"
[ -e "$D/shared/mnt" ] && echo "file=left"
grep -c "$D/shared/mnt" /proc/self/mountinfo | sed 's/^/binds=/'
umount "$D/shared"
EOF
unshare -m --propagation private bash "$tmp/shared.sh" "$ISOSCOPE" "$tmp" >"$tmp/shared.out" 2>"$tmp/shared.err"
is "$(sed -n 's/^rc=//p' "$tmp/shared.out")" 125 "--mount=FILE on a shared mount: exit 125"
grep -q 'shared mount' "$tmp/shared.err"
okdiag $? "--mount=FILE on a shared mount: the message says so" "$(cat "$tmp/shared.err")"
is "$(sed -n 's/^binds=//p' "$tmp/shared.out"):$(grep -c file=left "$tmp/shared.out")" "0:0" \
  "--mount=FILE on a shared mount: no bind and no file left"

if [ -s "$tmp/err" ]; then
  diag "stderr of the runs:"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/err"
fi
left_behind "nothing left behind (cgroups, mounts, processes)" "$tmp"
done_testing
