#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-escape.t: attacks on an isoscope run sandbox from inside, under the default and the strict
# profile: host processes, the network, /etc/shadow by any path, capabilities and no_new_privs, a
# setuid-root program, Docker's masked and read-only /proc paths, fds leaked into the command or
# kept by the sandbox's init, and --wd /proc/self/fd/N (CVE-2024-21626).  Each attack has a control
# run where the same probe succeeds (a weaker sandbox, or none), so that a pass means the sandbox
# stopped it.  What bubblewrap does with the same intent is recorded beside ours in a table at the
# end (never asserted).  The system-call attacks are in run-escape-seccomp.t, the limits in
# run-escape-limits.t; isoscope verify catching a deliberately weakened sandbox is in verify.t.

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
MARK=isoscope-run-escape-$$

# A host process to look for, and a host TCP listener on loopback.
bash -c "exec -a $MARK sleep 120" &
HOST=$!
track_pid "$HOST"
"$NS_PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$tmp/port" &
track_pid $!
wait_until 5 test -s "$tmp/port"
PORT=$(cat "$tmp/port")

# A setuid-root copy of the probe in the sandbox's root.
cp "$tmp/probe" "$ESC_ROOT/bin/suid-probe"
chown 0:0 "$ESC_ROOT/bin/suid-probe"
chmod 4755 "$ESC_ROOT/bin/suid-probe"

SHADOW_PATHS="/etc/shadow /proc/1/root/etc/shadow /proc/self/root/etc/shadow /../../../etc/shadow
  /proc/self/cwd/../../etc/shadow /proc/$HOST/root/etc/shadow /proc/self/fd/3/shadow /proc/self/fd/4"
MASKED="/proc/kcore /proc/keys /proc/timer_list"
READONLY="/proc/sys/kernel/hostname /proc/sysrq-trigger"

# ---- controls: the probe sees what an unconfined command sees ----------------------------------

ctl() { "$ISOSCOPE" run --profile compat "$@" </dev/null 2>>"$tmp/err"; }
out=$(ctl -- "$tmp/probe" kill "$HOST")
is "$(field "$HOST" "$out")" ok "control: without a pid namespace the probe signals host pid $HOST"
out=$(ctl -- "$tmp/probe" connect "$PORT")
is "$(field connect "$out")" ok "control: without a network namespace the probe reaches the host's listener"
# shellcheck disable=SC2094 # the probe reads what it is given, nothing writes
out=$(ctl -- "$tmp/probe" read /etc/shadow /proc/self/fd/4 3</etc 4</etc/shadow)
is "$(field /etc/shadow "$out")" ok "control: in the host's root the probe reads /etc/shadow"
out=$(ctl -- grep -E '^CapEff' /proc/self/status)
[ "$out" != "CapEff:	0000000000000000" ]
ok $? "control: under compat the command keeps root's capabilities ($(oneline "$out"))"
out=$(ctl -S 65534 -G 65534 -- "$ESC_ROOT/bin/suid-probe" whoami)
is "${out%% capeff*}" "uid=65534 euid=0" "control: a setuid-root program run by uid 65534 becomes euid 0 without no_new_privs"
out=$(ctl -m -p --mount-proc -- "$tmp/probe" read /proc/timer_list)
is "$(field /proc/timer_list "$out")" ok "control: a new proc without masks shows /proc/timer_list"
out=$(ctl -m -p --mount-proc -- "$tmp/probe" openw /proc/sys/kernel/hostname)
is "$(field /proc/sys/kernel/hostname "$out")" ok "control: a new proc without masks opens /proc/sys for writing"

# ---- the attacks, under each profile --------------------------------------------------------------

