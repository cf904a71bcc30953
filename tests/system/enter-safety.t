#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# enter-safety.t: isoscope enter pins its target, passes exit codes and signals through, and
# leaks no descriptor to the command.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
for tool in unshare nsenter ip python3; do
  command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# pidfd_ino PID: the inode of a pidfd of PID on pidfs, or nothing.
pidfd_ino() {
  python3 -c 'import os, sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' "$1" 2>/dev/null
}

# status_of CMD ARGS...: how CMD ended, as Python sees it: N for exit(N), -SIG for a signal.
status_of() {
  python3 -c 'import subprocess, sys; print(subprocess.run(sys.argv[1:]).returncode)' "$@"
}

# expect_fail DESCRIPTION STATUS PATTERN ARGS...: isoscope enter ARGS exits STATUS and its stderr
# matches the extended regular expression PATTERN.
expect_fail() {
  local desc=$1 want=$2 pat=$3 st
  shift 3
  "$ISOSCOPE" enter "$@" >/dev/null 2>"$tmp/fail.err"
  st=$?
  is "$st" "$want" "$desc: exit $want"
  grep -Eq -- "$pat" "$tmp/fail.err"
  st=$?
  ok $st "$desc: the message matches /$pat/"
  [ $st -eq 0 ] || diag "stderr: $(cat "$tmp/fail.err")"
}

self_uts=$(ns_ino $$ uts)
# The target: a process in new uts and net namespaces (unshare execs sh, which execs sleep).
unshare --uts --net sh -c 'hostname safety-target; exec sleep 60' 2>>"$tmp/bg.err" &
T=$!
track_pid "$T"
target_ready() { ns_differs "$T" uts "$self_uts" && [ "$(cat "/proc/$T/comm" 2>/dev/null)" = sleep ]; }
if ! wait_until 10 target_ready; then
  ok 1 "setup: a target in new uts and net namespaces"
  done_testing
  exit
fi
ok 0 "setup: target $T in new uts and net namespaces"

# --- PID:INODE pins the process; a reused or vanished pid is refused with exit 2.
ino=$(pidfd_ino "$T")
if [ -z "$ino" ]; then
  skip "PID:INODE targets" "pidfds are not on pidfs here (Linux 6.9+)"
else
  is "$("$ISOSCOPE" enter -t "$T:$ino" -u hostname 2>>"$tmp/err")" safety-target \
    "-t PID:INODE with the right inode enters the target"
  is "$("$ISOSCOPE" enter "$T:$ino" hostname 2>>"$tmp/err")" safety-target \
    "bare PID:INODE with the right inode enters the target"
  expect_fail "-t PID:INODE with a wrong inode" 2 "pid $T is now another process" -t "$T:$((ino + 1))" -u true

  # A short-lived process: its PID:INODE is taken while it runs, the call comes after it exited.
  sleep 10 &
  S=$!
  sino=$(pidfd_ino "$S")
  kill "$S"
  wait "$S" 2>/dev/null
  expect_fail "PID:INODE of a process that has exited" 2 "no process with pid $S|process $S exited|another process" \
    -t "$S:$sino" -u true
  expect_fail "PID of a process that has exited" 2 "no process with pid $S|process $S exited" -t "$S" -u true

  # A pid really reused: in a pid namespace of the test's own, X exits and ns_last_pid makes
  # the next process get pid X again. X:INODE must be refused, the new process's own accepted.
  # shellcheck disable=SC2016 # the variables are the inner bash's
  reuse='ino() { python3 -c "import os, sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)" "$1"; }
sleep 10 &
X=$!
xino=$(ino "$X")
kill "$X"
wait "$X"
echo $((X - 1)) >/proc/sys/kernel/ns_last_pid
sleep 60 &
Y=$!
echo "pids $X $Y"
"$1" enter -t "$X:$xino" -u true
echo "old $?"
"$1" enter -t "$Y:$(ino "$Y")" -u true
echo "new $?"
kill "$Y"'
  out=$(unshare --pid --fork --kill-child --mount --mount-proc bash -c "$reuse" bash "$ISOSCOPE" 2>"$tmp/reuse.err")
  read -r _ X Y <<<"$(grep '^pids ' <<<"$out")"
  if [ -n "$X" ] && [ "$X" = "$Y" ]; then
    ok 0 "setup: pid $X was reused in a pid namespace of the test's own"
    is "$(grep '^old ' <<<"$out")" "old 2" "PID:INODE of the pid's previous process: exit 2"
    grep -q "pid $X is now another process" "$tmp/reuse.err"
    ok $? "PID:INODE of the pid's previous process: the message says pid $X is now another process"
    is "$(grep '^new ' <<<"$out")" "new 0" "PID:INODE of the process now holding the pid: exit 0"
  else
    ok 1 "setup: pid reuse in a pid namespace of the test's own (got '$X' and '$Y')"
    diag "stderr: $(cat "$tmp/reuse.err")"
  fi

  # An exited process that nobody reaped yet (a zombie): the child of a python process that
  # reaps it only when sent SIGTERM (or after 60 s), so that no zombie is left to pid 1.
  python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
