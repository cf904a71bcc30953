#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-rootless.t: isoscope run as an unprivileged user (nobody): through a user namespace it makes
# the others, maps ids, builds a root filesystem and an overlay; what needs privilege fails clearly.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"

require_root
command -v setpriv >/dev/null || skip_all "setpriv is not installed"
trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
run_snapshot
chmod 755 "$tmp"
# nobody must be able to run the binary: a copy in a directory everybody may enter.
cp "$ISOSCOPE" "$tmp/isoscope" && chmod 755 "$tmp/isoscope"
if ! setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null; then
  skip_all "unprivileged user namespaces are not available here"
fi

# nobody ARGS...: isoscope run ARGS as uid/gid 65534 without supplementary groups.
nobody() {
  (cd "$tmp" && setpriv --reuid=65534 --regid=65534 --clear-groups "$tmp/isoscope" run "$@")
}

out=$(nobody -r -p -f --mount-proc -- id 2>"$tmp/id.err")
st=$?
is "$st" 0 "nobody: isoscope run -r -p -f --mount-proc -- id works"
case $out in uid=0\(*) st=0 ;; *) st=1 ;; esac
ok $st "nobody: id shows uid 0 inside ($out)"
[ -s "$tmp/id.err" ] && diag "$(cat "$tmp/id.err")"
is "$(nobody -r -p --mount-proc -- ps -e -o pid= | wc -l)" 2 "nobody: the new proc shows the new pid namespace"
is "$(nobody -r -- cat /proc/self/uid_map /proc/self/setgroups /proc/self/gid_map | tr -s ' ' | paste -sd'|')" \
  " 0 65534 1|deny| 0 65534 1" "nobody -r: uid_map first, setgroups denied, then gid_map"

# Without -U a user namespace is added, mapping nobody to itself (as bwrap).
is "$(nobody -p -n -u --hostname rootless -- sh -c 'hostname; id -u; cat /proc/self/uid_map' | tr -s ' ' | paste -sd'|')" \
  "rootless|65534| 65534 65534 1" "nobody: -p -n -u work through an added user namespace"
is "$(nobody -n -- ip -o link | wc -l)" 1 "nobody -n: a network namespace with lo"

# A root filesystem and an overlay of /.
R=$tmp/root
make_busybox_rootfs "$R"
is "$(nobody --rootfs "$R" -- sh -c 'ls / | paste -sd" "')" "bin dev etc proc tmp" "nobody --rootfs: the busybox root"
is "$(nobody -r -p --rootfs "$R" --cap-add ALL -- sh -c 'readlink /proc/1/root; ls /dev/null')" "$(printf '/\n/dev/null')" \
  "nobody --rootfs -p: a new proc and a minimal /dev"
OUT=isoscope-rootless-$$
is "$(nobody --overlay / -- sh -c "echo w >/etc/$OUT && cat /etc/$OUT")" w "nobody --overlay /: writable"
[ ! -e "/etc/$OUT" ]
ok $? "nobody --overlay /: the write stays in the sandbox"
is "$(nobody --overlay / -- sh -c "test -r $tmp/isoscope && echo visible")" visible \
  "nobody --overlay /: the host's files are below"

# What needs privilege fails with a reason and a way out.
nobody --memory 64M -- true 2>"$tmp/cg.err"
is $? 125 "nobody --memory: exit 125 (no cgroup to write)"
grep -q 'delegate' "$tmp/cg.err"
okdiag $? "nobody --memory: the message says to delegate a cgroup" "$(cat "$tmp/cg.err")"
nobody --map-users 0:100000:65536 -- true 2>"$tmp/map.err"
is $? 125 "nobody --map-users without a subordinate block: exit 125"
grep -qE 'newuidmap|subuid' "$tmp/map.err"
okdiag $? "nobody --map-users: the message names newuidmap or /etc/subuid" "$(cat "$tmp/map.err")"
nobody -r --setgroups allow -- true 2>"$tmp/sg.err"
is $? 125 "nobody -r --setgroups allow: exit 125"
grep -q 'setgroups' "$tmp/sg.err"
ok $? "nobody --setgroups allow: the message explains setgroups"

# User namespaces switched off (in a user namespace of our own, so the host is untouched).
unshare -U -r sh -c "echo 0 >/proc/sys/user/max_user_namespaces && '$tmp/isoscope' run -U -- true" 2>"$tmp/max.err"
is $? 125 "user namespaces disabled: exit 125"
grep -q 'user.max_user_namespaces' "$tmp/max.err"
okdiag $? "user namespaces disabled: the message names user.max_user_namespaces" "$(cat "$tmp/max.err")"

left_behind "nothing left behind (cgroups, mounts, processes)" "$tmp"
done_testing
