#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2086
# run-harden.t: each hardening layer of isoscope run seen from inside the command: capability sets,
# NoNewPrivs, Seccomp and the calls the built-in policy refuses (TIOCSTI with and without high bits),
# policy files, open descriptors, the environment's allowlist, the session, Docker's masked and
# read-only /proc paths, profiles, LSM options on a host without LSMs, each weakening on stderr,
# and the check before exec refusing a command that differs from its plan.

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
chmod 755 "$tmp"
run_snapshot

command -v cc >/dev/null || skip_all "no C compiler for the probe"
cc -O2 -Wall -o "$tmp/probe" "$TESTDIR/../lib/harden-probe.c" 2>"$tmp/cc.err" ||
  skip_all "cannot build tests/lib/harden-probe.c: $(head -c 300 "$tmp/cc.err")"
PROBE=$tmp/probe

run() { "$ISOSCOPE" run "$@" </dev/null 2>>"$tmp/err"; }
# field NAME: the value of NAME in /proc/self/status of a command run with the remaining options
status_of() {
  local name=$1
  shift
  run "$@" -- awk -v n="$name:" '$1 == n { print $2 }' /proc/self/status
}
# probe OPTIONS... -- CASES...: "case result" lines of the probe run in the sandbox
probe() {
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    opts+=("$1")
    shift
  done
  shift
  run "${opts[@]}" -- "$PROBE" "$@" | paste -sd' '
}

# ---- capabilities ---------------------------------------------------------------------------------

zero=0000000000000000
for set in CapInh CapPrm CapEff CapBnd CapAmb; do
  is "$(status_of "$set")" "$zero" "default, root caller: $set of the command is empty"
done
is "$(status_of CapEff -r)" "$zero" "default, root in a new user namespace (-r): CapEff is empty too"
R=$(status_of CapBnd --profile compat)
[ "$R" != "$zero" ] && [ "$R" = "$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)" ]
okdiag $? "--profile compat: the bounding set is the caller's" "got $R"
raw=$(printf '%016x' $((1 << 13))) # CAP_NET_RAW is 13 (linux/capability.h)
for set in CapInh CapPrm CapEff CapBnd CapAmb; do
  is "$(status_of "$set" --cap-add net_raw)" "$raw" "--cap-add net_raw: $set holds CAP_NET_RAW only"
done
nobody_raw=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOSCOPE" run -c --cap-add CAP_NET_RAW -- \
  awk '$1 == "CapAmb:" || $1 == "CapEff:" { print $2 }' /proc/self/status </dev/null 2>/dev/null | paste -sd' ')
is "$nobody_raw" "$raw $raw" "nobody -c --cap-add net_raw (not root inside): kept over exec as ambient"
# Without privilege the bounding set can only be emptied in a user namespace: one is added.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOSCOPE" run -- sh -c \
  'awk '\''$1 == "CapBnd:" { print $2 }'\'' /proc/self/status; readlink /proc/self/ns/user' </dev/null 2>/dev/null)
[ "$(head -n1 <<<"$out")" = "$zero" ] && [ "$(tail -n1 <<<"$out")" != "$(readlink /proc/self/ns/user)" ]
okdiag $? "nobody, no options: a user namespace is added and the bounding set is empty" "got: $out"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOSCOPE" run --profile compat -- readlink /proc/self/ns/user \
  </dev/null 2>/dev/null)
is "$out" "$(readlink /proc/self/ns/user)" "nobody --profile compat, no options: no user namespace (capabilities untouched)"
"$ISOSCOPE" run --profile compat --cap-add sys_resource --cap-drop ALL -- true </dev/null 2>"$tmp/nocap.err"
if ! grep -q sys_resource <<<"$(capsh --decode="$(awk '$1 == "CapPrm:" { print $2 }' /proc/self/status)" 2>/dev/null)"; then
  grep -q "cannot keep cap_sys_resource: the sandbox does not have it" "$tmp/nocap.err"
  okdiag $? "a capability named that isoscope lacks (here CAP_SYS_RESOURCE): said why" "$(cat "$tmp/nocap.err")"
else
  skip "a capability named that isoscope lacks" "this host's root has CAP_SYS_RESOURCE"
fi
bnd=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
is "$(status_of CapBnd --profile compat --cap-drop net_raw)" "$(printf '%016x' $((0x$bnd & ~(1 << 13))))" \
  "--profile compat --cap-drop net_raw: the caller's bounding set without CAP_NET_RAW"

# ---- no_new_privs and seccomp ---------------------------------------------------------------------

