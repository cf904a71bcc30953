#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-rootfs.t: --rootfs (a busybox root built here) and --overlay: the command sees the new root
# as /, reached by pivot_root with the old root detached; binds, tmpfs, proc, dev, environment.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"

require_root
command -v busybox >/dev/null || skip_all "busybox is not installed (busybox-static)"
trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
run_snapshot

R=$tmp/root
make_busybox_rootfs "$R" || {
  echo "Bail out! cannot build a busybox root filesystem in $R"
  exit 1
}
HOSTDATA=$tmp/hostdata
mkdir "$HOSTDATA"
echo host-file >"$HOSTDATA/file"
MARKER=isoscope-rootfs-marker-$$
touch "$tmp/$MARKER" # a host file outside the new root

run() { "$ISOSCOPE" run "$@" 2>>"$tmp/err"; }

# ---- --rootfs ----------------------------------------------------------------------------------

is "$(echo 'echo via-default-shell' | run --rootfs "$R")" via-default-shell \
  "--rootfs DIR with no command runs /bin/sh of DIR"
is "$(run --rootfs "$R" -- sh -c 'ls /' | paste -sd' ')" "bin dev etc proc tmp" \
  "--rootfs: / holds exactly the root's directories"
# (init keeps its capabilities: reading its root link needs them too, which the default profile drops)
is "$(run --rootfs "$R" -p --cap-add ALL -- readlink /proc/1/root)" / "--rootfs -p: /proc/1/root is the new root"
is "$(run --rootfs "$R" -- find / -xdev -name "$MARKER" 2>/dev/null | wc -l)" 0 \
  "--rootfs: host files outside the root cannot be found"
run --rootfs "$R" -- sh -c "ls /oldroot /newroot /tmp/$MARKER" >/dev/null 2>&1
ok $((!$?)) "--rootfs: no trace of the old root (/oldroot, /newroot)"
mounts=$(run --rootfs "$R" -p -- cat /proc/self/mountinfo)
! grep -qE ' /oldroot| /newroot' <<<"$mounts" && [ "$(wc -l <<<"$mounts")" -lt 20 ]
ok $? "--rootfs: the mount table holds only the sandbox's mounts ($(wc -l <<<"$mounts") lines)"
is "$(awk '$5 == "/" { print $4 }' <<<"$mounts")" "$R" "--rootfs: / is the root directory, bound"

# proc and dev
# (the shell's own glob: a pipeline's ls may read /proc before its grep exists)
is "$(run --rootfs "$R" -p -- sh -c 'set -- /proc/[0-9]*; echo $#')" 2 \
  "--rootfs -p: /proc is a new proc of the new pid namespace (init and sh)"
is "$(run --rootfs "$R" -- ls /dev | paste -sd' ')" \
  "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" "--rootfs: a minimal /dev"
is "$(run --rootfs "$R" -- sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c')" 4 \
  "--rootfs: /dev/null and /dev/zero work"
is "$(run --rootfs "$R" -- sh -c 'grep " /dev/pts " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1')" devpts \
  "--rootfs: /dev/pts is a new devpts"
run --rootfs "$R" -p -- sh -c 'echo 1 >/proc/sys/kernel/ns_last_pid' 2>/dev/null
ok $((!$?)) "--rootfs: /proc/sys is read-only"

# binds, tmpfs, chdir, environment
is "$(run --rootfs "$R" --ro-bind "$HOSTDATA" /data -- cat /data/file)" host-file "--ro-bind SRC DST"
run --rootfs "$R" --ro-bind "$HOSTDATA" /data -- sh -c 'echo x >/data/new' 2>/dev/null
ok $((!$?)) "--ro-bind: writing is refused"
run --rootfs "$R" --bind "$HOSTDATA" /data -- sh -c 'echo written >/data/new'
is "$(cat "$HOSTDATA/new" 2>/dev/null)" written "--bind SRC DST: a write inside reaches SRC"
is "$(run --rootfs "$R" --tmpfs /scratch -- sh -c 'echo t >/scratch/f && grep " /scratch " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1')" \
  tmpfs "--tmpfs DST"