for prof in default strict; do
  # Host processes: invisible, and not to be signalled.
  out=$(sb $prof -- /bin/probe kill "$HOST")
  is "$(field "$HOST" "$out")" ESRCH "$prof: host pid $HOST cannot be signalled (ESRCH)"
  # Every process listed: its pid and argv[0] (the mark is passed in two halves, so that no
  # command line inside holds it whole).
  # shellcheck disable=SC2016 # expanded by the shell inside
  list=$(sb $prof -- /bin/sh -c 'for d in /proc/[0-9]*; do echo "${d#/proc/} $(tr "\0" "\n" <$d/cmdline | head -n1)"; done' 2>&1)
  n=$(awk -v m="$MARK" '$2 == m || $1 > 100' <<<"$list" | wc -l)
  [ -n "$list" ] && [ "$n" -eq 0 ]
  okdiag $? "$prof: /proc lists only the sandbox's own processes ($(wc -l <<<"$list") of them)" "$list"
  [ $prof = default ] && row "see/signal a host process" "$(field "$HOST" "$out")" "$(field "$HOST" "$(bw -- /bin/probe kill "$HOST")")"

  # The network: loopback only, and not the host's.
  out=$(sb $prof -- /bin/probe connect "$PORT")
  c=$(field connect "$out")
  [ -n "$c" ] && [ "$c" != ok ]
  ok $? "$prof: the host's listener on 127.0.0.1:$PORT cannot be reached ($c)"
  ifs=$(sb $prof -- /bin/sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
  is "$(oneline "$ifs")" lo "$prof: the only network interface is lo"
  [ $prof = default ] && row "connect to a host listener" "$c" "$(field connect "$(bw -- /bin/probe connect "$PORT")")"

  # /etc/shadow by every path we know: the root, /proc links, .., fds the caller left open.
  # shellcheck disable=SC2086 # a list of paths
  out=$(sb $prof -- /bin/probe read $SHADOW_PATHS 3</etc 4</etc/shadow)
  got=$(awk '$2 == "ok" || $2 == "empty" { print $1 }' <<<"$out")
  [ -n "$out" ] && [ -z "$got" ]
  ok $? "$prof: /etc/shadow cannot be read by any of $(wc -w <<<"$SHADOW_PATHS") paths"
  [ -z "$got" ] || diag "read through: $(oneline "$got")"
  if [ $prof = default ]; then
    # shellcheck disable=SC2086 # a list of paths
    bout=$(bw -- /bin/probe read $SHADOW_PATHS 3</etc 4</etc/shadow)
    row "read /etc/shadow (any path)" "$(oneline "$(awk '$2 == "ok" { print $1 }' <<<"$out")")" \
      "$(oneline "$(awk '$2 == "ok" { print $1 }' <<<"$bout")")"
  fi

  # Capabilities and no_new_privs.
  out=$(sb $prof -- /bin/sh -c "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status")
  caps=$(awk '/^Cap/ { print $2 }' <<<"$out" | sort -u)
  is "$caps" 0000000000000000 "$prof: all five capability sets are empty"
  is "$(awk '/^NoNewPrivs/ { print $2 }' <<<"$out")" 1 "$prof: NoNewPrivs is 1"
  if [ $prof = default ]; then
    bout=$(bw -- /bin/sh -c "grep -E '^(CapEff|NoNewPrivs):' /proc/self/status")
    row "capability sets (CapEff)" "$(awk '/^CapEff/ { print $2 }' <<<"$out")" "$(awk '/^CapEff/ { print $2 }' <<<"$bout")"
    row "NoNewPrivs" "$(awk '/^NoNewPrivs/ { print $2 }' <<<"$out")" "$(awk '/^NoNewPrivs/ { print $2 }' <<<"$bout")"
  fi

  # A setuid-root program gains nothing.
  : >"$tmp/err.suid"
  suid=$("$ISOSCOPE" run --profile $prof --rootfs "$ESC_ROOT" -m -p -n -u -i --mount-proc --dev /dev -S 65534 -G 65534 \
    -- /bin/suid-probe whoami </dev/null 2>"$tmp/err.suid")
  if [ -z "$suid" ] && grep -q "cannot drop capability 0 from the bounding set" "$tmp/err.suid"; then
    # A known bug of run: -S changes the uid before the bounding set is dropped.
    todo_ok 1 "$prof: a setuid-root program run by uid 65534 gains nothing" \
      "run -S fails under a hardened profile: setuid before the bounding set is dropped"
  else
    is "$suid" "uid=65534 euid=65534 capeff=0000000000000000" "$prof: a setuid-root program run by uid 65534 gains nothing"
  fi
  out=$(sb $prof -- /bin/suid-probe whoami)
  is "$out" "uid=0 euid=0 capeff=0000000000000000" "$prof: root in the sandbox gains no capability by exec either"
  [ $prof = default ] && row "setuid-root program as uid 65534" "${suid#* }" \
    "$(bw --unshare-user --uid 65534 --gid 65534 -- /bin/suid-probe whoami | cut -d' ' -f2-)"

  # Docker's masked and read-only /proc paths.
  # shellcheck disable=SC2086 # a list of paths
  out=$(sb $prof -- /bin/probe read $MASKED)
  for p in $MASKED; do
    r=$(field "$p" "$out")
    [ -n "$r" ] && [ "$r" != ok ]
    ok $? "$prof: $p is masked ($r)"
  done
  # shellcheck disable=SC2086 # a list of paths
  wout=$(sb $prof -- /bin/probe openw $READONLY)
  for p in $READONLY; do
    r=$(field "$p" "$wout")
    [ -n "$r" ] && [ "$r" != ok ]
    ok $? "$prof: $p cannot be opened for writing ($r)"
  done
  if [ $prof = default ]; then
    # shellcheck disable=SC2086 # a list of paths
    bout=$(bw -- /bin/probe read $MASKED)
    # shellcheck disable=SC2086 # a list of paths
    bwout=$(bw -- /bin/probe openw $READONLY)
    for p in $MASKED; do row "read $p" "$(field "$p" "$out")" "$(field "$p" "$bout")"; done
    for p in $READONLY; do row "open $p for writing" "$(field "$p" "$wout")" "$(field "$p" "$bwout")"; done
  fi

  # No fd of the caller's or of isoscope's reaches the command.
  out=$(sb $prof -- /bin/probe fds 3</etc 5</etc/passwd 9>/dev/null)
  is "$(oneline "$out")" "" "$prof: a scan of /proc/self/fd inside finds nothing beyond 0-2"
  [ $prof = default ] && row "fds open inside (caller had 3,5,9)" "${out:-none}" "$(oneline "$(bw -- /bin/probe fds 3</etc 5</etc/passwd 9>/dev/null)")"
done

# Nor does the sandbox's init keep them: a command holding capabilities (here all of them, with
# the default profile's filter) would reach them as /proc/1/fd/N.
out=$(sb default --cap-add ALL -- /bin/probe read /proc/1/fd/7/shadow 7</etc)
r=$(field /proc/1/fd/7/shadow "$out")
if [ "$r" = ok ]; then
  todo_ok 1 "the sandbox's init holds no fd of the caller (/proc/1/fd/7/shadow: $r)" \
    "run's init keeps the caller's fds: the command reads the host's /etc/shadow through it when it has capabilities"
else
  ok 0 "the sandbox's init holds no fd of the caller (/proc/1/fd/7/shadow: $r)"
fi
row "read /proc/1/fd/7/shadow (init's fd 7 on /etc, --cap-add ALL)" "$r" "$(field /proc/1/fd/7/shadow "$(bw -- /bin/probe read /proc/1/fd/7/shadow 7</etc)")"

out=$(sb default --pass-fd 5 -- /bin/probe fds 3</etc 5</etc/passwd)
is "$(oneline "$out" | cut -d' ' -f1-2)" "5 ->" "control: --pass-fd 5 lets fd 5 (and only it) through"

# ---- --wd /proc/self/fd/N (CVE-2024-21626) --------------------------------------------------------

# With the caller's fd 3 on the host's /etc: refused, or the command runs inside its root.
for opt in --wd --chdir; do
  out=$(sb default "$opt" /proc/self/fd/3 -- /bin/probe cwd 3</etc)
  st=$?
  [ "$st" -ne 0 ] && [ -z "$out" ]
  okdiag $? "$opt /proc/self/fd/3 (the caller's fd on /etc) is refused (exit $st)" "output: $out"
  # The attack itself: a relative path from that working directory.
  out=$(sb default "$opt" /proc/self/fd/3 -- /bin/probe read shadow 3</etc)
  r=$(field shadow "$out")
  [ "$r" != ok ]
  ok $? "$opt /proc/self/fd/3: the host's /etc/shadow is not read as ./shadow (${r:-refused})"
done
row "--chdir /proc/self/fd/3, read ./shadow" "${r:-refused}" "$(field shadow "$(bw --chdir /proc/self/fd/3 -- /bin/probe read shadow 3</etc)")"
# Whatever fds isoscope itself holds while it sets up: none is a way out.
bad=''
for n in 3 4 5 6 7 8 9 10 11 12; do
  out=$(sb default --wd /proc/self/fd/$n -- /bin/probe cwd)
  st=$?
  # getcwd(3) fails with ENOENT for a directory outside the root.
  if [ "$st" -eq 0 ] && [[ "$out" != "cwd /"* ]]; then
    bad+=" $n:${out:-no output}"
  fi
done
is "$bad" "" "--wd /proc/self/fd/N for N in 3..12 never leaves the command outside its root"

left_behind "nothing is left behind (cgroups, mounts, processes)" "$tmp/root"

table "escape attempts: isoscope run --profile default (new root, -m -p -n -u -i) beside bwrap (same root, --unshare-pid/net/uts/ipc, --new-session)" "isoscope default"
[ -s "$tmp/err" ] && diag "stderr of the runs: $(tail -n 5 "$tmp/err" | paste -sd'|')"
done_testing