is "$(status_of NoNewPrivs)" 1 "default: NoNewPrivs 1"
is "$(status_of Seccomp)" 2 "default: Seccomp 2 (a filter)"
is "$(status_of NoNewPrivs --allow-new-privs)" 0 "--allow-new-privs: NoNewPrivs 0"
is "$(status_of Seccomp --allow-new-privs)" 2 \
  "--allow-new-privs: the filter is still installed (before the capabilities go)"
is "$(status_of Seccomp --seccomp unconfined)" 0 "--seccomp unconfined: no filter"

refused="unshare-user unshare-net clone-newns setns umount keyctl add-key bpf perf ptrace kexec init-module vsock"
want=$(for c in $refused; do printf '%s EPERM ' "$c"; done)
is "$(probe -- $refused) " "$want" "default: namespaces, mounts, keyrings, bpf, perf, ptrace, kexec, modules, vsock: EPERM"
is "$(probe -- clone3)" "clone3 ENOSYS" "default: clone3 fails with ENOSYS (libc falls back to clone)"
is "$(probe -- getpid getppid)" "getpid ok getppid ok" "default: ordinary calls go through"
# On a pipe the kernel answers TIOCSTI with ENOTTY; the filter answers first, with EPERM.
is "$(probe --seccomp unconfined -- tiocsti tiocsti-high tioclinux)" \
  "tiocsti ENOTTY tiocsti-high ENOTTY tioclinux ENOTTY" "unconfined: the kernel sees the terminal ioctls"
is "$(probe -- tiocsti tiocsti-high tioclinux)" "tiocsti EPERM tiocsti-high EPERM tioclinux EPERM" \
  "default: TIOCSTI, TIOCSTI with high bits set (CVE-2019-10063) and TIOCLINUX fail with EPERM"
if [ "$(uname -m)" = x86_64 ]; then
  # The i386 entry point (int 0x80) reaches the same kernel: filtered by the same rules; x32 refused.
  is "$(probe --seccomp unconfined -- i386-keyctl i386-getpid)" "i386-keyctl ok i386-getpid ok" \
    "unconfined: keyctl and getpid through int 0x80 go through"
  is "$(probe -- i386-keyctl i386-getpid x32-getpid)" "i386-keyctl EPERM i386-getpid ok x32-getpid EPERM" \
    "default: keyctl through int 0x80 fails with EPERM, getpid does not; an x32 call fails with EPERM"
else
  skip "i386 calls through int 0x80 (unconfined)" "not x86_64"
  skip "i386 calls through int 0x80 (default)" "not x86_64"
fi
unconf=$(probe --seccomp unconfined -- unshare-user keyctl)
is "$unconf" "unshare-user ok keyctl ok" "unconfined: the same calls succeed (so EPERM above is the filter's)"

# A policy file: 64-bit comparisons against the kernel's own answer (getpriority takes an int: the
# high word is the filter's alone; 0-2 are valid, anything else is EINVAL from the kernel).
vals="0x100000004 0x100000005 0x100000006 5 0x200000000 0"
for op in '>' '>=' '<' '<=' '==' '!='; do
  printf '# test policy\ndeny getpriority arg0 %s 0x100000005\n' "$op" >"$tmp/cmp.policy"
  want='' args=''
  for v in $vals; do
    args="$args getpriority:$v"
    # bash arithmetic (64-bit) is the oracle; below 2^63 signed and unsigned agree
    case $op in
    '>') hit=$((v > 0x100000005)) ;;
    '>=') hit=$((v >= 0x100000005)) ;;
    '<') hit=$((v < 0x100000005)) ;;
    '<=') hit=$((v <= 0x100000005)) ;;
    '==') hit=$((v == 0x100000005)) ;;
    *) hit=$((v != 0x100000005)) ;;
    esac
    if [ "$hit" = 1 ]; then r=EPERM; elif (((v & 0xffffffff) <= 2)); then r=ok; else r=EINVAL; fi
    want="$want getpriority:$v $r"
  done
  # shellcheck disable=SC2086
  is " $(probe --seccomp "$tmp/cmp.policy" -- $args)" "$want" "policy file: arg0 $op 0x100000005"
done
printf 'deny getpriority arg0 & 0xff00000000 == 0x100000000\n' >"$tmp/mask.policy"
is "$(probe --seccomp "$tmp/mask.policy" -- getpriority:0x100000000 getpriority:0x200000000 getpriority:0x1ff)" \
  "getpriority:0x100000000 EPERM getpriority:0x200000000 ok getpriority:0x1ff EINVAL" "policy file: a masked test"