[ -d "$R/scratch" ] && [ ! -e "$R/scratch/f" ]
ok $? "--tmpfs: the mount point was made in the root, the file went to the tmpfs"
is "$(run --rootfs "$R" --tmpfs /work --chdir /work -- pwd)" /work "--chdir DIR"
is "$(run --rootfs "$R" -w /etc -- pwd)" /etc "-w DIR"
is "$(run --rootfs "$R" -- pwd)" / "--rootfs: the working directory is / when the root has no $PWD"
# shellcheck disable=SC2016 # the inner sh's
is "$(ISO_RUN_A=a ISO_RUN_B=b run --rootfs "$R" --keep-env=ISO_RUN_A,ISO_RUN_B --setenv ISO_RUN_C 'c d' --unsetenv ISO_RUN_A -- sh -c 'echo "${ISO_RUN_A-unset} $ISO_RUN_B $ISO_RUN_C"')" \
  "unset b c d" "--setenv VAR VALUE, --unsetenv VAR"
is "$(ISO_RUN_A=a run --rootfs "$R" --clearenv --setenv ONLY 1 -- /bin/env | paste -sd' ')" "ONLY=1" \
  "--clearenv then --setenv: only that variable"
is "$(run --rootfs "$R" --proc /proc2 -p -- sh -c 'ls /proc2/self/ >/dev/null && echo ok')" ok "--proc DST"
is "$(run --rootfs "$R" --dev /dev2 -- ls /dev2/null)" /dev2/null "--dev DST"

# A symbolic link in the root cannot take a mount point out of it (resolved inside the root).
ln -s /etc "$R/escape"
run --rootfs "$R" --tmpfs "/escape/isoscope-$$" -- true
[ -d "$R/etc/isoscope-$$" ] && [ ! -e "/etc/isoscope-$$" ]
ok $? "a mount point below an absolute symbolic link is made inside the root, not on the host"
rm -f "$R/escape"
rmdir "$R/etc/isoscope-$$" 2>/dev/null

# A root without the command: 127 and a message, before anything is made.
mkdir "$tmp/empty"
"$ISOSCOPE" run --rootfs "$tmp/empty" --memory 64M 2>"$tmp/empty.err"
is $? 127 "--rootfs without /bin/sh: exit 127"
grep -q 'has no /bin/sh' "$tmp/empty.err"
okdiag $? "--rootfs without /bin/sh: the message names /bin/sh" "$(cat "$tmp/empty.err")"

# ---- --overlay ---------------------------------------------------------------------------------

OUT=isoscope-overlay-$$
run --overlay / -- sh -c "echo inside >/etc/$OUT && cat /etc/$OUT" >"$tmp/ov.out"
is "$(cat "$tmp/ov.out")" inside "--overlay /: the host's files, writable"
[ ! -e "/etc/$OUT" ]
ok $? "--overlay /: the write did not reach the host"
is "$(run --overlay / -p --cap-add ALL -- readlink /proc/1/root)" / "--overlay / -p: /proc/1/root is the new root"
is "$(run --overlay / -- cat "$tmp/$MARKER" 2>&1 >/dev/null | wc -l)" 0 "--overlay /: host files are there"
is "$(run --overlay / -- sh -c 'grep -c " / .* - overlay " /proc/self/mountinfo')" 1 "--overlay /: / is an overlay"
is "$(echo 'echo default-shell' | run --overlay /)" default-shell "--overlay / with no command runs /bin/sh"
is "$(run --overlay / -- pwd)" "$PWD" "--overlay /: the working directory is the caller's"

# Two lower layers and a kept upper layer.
mkdir -p "$tmp/l1" "$tmp/l2" "$tmp/up" "$tmp/wk"
echo one >"$tmp/l1/a"
echo two >"$tmp/l2/a"
echo two >"$tmp/l2/b"
cp -a "$R/bin" "$tmp/l2/" # the command comes from the lower layer
is "$(run --overlay "$tmp/l1:$tmp/l2" -- /bin/cat /a /b | paste -sd' ')" "one two" \
  "--overlay L1:L2: L1 is above L2"
run --overlay "$tmp/l1:$tmp/l2" --overlay-upper "$tmp/up" --overlay-work "$tmp/wk" -- /bin/sh -c 'echo kept >/c'
is "$(cat "$tmp/up/c" 2>/dev/null)" kept "--overlay-upper: the changes are kept there"
[ ! -e "$tmp/l1/c" ] && [ ! -e "$tmp/l2/c" ]
ok $? "--overlay-upper: the lower layers are untouched"

if [ -s "$tmp/err" ]; then
  diag "stderr of the runs:"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/err"
fi
left_behind "nothing left behind (cgroups, mounts, processes)" "$tmp"
done_testing
