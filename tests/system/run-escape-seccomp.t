#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-escape-seccomp.t: the system calls a sandboxed command must not make: namespaces (unshare,
# clone and clone3 with CLONE_NEW*, setns), mounts, the kernel keyring (keyctl, add_key,
# request_key), kexec, modules, bpf and perf, open_by_handle_at, ptrace and process_vm_readv of a
# sibling, and TIOCSTI (with the CVE-2019-10063 high bits) and TIOCLINUX.
#
# Each attack runs in tests/lib/escape-probe.c with harmless arguments, under:
#   default, strict          the profiles: every attack fails with EPERM (clone3 with ENOSYS, so
#                            that libc falls back to clone)
#   default --cap-add ALL    every capability kept: the filter alone still stops each one
#   control                  --seccomp unconfined --cap-add ALL: each call reaches the kernel
#                            (another result than the filter's), so the probe can tell them apart
# and bubblewrap's result with the same namespaces is recorded beside ours (not asserted).

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/run-helpers.sh disable=SC1091
. "$TESTDIR/../lib/run-helpers.sh"
# shellcheck source=../lib/escape-helpers.sh disable=SC1091
. "$TESTDIR/../lib/escape-helpers.sh"

require_root
trap run_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
escape_setup
run_snapshot

# blocked_result NAME: what the filter answers for this attack.
blocked_result() {
  case $1 in
    clone3-*) echo ENOSYS ;;
    *) echo EPERM ;;
  esac
}

control=$(sb default --seccomp unconfined --cap-add ALL -- /bin/probe syscalls)
attacks=$(awk '{ print $1 }' <<<"$control")
[ "$(wc -l <<<"$attacks")" -ge 20 ]
okdiag $? "the probe ran every attack in the control sandbox" "$control"
for a in $attacks; do
  r=$(field "$a" "$control")
  [ "$r" != "$(blocked_result "$a")" ] && [ "$r" != probe-failed ]
  ok $? "control: $a reaches the kernel without the filter ($r)"
done

declare -A res
for cfg in default strict caps; do
  case $cfg in
    caps) out=$(sb default --cap-add ALL -- /bin/probe syscalls) ;;
    *) out=$(sb "$cfg" -- /bin/probe syscalls) ;;
  esac
  desc=$cfg
  [ "$cfg" = caps ] && desc="default --cap-add ALL"
  for a in $attacks; do
    r=$(field "$a" "$out")
    res[$cfg:$a]=$r
    is "$r" "$(blocked_result "$a")" "$desc: $a fails"
  done
done

bout=$(bw -- /bin/probe syscalls)
for a in $attacks; do
  row "$a" "${res[default:$a]} / $(field "$a" "$control")" "$(field "$a" "$bout")"
done

left_behind "nothing is left behind" "$tmp/root"
table "system calls: isoscope run --profile default beside bwrap (the same namespaces, no --seccomp)" "isoscope default / control"
done_testing