pid = os.fork()
if pid == 0:
    os._exit(0)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % pid)
signal.sigtimedwait({signal.SIGTERM}, 60)
os.waitpid(pid, 0)' "$tmp/zombie" 2>>"$tmp/bg.err" &
  ZP=$!
  track_pid "$ZP"
  is_zombie() { [ -s "$tmp/zombie" ] && grep -q '^State:.*Z' "/proc/$(cat "$tmp/zombie")/status" 2>/dev/null; }
  if wait_until 10 is_zombie; then
    Z=$(cat "$tmp/zombie")
    zino=$(pidfd_ino "$Z")
    "$ISOSCOPE" enter -t "$Z" -u true 2>"$tmp/zombie.err"
    st=$?
    [ $st -eq 2 ]
    ok $? "PID of a zombie (exited, not reaped): exit 2"
    [ $st -eq 2 ] || diag "stderr: $(cat "$tmp/zombie.err")"
    "$ISOSCOPE" enter -t "$Z:$zino" -u true 2>/dev/null
    st=$?
    [ $st -eq 2 ]
    ok $? "PID:INODE of a zombie: exit 2"
  else
    skip "PID of a zombie: exit 2" "no zombie appeared"
    skip "PID:INODE of a zombie: exit 2" "no zombie appeared"
  fi
  kill -TERM "$ZP"
  wait "$ZP"
  ok $? "cleanup: the zombie's parent reaped it and exited"
fi
expect_fail "a pid no process can have (pid_max)" 2 "no process with pid" -t "$(cat /proc/sys/kernel/pid_max)" -u true
expect_fail "a target that does not exist" 2 "$tmp/nonexistent" -t "$tmp/nonexistent" -u true
: >"$tmp/regular"
expect_fail "a regular file as target" 2 "not a pid, a namespace file or a cgroup" "$tmp/regular" true
expect_fail "a directory that is not a cgroup as target" 2 "not a cgroup" "$tmp" true

# --- exit codes
"$ISOSCOPE" enter -t "$T" -u sh -c 'exit 42' 2>>"$tmp/err"
is $? 42 "the command's exit status 42 passes through"
"$ISOSCOPE" enter -t "$T" -u true 2>>"$tmp/err"
is $? 0 "the command's exit status 0 passes through"
# shellcheck disable=SC2016 # $$ is the inner sh's
is "$(status_of "$ISOSCOPE" enter -t "$T" -u sh -c 'kill -TERM $$')" -15 \
  "a command killed by SIGTERM: isoscope dies of SIGTERM too"
# shellcheck disable=SC2016 # $$ is the inner sh's
{ "$ISOSCOPE" enter -t "$T" -u sh -c 'kill -TERM $$'; } 2>/dev/null
is $? 143 "a command killed by SIGTERM: the shell sees 143"
# shellcheck disable=SC2016 # $$ is the inner sh's
is "$(status_of "$ISOSCOPE" enter -t "$T" -u -F sh -c 'kill -TERM $$')" -15 \
  "-F: a command killed by SIGTERM is isoscope killed by SIGTERM"
expect_fail "a command that is not in PATH" 127 "cannot run isoscope-no-such-command" \
  -t "$T" -u isoscope-no-such-command
expect_fail "a command path that does not exist" 127 "No such file" -t "$T" -u "$tmp/no-such-file"
printf '#!/bin/sh\necho should-not-run\n' >"$tmp/not-executable"
chmod 0644 "$tmp/not-executable"
expect_fail "a file without execute permission" 126 "Permission denied" -t "$T" -u "$tmp/not-executable"
expect_fail "a directory as the command" 126 "cannot run" -t "$T" -u "$tmp"

# --- bad usage: exit 1 and a pointer to --help
try="Try 'isoscope enter --help'"
expect_fail "an unknown option" 1 "$try" --bogus-option -t "$T" true
expect_fail "-t without an argument" 1 "$try" -t
expect_fail "an invalid --setuid" 1 "$try" -t "$T" -u -S not-a-uid true
expect_fail "--wd with --wdns" 1 "$try" -t "$T" -m -w --wdns / true
expect_fail "--preserve-credentials with --setuid" 1 "$try" -t "$T" -U --preserve-credentials -S 0 true
expect_fail "no target and no namespace" 1 "$try"
"$ISOSCOPE" enter --help >"$tmp/help" 2>&1
is $? 0 "--help exits 0"
grep -q '^Usage:' "$tmp/help"
ok $? "--help prints the usage"