printf 'default errno:EACCES\nallow execve\nallow brk\nallow arch_prctl\n' >"$tmp/deny-all.policy"
"$ISOSCOPE" run --seccomp "$tmp/deny-all.policy" -- true </dev/null 2>"$tmp/needs.err"
is $? 1 "a policy that blocks what isoscope needs after installing it: exit 1"
grep -q "deny-all.policy blocks sendto, which isoscope makes after the filter" "$tmp/needs.err"
okdiag $? "... and the message names the call (sendto)" "$(cat "$tmp/needs.err")"
printf 'allow sendto\nallow recvfrom\nallow exit_group\n' >>"$tmp/deny-all.policy"
(run --seccomp "$tmp/deny-all.policy" -- /bin/true) 2>/dev/null # (the loader may die of SIGSEGV: bash says so)
st=$?
[ "$st" -ne 0 ] && [ "$st" -ne 125 ]
ok $? "policy file: default errno:EACCES refuses the rest (the command itself fails, exit $st)"
printf 'include default\nkill getppid\n' >"$tmp/kill.policy"
is "$(probe --seccomp "$tmp/kill.policy" -- getpid keyctl)" "getpid ok keyctl EPERM" \
  "policy file: include default, then a rule of its own"
(run --seccomp "$tmp/kill.policy" -- "$PROBE" getppid >/dev/null) 2>/dev/null # (bash's "Bad system call")
is $? $((128 + 31)) "policy file: kill getppid: the command dies of SIGSYS"
printf 'deny getppid\nfrobnicate mount\n' >"$tmp/bad.policy"
"$ISOSCOPE" run --seccomp "$tmp/bad.policy" -- true 2>"$tmp/bad.err"
is $? 1 "a malformed policy file: exit 1"
grep -qF "$tmp/bad.policy:2: 'frobnicate' is not an action" "$tmp/bad.err"
okdiag $? "a malformed policy file: the message names the file, the line and the word" "$(cat "$tmp/bad.err")"

# ---- descriptors ----------------------------------------------------------------------------------

exec 5<"$tmp" 7<"$tmp" 9<"$tmp"
outside=$(sh -c 'ls /proc/$$/fd' | sort -n | paste -sd' ')
inside=$(run --pass-fd 7 -- sh -c 'ls /proc/$$/fd' | sort -n | paste -sd' ')
case " $outside " in *" 5 7 9 "*) ok 0 "without isoscope the shell has fds 5, 7 and 9 ($outside)" ;;
*) ok 1 "without isoscope the shell has fds 5, 7 and 9 ($outside)" ;; esac
is "$inside" "0 1 2 7" "in the sandbox: 0-2 and the --pass-fd one only"
is "$(run --pass-fd 9 --pass-fd 5 -- sh -c 'cat <&9 >/dev/null 2>&1; ls /proc/$$/fd' | sort -n | paste -sd' ')" \
  "0 1 2 5 9" "two --pass-fd: both stay open"
exec 5<&- 7<&- 9<&-
"$ISOSCOPE" run --pass-fd 8 -- true 2>"$tmp/fd.err"
is $? 1 "--pass-fd of a closed descriptor: exit 1"
grep -q "descriptor 8 is not open" "$tmp/fd.err"
okdiag $? "--pass-fd of a closed descriptor: said so" "$(cat "$tmp/fd.err")"

# ---- environment ----------------------------------------------------------------------------------

envs=$(ISO_SECRET=s LC_TIME=C HOME=/h "$ISOSCOPE" run -- env </dev/null 2>/dev/null)
grep -q '^ISO_SECRET=' <<<"$envs"
ok $((!$?)) "default: a variable outside the allowlist does not reach the command"
grep -q '^HOME=/h$' <<<"$envs" && grep -q '^LC_TIME=C$' <<<"$envs" && grep -q '^PATH=' <<<"$envs"
ok $? "default: HOME, PATH and LC_* do"
is "$(ISO_SECRET=s ISO_OTHER=o "$ISOSCOPE" run --keep-env=ISO_SECRET -- env </dev/null 2>/dev/null |
  grep '^ISO_' | paste -sd' ')" "ISO_SECRET=s" "--keep-env=VAR: that one too"
is "$(ISO_SECRET=s ISO_OTHER=o "$ISOSCOPE" run --keep-env -- env </dev/null 2>/dev/null | grep -c '^ISO_')" 2 \
  "--keep-env: the whole environment"
