#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify.t: isoscope verify on processes whose state the test knows: the command of an isoscope run
# sandbox under each profile (every check passes; the kernel's own files are read beside it as
# the oracle), the same sandbox deliberately weakened (no seccomp, no no_new_privs, a capability,
# a passed fd, a mask unmounted from outside, a cgroup limit raised from outside, a working
# directory outside the root), a sandbox made by another tool (bubblewrap), every TARGET form,
# JSON, and the errors with their exit codes.

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

# start_sb PROFILE [RUN-OPTIONS...]: a sandbox as sb makes it, running sleep in the background.
# ISO is isoscope's pid, INIT the sandbox's init, CMDP the command's (once it runs busybox).
start_sb() {
  local prof=$1
  shift
  "$ISOSCOPE" run --profile "$prof" --rootfs "$ESC_ROOT" -m -p -n -u -i --mount-proc --dev /dev "$@" \
    -- /bin/sleep 120 </dev/null >/dev/null 2>>"$tmp/err" &
  ISO=$!
  track_run "$ISO"
  INIT='' CMDP=''
  wait_until 5 sb_ready
}
sb_ready() {
  INIT=$(children_of "$ISO" | head -n1)
  [ -n "$INIT" ] || return 1
  CMDP=$(children_of "$INIT" | head -n1)
  # The link shows the path inside the sandbox's root, which we cannot reach.
  [ -n "$CMDP" ] && [[ "$(readlink "/proc/$CMDP/exe")" == */bin/busybox ]]
}
# stop_sb: SIGTERM to isoscope, which ends the sandbox and removes its cgroups.
stop_sb() {
  kill -TERM "$ISO" 2>/dev/null
  wait_until 5 test -z "$(run_cgroups_of "$ISO")"
  kill_tracked "$ISO"
}

# verify_json FILE ARGS...: isoscope verify --json ARGS into FILE; the exit status is verify's.
verify_json() {
  local f=$1
  shift
  "$ISOSCOPE" verify --json "$@" >"$f" 2>>"$tmp/err"
}
# failed FILE: the checks that failed, comma separated ("" when none).
failed() {
  "$NS_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(",".join(c["check"] for c in d["checks"] if not c["ok"]))' "$1"
}
# got FILE CHECK: what was found for CHECK.
got() {
  "$NS_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("".join(c["got"] for c in d["checks"] if c["check"] == sys.argv[2]))' "$1" "$2"
}

# ---- a sandbox under each profile passes ----------------------------------------------------------

