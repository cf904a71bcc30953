#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-errors.t: isoscope run's exit codes and messages for bad usage and failed setup steps, and
# that a failure leaves nothing behind: no cgroup, no mount, no file it made, no process.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"

require_root
trap run_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
run_snapshot

# fails CODE PATTERN DESCRIPTION -- ARGS...: isoscope run ARGS exits CODE and its stderr matches
# PATTERN (an extended regular expression).
fails() {
  local code=$1 pat=$2 desc=$3 st
  shift 4
  "$ISOSCOPE" run "$@" >/dev/null 2>"$tmp/stderr"
  st=$?
  is "$st" "$code" "$desc: exit $code"
  grep -qE -- "$pat" "$tmp/stderr"
  okdiag $? "$desc: the message matches /$pat/" "stderr: $(cat "$tmp/stderr")"
}

# ---- bad usage: 1 and "Try" ------------------------------------------------------------------------

fails 1 "unrecognized option|Try 'isoscope run --help'" "an unknown option" -- --no-such-option true
fails 1 "needs two arguments" "--bind with one argument" -- --bind /tmp
fails 1 "private, shared, slave or unchanged" "--propagation with a bad mode" -- --propagation bogus true
fails 1 "not a size" "--memory with a bad size" -- --memory lots true
fails 1 "not a positive number of CPUs" "--cpus 0" -- --cpus 0 true
fails 1 "NAME=SOFT" "--rlimit with an unknown name" -- --rlimit nosuch=1 true
fails 1 "not an absolute path" "--tmpfs with a relative path" -- --tmpfs rel true
fails 1 "needs a new pid namespace" "--as-pid-1 without -p" -- --as-pid-1 true
fails 1 "give one" "--rootfs with --overlay" -- --rootfs / --overlay / true
fails 1 "inner:outer:count" "--map-users with a bad range" -- --map-users 1:2 true
"$ISOSCOPE" run --help | grep -q -- '--overlay-upper'
ok $? "--help lists the options (and exits 0)"

# ---- setup failures: 125, naming the step ----------------------------------------------------------

fails 125 "^isoscope run: prepare: --rootfs $tmp/none" "a missing --rootfs" -- --rootfs "$tmp/none" true
fails 125 "prepare: --bind $tmp/none /x: the source" "a missing --bind source" -- --bind "$tmp/none" /x true
fails 125 "mounts: the mount point /isoscope-no-such-dir does not exist: create it first" \
  "a mount point missing on the host's own filesystem" -- -m --tmpfs /isoscope-no-such-dir true
fails 125 "cgroup: --cpuset 99: the CPUs must be among those of the parent cgroup" "--cpuset with a CPU not there" \
  -- --cpuset 99 true
fails 125 "root: cannot change the working directory to /no/such/dir" "a missing --chdir" \
  -- --pids 16 --chdir /no/such/dir true
fails 125 "rlimits: cannot set the nofile rlimit: raising the hard limit" "an rlimit above the hard limit" \
  -- -U --rlimit nofile=10:99999999 true
fails 125 "need a time namespace|below zero" "--monotonic far below zero" -- --monotonic -999999999 true

# ---- the command: 127 not found, 126 not executable ------------------------------------------------

fails 127 "exec: cannot run /no/such/command: No such file or directory" "a command that does not exist" \
  -- /no/such/command
fails 127 "exec: cannot run no-such-command-$$" "a command not in PATH" -- "no-such-command-$$"
printf 'not a program' >"$tmp/noexec"
fails 126 "exec: cannot run $tmp/noexec: Permission denied" "a file that is not executable" -- "$tmp/noexec"
mkdir "$tmp/empty"
fails 127 "the new root \\($tmp/empty\\) has no /bin/sh" "--rootfs without /bin/sh" -- --rootfs "$tmp/empty"
fails 127 "the new root \\($tmp/empty\\) has no bash in PATH" "--rootfs without the command" -- --rootfs "$tmp/empty" bash

# ---- a failure undoes everything ------------------------------------------------------------------------

# A child that fails after the cgroups and a kept namespace were made: both go, and the file it made.
cat >"$tmp/undo.sh" <<'EOF'
I=$1 D=$2
touch "$D/existing"
"$I" run --net="$D/net" --uts="$D/existing" --memory 64M --pids 16 --chdir /no/such/dir -- true
echo "rc=$?"
grep -cE " $D/(net|existing) " /proc/self/mountinfo | sed 's/^/binds=/'
[ -e "$D/net" ] && echo "made=left"
[ -e "$D/existing" ] && echo "existing=kept"
EOF
unshare -m --propagation private bash "$tmp/undo.sh" "$ISOSCOPE" "$tmp" >"$tmp/undo.out" 2>"$tmp/undo.err"
is "$(sed -n 's/^rc=//p' "$tmp/undo.out")" 125 "a failure after --net=FILE: exit 125"
is "$(sed -n 's/^binds=//p' "$tmp/undo.out")" 0 "a failure after --net=FILE: the binds are undone"
grep -q made=left "$tmp/undo.out"
ok $((!$?)) "a failure after --net=FILE: the file isoscope made is removed"
grep -q existing=kept "$tmp/undo.out"
ok $? "a failure after --uts=FILE: a file that was there stays"

# A failure in the parent after clone (a uid map the kernel refuses): the child is killed.
fails 125 "idmap: cannot write" "a uid map the kernel refuses" -- --map-users 0:0:10 --map-users 5:100:10 true
# A failure before clone: the cgroups made are removed.
fails 125 "cgroup:" "a cgroup limit the kernel refuses" -- --pids 16 --cpuset 0-999 true

left_behind "nothing left behind after the failures (cgroups, mounts, processes)" "$tmp"
done_testing