is "$(ISO_SECRET=s "$ISOSCOPE" run --setenv ISO_SET v -- env </dev/null 2>/dev/null | grep '^ISO_' | paste -sd' ')" \
  "ISO_SET=v" "--setenv after the allowlist"

# ---- session --------------------------------------------------------------------------------------

# "PID SID" of the command itself
sid_cmd='read -r p _ _ _ _ s _ </proc/self/stat; echo "$p $s"'
leads() { [ "$(awk '{ print ($1 == $2) }' <<<"$1")" = 1 ]; }
out=$(run -- sh -c "$sid_cmd")
! leads "$out" && [ "$(awk '{ print $2 }' <<<"$out")" = "$(awk '{ print $6 }' /proc/$$/stat)" ]
okdiag $? "no terminal: the command stays in the caller's session" "pid sid: $out"
leads "$(run --session always -- sh -c "$sid_cmd")"
ok $? "--session always: the command leads a session of its own"
if command -v script >/dev/null; then
  out=$(script -qec "'$ISOSCOPE' run -- sh -c '$sid_cmd'" /dev/null 2>/dev/null | tr -d '\r' | tail -n1)
  leads "$out"
  okdiag $? "on a terminal (script's pty): a new session by default" "pid sid: $out"
  out=$(script -qec "'$ISOSCOPE' run --session never -- sh -c '$sid_cmd'" /dev/null 2>/dev/null | tr -d '\r' |
    grep -v weakening | tail -n1)
  ! leads "$out"
  okdiag $? "on a terminal with --session never: the caller's session" "pid sid: $out"
else
  skip "on a terminal: a new session" "script(1) is not installed"
  skip "on a terminal with --session never" "script(1) is not installed"
fi

# ---- masked and read-only paths in a new /proc ----------------------------------------------------

host_keys=$(wc -c </proc/keys)
in=$(run -p --mount-proc -- sh -c 'wc -c </proc/keys; wc -c </proc/timer_list; ls /proc/acpi 2>/dev/null | wc -l;
  echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null && echo writable || echo read-only;
  echo t >/proc/sysrq-trigger 2>/dev/null && echo writable || echo read-only' | paste -sd' ')
[ "$host_keys" -gt 0 ]
ok $? "the host's /proc/keys has something to hide ($host_keys bytes)"
is "$in" "0 0 0 read-only read-only" \
  "-p --mount-proc: /proc/keys, /proc/timer_list empty, /proc/acpi empty, /proc/sys and sysrq-trigger read-only"
mi=$(run -p --mount-proc -- cat /proc/self/mountinfo)
for p in /proc/bus /proc/fs /proc/irq /proc/sys; do
  awk -v p="$p" '$5 == p && $6 ~ /^ro/' <<<"$mi" | grep -q .
  ok $? "-p --mount-proc: $p is a read-only mount"
done
is "$(run -p --mount-proc --profile compat -- sh -c 'wc -c </proc/keys')" "$host_keys" \
  "--profile compat: /proc/keys shows the host's keys again"
make_busybox_rootfs "$tmp/root"
is "$(run --rootfs "$tmp/root" -p -- sh -c 'wc -c </proc/keys')" 0 "--rootfs -p: the new root's /proc is masked too"
is "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOSCOPE" run --rootfs "$tmp/root" -- \
  sh -c 'wc -c </proc/keys' </dev/null 2>/dev/null)" 0 \
  "nobody --rootfs without -p: the caller's /proc bound in is masked too"

# ---- profiles -------------------------------------------------------------------------------------

is "$(run --profile strict -- sh -c 'echo $$; ulimit -n; ulimit -c; awk -F: '\''NR > 2 { sub(/ +/, "", $1); print $1 }'\'' /proc/net/dev')" \
  "$(printf '2\n1024\n0\nlo')" "--profile strict: a new pid namespace (pid 2), nofile 1024, core 0, a network of lo only"
"$ISOSCOPE" run --profile nonesuch -- true 2>"$tmp/prof.err"
is $? 1 "an unknown profile: exit 1"
grep -q "unknown profile 'nonesuch' (known: strict, default, compat)" "$tmp/prof.err"
okdiag $? "an unknown profile: named, with the known ones" "$(cat "$tmp/prof.err")"

# ---- each weakening on stderr ---------------------------------------------------------------------