for prof in default strict; do
  start_sb $prof
  if ! ok $? "$prof: a sandbox runs (isoscope $ISO, init $INIT, command $CMDP)"; then
    diag "$(tail -n 3 "$tmp/err")"
    continue
  fi
  verify_json "$tmp/v.json" --profile $prof "$CMDP"
  st=$?
  is "$st" 0 "$prof: isoscope verify --profile $prof passes on its command"
  is "$(failed "$tmp/v.json")" "" "$prof: no check failed"
  # The oracle: the kernel's files, read here.
  sets=$(awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ { print $2 }' "/proc/$CMDP/status" | sort -u)
  is "$sets" 0000000000000000 "$prof: /proc/$CMDP/status has the five capability sets empty, as verify said"
  is "$(awk '/^NoNewPrivs:/ { print $2 } /^Seccomp:/ { print $2 }' "/proc/$CMDP/status" | paste -sd' ')" "1 2" \
    "$prof: /proc/$CMDP/status has NoNewPrivs 1 and Seccomp 2, as verify said"
  for t in mnt pid net uts ipc; do
    [ "$(ns_ino "$CMDP" $t)" != "$(ns_ino $$ $t)" ]
    ok $? "$prof: its $t namespace is not the test's ($(got "$tmp/v.json" ns:$t))"
  done
  n=$("$NS_PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["count"], len(d["checks"]), d["failed"], d["passed"], d["pid"], d["expectation"])' "$tmp/v.json")
  is "$n" "$(grep -c '"check"' "$tmp/v.json") $(grep -c '"check"' "$tmp/v.json") 0 True $CMDP profile $prof" \
    "$prof: the JSON document: count, checks, failed, passed, pid, expectation"
  if [ $prof = strict ]; then
    is "$(got "$tmp/v.json" rlimit:nofile) $(got "$tmp/v.json" rlimit:core)" "1024:1024 0:0" \
      "strict: verify read nofile 1024 and core 0"
    is "$(awk '/^Max open files/ { print $4 ":" $5 } /^Max core file size/ { print $5 ":" $6 }' "/proc/$CMDP/limits" | sort | paste -sd' ')" \
      "0:0 1024:1024" "strict: /proc/$CMDP/limits says the same"
  fi
  if [ $prof = default ]; then
    "$ISOSCOPE" verify "$CMDP" >"$tmp/v.txt" 2>>"$tmp/err"
    is "$?" 0 "default is the default profile, text output"
    is "$(grep -c '^ok ' "$tmp/v.txt")" "$(grep -c '"check"' "$tmp/v.json")" "every text line is 'ok', one per JSON check"
    grep -q "^pid $CMDP against profile default: [0-9]* checks, 0 failed$" "$tmp/v.txt"
    ok $? "the text ends with a summary line"
    # Every TARGET form names the same process, or the sandbox's init for a whole group.
    ino=$("$NS_PYTHON" -c 'import os, sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' "$CMDP" 2>/dev/null)
    if [ -n "$ino" ]; then
      verify_json "$tmp/t.json" "$CMDP:$ino"
      is "$?" 0 "TARGET PID:INODE ($CMDP:$ino) passes too"
      "$ISOSCOPE" verify "$CMDP:$((ino + 1))" >/dev/null 2>>"$tmp/err"
      is "$?" 2 "TARGET PID:INODE with another inode: not found (exit 2)"
    fi
    verify_json "$tmp/t.json" "/proc/$CMDP/ns/net"
    is "$("$NS_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/t.json")" "$INIT" \
      "TARGET a namespace file: the lowest pid in it, the sandbox's init"
    diag "the init against the default profile fails: $(failed "$tmp/t.json")"
  fi
  stop_sb
done

# ---- deliberately weakened sandboxes: verify names what is missing -----------------------------

# weakened DESC WANT-FAILED RUN-OPTIONS...: a default sandbox with RUN-OPTIONS fails exactly the
# checks WANT-FAILED (a comma list) against the default profile.
weakened() {
  local desc=$1 want=$2
  shift 2
  start_sb default "$@"
  if ! ok $? "$desc: the sandbox runs"; then
    diag "$(tail -n 3 "$tmp/err")"
    return
  fi
  verify_json "$tmp/w.json" "$CMDP"
  local st=$? f
  f=$(failed "$tmp/w.json")
  is "$st" 3 "$desc: verify exits 3"
  is "$f" "$want" "$desc: exactly $want fail"
}

weakened "--seccomp unconfined" "seccomp" --seccomp unconfined
stop_sb
weakened "--allow-new-privs" "nnp" --allow-new-privs
stop_sb
weakened "--cap-add net_raw" "caps:effective,caps:permitted,caps:inheritable,caps:ambient,caps:bounding" --cap-add net_raw
diag "caps:effective: $(got "$tmp/w.json" caps:effective)"
verify_json "$tmp/w2.json" --cap-add net_raw "$CMDP"
is "$?" 0 "--cap-add net_raw: verify --cap-add net_raw passes"
verify_json "$tmp/w2.json" --cap-add ALL "$CMDP"
is "$?" 0 "--cap-add net_raw: verify --cap-add ALL passes ($(got "$tmp/w2.json" caps:effective))"
stop_sb
weakened "--pass-fd 5" "fds" --pass-fd 5 5</etc/passwd
grep -q '5 -> /etc/passwd' <<<"$(got "$tmp/w.json" fds)"
ok $? "--pass-fd 5: the fd is named with what it points at ($(got "$tmp/w.json" fds))"
verify_json "$tmp/w2.json" --pass-fd 5 "$CMDP"
is "$?" 0 "--pass-fd 5: verify --pass-fd 5 passes"
stop_sb

# strict with a larger nofile limit than the profile's.
start_sb strict --rlimit nofile=4096
if ok $? "a strict sandbox with --rlimit nofile=4096 runs"; then
  verify_json "$tmp/w.json" --profile strict "$CMDP"
  is "$(failed "$tmp/w.json")" "rlimit:nofile" "verify --profile strict: exactly rlimit:nofile fails ($(got "$tmp/w.json" rlimit:nofile))"
  verify_json "$tmp/w.json" --profile strict --rlimit nofile=4096 "$CMDP"
  is "$?" 0 "verify --profile strict --rlimit nofile=4096 passes"
fi
stop_sb

# A mask taken away from outside, in the sandbox's mount namespace.
start_sb default
if ok $? "a sandbox whose mask is removed from outside runs"; then
  nsenter -t "$CMDP" -m umount /proc/timer_list
  ok $? "umount /proc/timer_list in the sandbox's mount namespace"
  verify_json "$tmp/w.json" "$CMDP"
  is "$?" 3 "verify exits 3"
  is "$(failed "$tmp/w.json")" "masked:/proc/timer_list" "exactly masked:/proc/timer_list fails ($(got "$tmp/w.json" masked:/proc/timer_list))"
fi
stop_sb

# A limit raised from outside, in the sandbox's own cgroup.
start_sb default --memory 64M --pids 32
if ok $? "a sandbox with --memory 64M --pids 32 runs"; then
  verify_json "$tmp/w.json" --memory 64M --pids 32 "$CMDP"
  is "$?" 0 "verify --memory 64M --pids 32 passes"
  verify_json "$tmp/w.json" --memory 32M --pids 16 "$CMDP"
  is "$(failed "$tmp/w.json")" "limit:memory,limit:pids" "verify --memory 32M --pids 16: both limits fail"
  cg=$(run_cgroup_dir unified "$ISO")
  [ -n "$cg" ] || cg=$(run_cgroup_dir . "$ISO")
  verify_json "$tmp/t.json" "$cg"
  is "$("$NS_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/t.json")" "$INIT" \
    "TARGET a cgroup directory ($cg): its lowest pid, the sandbox's init"
  if [ -d /sys/fs/cgroup/memory ]; then
    f=$(run_cgroup_dir memory "$ISO")/memory.limit_in_bytes
    p=$(run_cgroup_dir pids "$ISO")/pids.max
  else
    f=$(run_cgroup_dir . "$ISO")/memory.max
    p=$(run_cgroup_dir . "$ISO")/pids.max
  fi
  # cgroup v1 keeps memory.limit_in_bytes at most memory.memsw.limit_in_bytes: that one first.
  [ -e "${f%/*}/memory.memsw.limit_in_bytes" ] && echo 1073741824 >"${f%/*}/memory.memsw.limit_in_bytes"
  raised=0
  { echo 1073741824 >"$f" && echo max >"$p"; } 2>>"$tmp/err" || raised=1
  ok "$raised" "the limits are raised from outside ($f, $p)"
  verify_json "$tmp/w.json" --memory 64M --pids 32 "$CMDP"
  is "$?" 3 "verify --memory 64M --pids 32 now exits 3"
  is "$(failed "$tmp/w.json")" "limit:memory,limit:pids" "and names both limits ($(got "$tmp/w.json" limit:memory); $(got "$tmp/w.json" limit:pids))"
fi
stop_sb

# A working directory outside the root (chroot without chdir), as a leaked fd would leave it.
mkdir -p "$tmp/jail"
"$NS_PYTHON" -c 'import os, sys, time
os.chroot(sys.argv[1])
time.sleep(60)' "$tmp/jail" &
J=$!
track_pid "$J"
wait_until 5 test "$(readlink "/proc/$J/root")" = "$tmp/jail"
verify_json "$tmp/w.json" --profile compat "$J"
is "$?" 3 "a process chrooted without chdir: verify --profile compat exits 3"
[[ ",$(failed "$tmp/w.json")," == *,cwd,* ]]
ok $? "and the cwd check fails ($(got "$tmp/w.json" cwd))"
kill_tracked "$J"

# ---- a sandbox made by another tool ------------------------------------------------------------

if [ -n "$ESC_BWRAP" ]; then
  # Started without the test's fds, as a service manager would.
  B=$("$NS_PYTHON" -c 'import subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, close_fds=True)
print(p.pid)' bwrap --ro-bind "$ESC_ROOT" / --proc /proc --dev /dev --unshare-all --new-session \
    --cap-drop ALL /bin/sleep 60)
  track_pid "$B"
  BC=''
  # bwrap's own init, then the command: whichever descendant runs busybox.
  bw_ready() {
    local c g
    for c in $(children_of "$B"); do
      for g in "$c" $(children_of "$c"); do
        if [[ "$(readlink "/proc/$g/exe")" == */bin/busybox ]]; then
          BC=$g
          return 0
        fi
      done
    done
    return 1
  }
  if wait_until 5 bw_ready; then
    # The init of its pid namespace takes the rest with it.
    BI=$(awk '{ print $4 }' "/proc/$BC/stat")
    track_pid "$BI"
    verify_json "$tmp/b.json" "$BC"
    is "$?" 3 "bwrap --unshare-all --new-session --cap-drop ALL: verify --profile default exits 3"
    f=$(failed "$tmp/b.json")
    [[ ",$f," == *,seccomp,* && ",$f," == *,masked:/proc/timer_list,* && ",$f," != *,caps:* && ",$f," != *,nnp,* ]]
    okdiag $? "it fails seccomp and the masks (bwrap installs no filter and masks nothing), not caps or nnp" "failed: $f"
    is "$(awk '/^Seccomp:/ { print $2 }' "/proc/$BC/status")" 0 "the oracle: /proc/$BC/status says Seccomp 0"
    diag "bwrap's sandbox against the default profile: $f"
  else
    skip "verify on a bwrap sandbox" "bwrap did not start: $(tail -n1 "$tmp/err")"
  fi
  [ -n "${BI-}" ] && kill_tracked "$BI"
  kill_tracked "$B"
fi

# ---- a sandbox built from util-linux and the test's seccomp helper -------------------------------

if cc -O2 -o "$tmp/seccomp-helper" "$TESTDIR/../lib/seccomp-helper.c" 2>>"$tmp/err" && command -v setpriv >/dev/null; then
  U=$("$NS_PYTHON" -c 'import subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)
print(p.pid)' unshare -m -p -n -u -i -f --mount-proc setpriv --bounding-set=-all --inh-caps=-all --ambient-caps=-all \
    -- "$tmp/seccomp-helper" 1 sleep 60)
  track_pid "$U"
  UC=''
  ul_ready() {
    UC=$(children_of "$U" | head -n1)
    [ -n "$UC" ] && [ "$(cat "/proc/$UC/comm" 2>/dev/null)" = sleep ]
  }
  if wait_until 5 ul_ready; then
    track_pid "$UC"
    verify_json "$tmp/u.json" "$UC"
    is "$?" 3 "unshare + setpriv + a seccomp filter: verify --profile default exits 3"
    f=$(failed "$tmp/u.json")
    others=$(tr ',' '\n' <<<"$f" | grep -vE '^(masked|readonly):')
    [ -n "$f" ] && [ -z "$others" ]
    okdiag $? "only masks and read-only paths fail (unshare's new proc has none): $f" "others: $others"
    is "$(awk '/^(CapEff|CapBnd|NoNewPrivs|Seccomp):/ { print $2 }' "/proc/$UC/status" | paste -sd' ')" \
      "0000000000000000 0000000000000000 1 2" "the oracle: /proc/$UC/status has no capabilities, NoNewPrivs 1, Seccomp 2"
    kill_tracked "$UC"
  else
    skip "verify on an unshare + setpriv sandbox" "it did not start"
  fi
  kill_tracked "$U"
else
  skip "verify on an unshare + setpriv sandbox" "no cc or setpriv"
fi

# ---- an unprivileged viewer -------------------------------------------------------------------

# What uid 65534 may not read about a root process is reported as unknown, and fails.
setpriv --reuid 65534 --regid 65534 --clear-groups "$ISOSCOPE" verify --json $$ >"$tmp/np.json" 2>>"$tmp/err"
is "$?" 3 "uid 65534 verifying the (root) test: exit 3"
is "$(got "$tmp/np.json" fds) / $(got "$tmp/np.json" cwd)" "unknown (Permission denied) / unknown (Permission denied)" \
  "what it may not read (fds, cwd) is unknown and fails, never a pass"

# ---- errors ------------------------------------------------------------------------------------

"$ISOSCOPE" verify >/dev/null 2>"$tmp/e"
is "$?" 1 "no TARGET: exit 1"
grep -q "a TARGET is needed" "$tmp/e"
ok $? "and the message says so"
"$ISOSCOPE" verify 2147483647 >/dev/null 2>"$tmp/e"
is "$?" 2 "a pid that does not exist: exit 2"
"$ISOSCOPE" verify no-such-container-$$ >/dev/null 2>"$tmp/e"
is "$?" 2 "a container name that matches nothing: exit 2"
grep -q "no-such-container-$$" "$tmp/e"
ok $? "and the message names it"
"$ISOSCOPE" verify --profile bogus $$ >/dev/null 2>"$tmp/e"
is "$?" 1 "an unknown profile: exit 1"
grep -q "unknown profile 'bogus'" "$tmp/e"
ok $? "and the message names it and the known ones: $(head -n1 "$tmp/e")"
"$ISOSCOPE" verify --memory lots $$ >/dev/null 2>"$tmp/e"
is "$?" 1 "--memory lots: exit 1"
"$ISOSCOPE" verify --cap-add cap_nonsense $$ >/dev/null 2>"$tmp/e"
is "$?" 1 "--cap-add with an unknown capability: exit 1"
"$ISOSCOPE" verify --sysroot / $$ >/dev/null 2>"$tmp/e"
is "$?" 1 "--sysroot: exit 1 (verify reads live processes)"
"$ISOSCOPE" verify $$ $$ >/dev/null 2>"$tmp/e"
is "$?" 1 "two TARGETs: exit 1"
"$ISOSCOPE" verify --help | grep -q "3 a check failed"
ok $? "--help documents exit status 3"
bash -c 'exit 0' &
gone=$!
wait "$gone"
"$ISOSCOPE" verify "$gone" >/dev/null 2>"$tmp/e"
is "$?" 2 "a process that has exited: exit 2"

left_behind "nothing is left behind" "$tmp/root"
done_testing
