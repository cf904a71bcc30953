# SPDX-License-Identifier: GPL-2.0-or-later
# run-v2.sh: inside the VM, isoscope run on pure cgroup v2: the sandbox's cgroup, made below
# isoscope's and entered at clone time, carries the limits, is removed afterwards, and a cgroup
# that cannot take controllers is named in the error.
# shellcheck shell=sh
#
# Run by tests/vm/vm-run.t through run.sh (busybox sh, as root in the root cgroup).

# shellcheck source-path=SCRIPTDIR source=guest-tap.sh disable=SC1091
. ./guest-tap.sh

CG=/sys/fs/cgroup
I=$ISOSCOPE
diag "kernel $(uname -r); root subtree_control: $(cat "$CG/cgroup.subtree_control")"

# A sandbox with limits: the command is in isoscope-run.PID from its first instruction.
"$I" run --memory 32M --pids 20 --cpus 0.5 -- sh -c 'cat /proc/self/cgroup >/tmp/rv2.cg; echo ready >/tmp/rv2.ready; sleep 2' &
P=$!
wait_for 10 test -s /tmp/rv2.ready
D=$CG/isoscope-run.$P
check "the sandbox's cgroup is $D" -- test -d "$D"
is "$(cat /tmp/rv2.cg)" "0::/isoscope-run.$P" "the command is in it"
is "$(cat "$D/memory.max" 2>/dev/null)" 33554432 "--memory 32M: memory.max"
is "$(cat "$D/memory.swap.max" 2>/dev/null || echo 0)" 0 "--memory without --memory-swap: memory.swap.max 0"
is "$(cat "$D/pids.max" 2>/dev/null)" 20 "--pids 20: pids.max"
is "$(cat "$D/cpu.max" 2>/dev/null)" "50000 100000" "--cpus 0.5: cpu.max"
wait "$P"
is "$?" 0 "the command's status"
check "the cgroup is removed afterwards" -- test ! -e "$D"

# The limits bite.
{ "$I" run --memory 32M -- dd if=/dev/zero of=/tmp/rv2.hog bs=1M count=64; } >/dev/null 2>&1
is "$?" 137 "--memory 32M: 64 MiB of tmpfs written by dd: killed"
rm -f /tmp/rv2.hog
is "$("$I" run -C --pids 8 -- cat /proc/self/cgroup)" "0::/" "-C: the cgroup namespace is rooted at the sandbox's cgroup"

# --timeout kills everything in the cgroup (cgroup.kill), also what the command left.
"$I" run --timeout 1 --pids 10 -- sh -c 'sleep 30 & exec sleep 31' 2>/dev/null &
P=$!
wait "$P"
is "$?" 124 "--timeout 1: exit 124"
check "--timeout: the cgroup is gone" -- test ! -e "$CG/isoscope-run.$P"
# (busybox here has no pgrep)
# shellcheck disable=SC2009
is "$(ps -o args | grep -c '^sleep 3[01]$')" 0 "--timeout: no sleep is left"

# isoscope in a cgroup with processes of its own: v2 cannot give its children controllers.
mkdir "$CG/rv2-busy"
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" run --memory 32M -- true' sh "$CG/rv2-busy" "$I" 2>/tmp/rv2.err
is "$?" 125 "from a cgroup with processes: exit 125"
check "the message says why and what to do" -- grep -q 'has processes of its own.*--cgroup-parent' /tmp/rv2.err
diag "$(cat /tmp/rv2.err)"
check "nothing is left below it" -- sh -c "! ls -d $CG/rv2-busy/isoscope-run.* 2>/dev/null"

# ... and with --cgroup-parent naming a delegated cgroup without processes, it works.
mkdir "$CG/rv2-deleg"
echo "+memory +pids" >"$CG/rv2-deleg/cgroup.subtree_control"
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" run --cgroup-parent /rv2-deleg --pids 10 -- cat /proc/self/cgroup' \
  sh "$CG/rv2-busy" "$I")
case $out in 0::/rv2-deleg/isoscope-run.*) st=0 ;; *) st=1 ;; esac
ok "$st" "--cgroup-parent /rv2-deleg: the sandbox's cgroup is made there ($out)"
check "--cgroup-parent: and removed" -- sh -c "! ls -d $CG/rv2-deleg/isoscope-run.* 2>/dev/null"

# Namespaces and the init on this kernel.
is "$("$I" run -p -m -u -i -n --hostname vm-box --mount-proc -- sh -c 'hostname; cat /proc/1/comm; ls /sys/class/net')" \
  "$(printf 'vm-box\nisoscope\nlo')" "-p -m -u -i -n: hostname, a new proc whose pid 1 is init, only lo"
"$I" run -p -- sh -c 'exit 42'
is "$?" 42 "the command's exit status passes through init"

rmdir "$CG/rv2-busy" "$CG/rv2-deleg" 2>/dev/null
rm -f /tmp/rv2.cg /tmp/rv2.ready /tmp/rv2.err
guest_done