# weak DESCRIPTION PATTERN OPTIONS...: the run reports PATTERN as a weakening
weak() {
  local desc=$1 pat=$2
  shift 2
  "$ISOSCOPE" run "$@" -- true </dev/null 2>"$tmp/weak.err" 9<"$tmp"
  grep -qE "^isoscope run: weakening: .*$pat" "$tmp/weak.err"
  okdiag $? "$desc: reported as a weakening" "stderr: $(cat "$tmp/weak.err")"
}
weak "--seccomp unconfined" "no seccomp filter \(--seccomp unconfined\)" --seccomp unconfined
weak "--seccomp FILE" "seccomp policy .*mask.policy replaces" --seccomp "$tmp/mask.policy"
weak "--allow-new-privs" "no_new_privs is not set.*\(--allow-new-privs\)" --allow-new-privs
weak "--session never" "shares isoscope's session.*\(--session never\)" --session never
weak "--keep-env" "whole environment.*\(--keep-env\)" --keep-env
weak "--pass-fd" "fd 9 stays open" --pass-fd 9
weak "--cap-add" "capabilities kept: cap_net_raw \(--cap-add\)" --cap-add net_raw
"$ISOSCOPE" run -- true </dev/null 2>"$tmp/weak.err"
is "$(grep -c weakening "$tmp/weak.err")" 0 "the default profile: no weakening reported"
"$ISOSCOPE" run --profile compat -- true </dev/null 2>"$tmp/weak.err"
is "$(grep -c 'weakening: .*(profile compat)' "$tmp/weak.err")" 6 "--profile compat: six weakenings, each naming it"

# ---- LSM options on a host without LSMs -----------------------------------------------------------

if [ ! -e /sys/kernel/security/lsm ]; then
  for lsm in apparmor:AppArmor selinux:SELinux; do
    "$ISOSCOPE" run "--${lsm%%:*}" some-label -- touch "$tmp/lsm-ran" </dev/null 2>"$tmp/lsm.err"
    is $? 125 "--${lsm%%:*} here: exit 125"
    grep -q "this host has no ${lsm#*:}" "$tmp/lsm.err" && [ ! -e "$tmp/lsm-ran" ]
    okdiag $? "--${lsm%%:*} here: says the host has no ${lsm#*:}; the command did not run" "$(cat "$tmp/lsm.err")"
  done
else
  for d in apparmor selinux; do
    skip "--$d without the LSM" "this host has /sys/kernel/security/lsm ($(cat /sys/kernel/security/lsm))"
    skip "--$d message" "this host has LSMs"
  done
fi
"$ISOSCOPE" run --apparmor a --selinux b -- true 2>/dev/null
is $? 1 "--apparmor with --selinux: bad usage"

# ---- the check before exec refuses a command that differs from its plan ---------------------------

HOOKS=${ISOSCOPE_HOOKS:-$(dirname "$ISOSCOPE")/build/isoscope-hooks}
if [ -x "$HOOKS" ]; then
  for drift in fd:fds caps:caps:bounding; do
    rm -f "$tmp/ran"
    ISOSCOPE_TEST_DRIFT=${drift%%:*} "$HOOKS" run -- touch "$tmp/ran" </dev/null 2>"$tmp/drift.err"
    st=$?
    is "$st" 125 "a command with a drifted ${drift%%:*} is refused: exit 125"
    grep -q "check: the command differs from the plan in .*${drift#*:}" "$tmp/drift.err" && [ ! -e "$tmp/ran" ]
    okdiag $? "drifted ${drift%%:*}: the message lists the failed check (${drift#*:}); the command never ran" \
      "$(cat "$tmp/drift.err")"
  done
  rm -f "$tmp/ran"
  ISOSCOPE_TEST_DRIFT=session "$HOOKS" run --session always -- touch "$tmp/ran" </dev/null 2>"$tmp/drift.err"
  is $? 125 "a command that did not get its new session is refused: exit 125"
  grep -q "session" "$tmp/drift.err" && [ ! -e "$tmp/ran" ]
  okdiag $? "no new session: named in the message; the command never ran" "$(cat "$tmp/drift.err")"
  ISOSCOPE_TEST_DRIFT=fd "$HOOKS" run -- touch "$tmp/ran" </dev/null 2>/dev/null
  ISOSCOPE_TEST_DRIFT=fd "$ISOSCOPE" run -- touch "$tmp/ran2" </dev/null 2>/dev/null
  [ -e "$tmp/ran2" ]
  ok $? "the release binary has no drift switch: ISOSCOPE_TEST_DRIFT changes nothing"
else
  for i in 1 2 3 4 5 6 7; do skip "the check before exec refuses a drifted command ($i)" "no $HOOKS (make check builds it)"; done
fi

left_behind "nothing left behind" "$tmp"
done_testing