# --- a namespace file as TARGET: a persistent network namespace bound onto a file of ours.
touch "$tmp/netns"
track_mount "$tmp/netns"
unshare --net="$tmp/netns" true 2>>"$tmp/bg.err"
ok $? "setup: unshare --net=$tmp/netns"
want=$(nsenter --net="$tmp/netns" ip -br link 2>>"$tmp/err")
case $want in lo\ *) st=0 ;; *) st=1 ;; esac
[ "$(printf '%s\n' "$want" | wc -l)" -eq 1 ] || st=1
ok $st "nsenter --net=FILE: only lo"
is "$("$ISOSCOPE" enter "$tmp/netns" ip -br link 2>>"$tmp/err")" "$want" "namespace file as TARGET: only lo, as nsenter"
is "$("$ISOSCOPE" enter -t "$tmp/netns" ip -br link 2>>"$tmp/err")" "$want" "-t FILE: only lo, as nsenter"
is "$("$ISOSCOPE" enter --net="$tmp/netns" ip -br link 2>>"$tmp/err")" "$want" "--net=FILE: only lo, as nsenter"
is "$("$ISOSCOPE" enter "$tmp/netns" readlink /proc/self/ns/net 2>>"$tmp/err")" "net:[$(stat -L -c %i "$tmp/netns")]" \
  "namespace file as TARGET: the command is in that namespace"
is "$("$ISOSCOPE" enter "$tmp/netns" hostname 2>>"$tmp/err")" "$(hostname)" \
  "namespace file as TARGET: no other namespace is entered"
is "$("$ISOSCOPE" enter -t "$T" -u --net="$tmp/netns" sh -c 'hostname; ip -br link' 2>>"$tmp/err")" \
  "$(nsenter -t "$T" -u --net="$tmp/netns" sh -c 'hostname; ip -br link' 2>>"$tmp/err")" \
  "-t PID -u --net=FILE: the target's uts, the file's net, as nsenter"
umount "$tmp/netns"
ok $? "cleanup: unmount $tmp/netns"

# --- no descriptor of isoscope's (or of its caller's) reaches the command.
fds() { # fds ARGS...: the fd numbers the command ls sees, space-separated
  (
    exec 7</etc/hostname
    "$ISOSCOPE" enter "$@" ls /proc/self/fd 2>>"$tmp/err"
  ) | sort -n | tr '\n' ' '
}
is "$(fds -t "$T" -n)" "0 1 2 3 " "fd 7 of the caller is closed: only 0, 1, 2 and ls's own dir fd 3"
is "$(fds -t "$T" -n -F)" "0 1 2 3 " "-F: only 0, 1, 2 and ls's own dir fd 3"
is "$(fds -t "$T" -a)" "0 1 2 3 " "-a: only 0, 1, 2 and ls's own dir fd 3"
leak=$( (exec 7</etc/hostname && nsenter -t "$T" -n ls /proc/self/fd) | sort -n | tr '\n' ' ')
diag "for comparison, nsenter -n passes these: $leak"

# --- signals reach the command: SIGTERM (and SIGHUP) to isoscope ends the command inside.
for sig in TERM HUP; do
  "$ISOSCOPE" enter -t "$T" -u sleep 30 2>>"$tmp/err" &
  P=$!
  track_pid "$P"
  Q=
  # shellcheck disable=SC2317 # called through wait_until
  child_sleeps() { Q=$(children_of "$P" | head -n1) && [ -n "$Q" ] && [ "$(cat "/proc/$Q/comm" 2>/dev/null)" = sleep ]; }
  if ! wait_until 10 child_sleeps; then
    ok 1 "SIG$sig: isoscope $P started its command"
    continue
  fi
  track_pid "$Q"
  is "$(readlink "/proc/$Q/ns/uts")" "$(readlink "/proc/$T/ns/uts")" "SIG$sig: the command $Q runs in the target's uts namespace"
  t0=$SECONDS
  kill "-$sig" "$P"
  wait "$P" 2>/dev/null
  st=$?
  want=$((128 + $(kill -l "$sig")))
  is "$st" "$want" "SIG$sig to isoscope: it exits with $want"
  [ $((SECONDS - t0)) -lt 5 ]
  ok $? "SIG$sig to isoscope: it ends at once ($((SECONDS - t0)) s), not when sleep 30 does"
  [ ! -e "/proc/$Q" ] || wait_until 2 test ! -e "/proc/$Q"
  ok $? "SIG$sig to isoscope: the command $Q inside is gone"
done

for f in err bg.err; do
  [ -s "$tmp/$f" ] || continue
  diag "stderr ($f):"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/$f"
done
done_testing
