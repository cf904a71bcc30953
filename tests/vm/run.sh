#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: run a shell script inside a throw-away pure cgroup v2 VM (qemu TCG) with isoscope in it.
#
# Usage: tests/vm/run.sh SCRIPT [FILE[=DEST]...]
#
# Builds an initramfs holding busybox-static (with its applet links), $ISOSCOPE as
# /usr/bin/isoscope, the shared libraries and loader it needs, every FILE (at DEST, or at
# /t/<basename> without one; dynamically linked executables bring their libraries too) and
# SCRIPT as /t/<basename>. The VM's /init mounts proc, sysfs, devtmpfs, a tmpfs on /tmp and
# cgroup2 alone on /sys/fs/cgroup, enables every v2 controller the kernel has in the root's
# cgroup.subtree_control, and runs `sh SCRIPT` as root in /t with ISOSCOPE=/usr/bin/isoscope,
# stdin /dev/null, in the root cgroup (which then may not hold processes of its children, so
# scripts create leaf cgroups for the work they limit).
#
# The script's stdout and stderr travel over their own serial ports (ttyS1, ttyS2), apart from
# the kernel console (ttyS0), so console messages never mix into them: run.sh prints the script's
# stdout on its stdout (TAP passes through unharmed) and its stderr on its stderr.
#
# Exit status: the script's own, except for these, which scripts should not use themselves:
#   77   the VM cannot be had here (prepare.sh explains on stderr): skip
#   124  the VM did not finish within VM_TIMEOUT seconds
#   125  the VM failed: no end marker (boot failure, panic, script killed the VM …)
#   126  host-side failure: bad usage, a missing file, the initramfs could not be built
# On 124 and 125 the last lines of the kernel console are printed on stderr.
#
# Environment:
#   ISOSCOPE      the binary to put in the VM (default: isoscope at the top of the repository)
#   VM_CACHE      cache directory of prepare.sh (default tests/vm/cache)
#   VM_KERNEL     boot this kernel image instead of the one prepare.sh cached
#   VM_TIMEOUT    seconds before the VM is killed (default 300)
#   VM_MEM        memory in MiB (default 1024); VM_SMP: CPUs (default 2)
#   VM_APPEND     extra kernel command line arguments
#   VM_CONSOLE    keep the kernel console log in this file
#   VM_VERBOSE=1  print the kernel console log on stderr after every run
#   SAN_REPORTS   (set by make check SANITIZE=1) the guest's sanitizer reports become files
#                 report.vm-SCRIPT.* in this directory, where tests/sanitizer-reports.t looks

set -u

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
ISOSCOPE=${ISOSCOPE:-$REPO/isoscope}
TIMEOUT=${VM_TIMEOUT:-300}
MEM=${VM_MEM:-1024}
SMP=${VM_SMP:-2}

EXIT_SKIP=77
EXIT_TIMEOUT=124
EXIT_VM=125
EXIT_HOST=126

err() { echo "run.sh: $*" >&2; }
host_fail() {
  err "$*"
  exit "$EXIT_HOST"
}

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit "$EXIT_HOST"
fi
SCRIPT=$1
shift
[ -f "$SCRIPT" ] || host_fail "no such script: $SCRIPT"
[ -x "$ISOSCOPE" ] || host_fail "no isoscope binary at $ISOSCOPE (run make, or set ISOSCOPE)"

TMP=
QEMU_PID=
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
  [ -z "$QEMU_PID" ] || kill "$QEMU_PID" 2>/dev/null
  [ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

KERNEL=$("$VM_DIR/prepare.sh" -q)
rc=$?
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq "$EXIT_SKIP" ] && exit "$EXIT_SKIP"
  host_fail "prepare.sh failed (exit $rc)"
fi
[ -z "${VM_KERNEL:-}" ] || KERNEL=$VM_KERNEL
BUSYBOX=
for bb in "${VM_BUSYBOX:-}" /bin/busybox /usr/bin/busybox; do
  if [ -n "$bb" ] && [ -x "$bb" ] && ! ldd "$bb" >/dev/null 2>&1; then
    BUSYBOX=$bb
    break
  fi
done
[ -n "$BUSYBOX" ] || exit "$EXIT_SKIP" # prepare.sh found one: only a race can get here

TMP=$(mktemp -d "${TMPDIR:-/tmp}/isoscope-vm.XXXXXX") || host_fail "cannot create a temporary directory"
ROOT=$TMP/root

# add_file SRC DEST: copy SRC (following symlinks; directories recursively) to DEST in the image.
add_file() {
  local dest=$ROOT/${2#/}
  [ -e "$dest" ] && return 0
  if ! mkdir -p "$(dirname "$dest")" || ! cp -RL "$1" "$dest"; then
    host_fail "cannot copy $1 into the image"
  fi
}

# add_libs ELF: copy the shared libraries and the loader a dynamically linked ELF needs, at the
# paths ldd names. Anything else (static, scripts, data) needs nothing.
add_libs() {
  local out line path
  [ -f "$1" ] && [ -x "$1" ] || return 0
  out=$(ldd "$1" 2>/dev/null) || return 0
  while IFS= read -r line; do
    case $line in
      *"not found"*) host_fail "$1 needs ${line%%=>*}, which is not found" ;;
      *"=> /"*)
        path=${line#*=> }
        path=${path%% (*}
        ;;
      [[:space:]]/* | /*)
        path=${line#"${line%%[![:space:]]*}"}
        path=${path%% (*}
        ;;
      *) continue ;;
    esac
    add_file "$path" "$path"
  done <<<"$out"
}

build_root() {
  local applet f src dest
  mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,t} ||
    host_fail "cannot create the image tree"
  add_file "$BUSYBOX" /bin/busybox
  while IFS= read -r applet; do
    [ -e "$ROOT/$applet" ] || [ -L "$ROOT/$applet" ] || ln -s /bin/busybox "$ROOT/$applet"
  done < <("$BUSYBOX" --list-full)
  [ -L "$ROOT/bin/sh" ] || host_fail "$BUSYBOX has no sh applet"

  add_file "$ISOSCOPE" /usr/bin/isoscope
  add_libs "$ISOSCOPE"
  for f in "$@"; do
    src=${f%%=*}
    dest=/t/$(basename "$src")
    [ "$src" = "$f" ] || dest=${f#*=}
    [ -e "$src" ] || host_fail "no such file: $src"
    add_file "$src" "$dest"
    add_libs "$src"
  done
  add_file "$SCRIPT" "/t/$(basename "$SCRIPT")"

  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$ROOT/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOT/etc/group"
  basename "$SCRIPT" >"$ROOT/etc/vm-script"
  echo "$MARKER" >"$ROOT/etc/vm-marker"
  [ -z "${SAN_REPORTS:-}" ] || : >"$ROOT/etc/vm-sanitizer"
  if ! write_init >"$ROOT/init" || ! chmod 0755 "$ROOT/init"; then
    host_fail "cannot write /init"
  fi
}

# The VM's /init. Single-quoted: nothing in it is expanded on the host.
write_init() {
  cat <<'EOF'
#!/bin/sh
# /init of the isoscope test VM, written by tests/vm/run.sh.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp ISOSCOPE=/usr/bin/isoscope
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# Pure cgroup v2, mounted as systemd mounts it; nothing else is mounted under /sys/fs/cgroup.
mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup ||
  mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
hostname isoscope-vm
ip link set lo up 2>/dev/null
enabled=
for c in cpuset cpu io memory hugetlb pids rdma misc; do
  if grep -qw "$c" /sys/fs/cgroup/cgroup.controllers && echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control; then
    enabled="$enabled $c"
  fi
done
echo "isoscope-vm: enabled controllers:$enabled"
# No line discipline processing: the host reads the bytes the script wrote.
stty -F /dev/ttyS1 raw -echo
stty -F /dev/ttyS2 raw -echo
script=$(cat /etc/vm-script)
# For a sanitizer build (run.sh wrote /etc/vm-sanitizer) the reports go to files, sent after the
# script on the stderr port, each after a marker line with its name.
if [ -e /etc/vm-sanitizer ]; then
  mkdir -m 1777 /tmp/sanitizer-reports
  o=log_path=/tmp/sanitizer-reports/report:log_exe_name=1:exitcode=86:symbolize=0
  export ASAN_OPTIONS=$o:detect_leaks=1:halt_on_error=1 LSAN_OPTIONS=$o
  export UBSAN_OPTIONS=$o:halt_on_error=1:print_stacktrace=1
fi
cd /t || exit
sh "./$script" </dev/null >/dev/ttyS1 2>/dev/ttyS2
rc=$?
for f in /tmp/sanitizer-reports/*; do
  [ -f "$f" ] || continue
  echo "$(cat /etc/vm-marker) sanitizer report ${f##*/report.}"
  cat "$f"
done >/dev/ttyS2
echo "$(cat /etc/vm-marker) rc=$rc" >/dev/ttyS1
# tcsetattr(TCSADRAIN) returns once the UARTs have sent everything.
stty -F /dev/ttyS1 raw
stty -F /dev/ttyS2 raw
echo "isoscope-vm: $script exited $rc"
poweroff -f
EOF
}

console_tail() {
  err "last lines of the kernel console:"
  tail -n 40 "$TMP/console" | tr -d '\r' | sed 's/^/  | /' >&2
}

MARKER="ISOSCOPE-VM-END-$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')"
build_root "$@"
(cd "$ROOT" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -1 >"$TMP/initrd" ||
  host_fail "cannot build the initramfs"
[ -s "$TMP/initrd" ] || host_fail "cannot build the initramfs"

# Without -enable-kvm: KVM hangs on these machines, TCG boots in seconds.
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
  -nodefaults -no-user-config -display none -no-reboot \
  -m "$MEM" -smp "$SMP" \
  -kernel "$KERNEL" -initrd "$TMP/initrd" \
  -append "console=ttyS0 panic=-1 quiet psi=1 ${VM_APPEND:-}" \
  -serial "file:$TMP/console" -serial "file:$TMP/out" -serial "file:$TMP/err" \
  </dev/null >"$TMP/qemu.log" 2>&1 &
QEMU_PID=$!
wait "$QEMU_PID"
qrc=$?
QEMU_PID=

[ -z "${VM_CONSOLE:-}" ] || cp "$TMP/console" "$VM_CONSOLE"
[ "${VM_VERBOSE:-0}" != 1 ] || tr -d '\r' <"$TMP/console" >&2

# The script's output is everything before the marker; the marker line carries its exit status.
touch "$TMP/out" "$TMP/err"
awk -v m="$MARKER" '{ sub(/\r$/, ""); i = index($0, m); if (i) { if (i > 1) print substr($0, 1, i - 1); exit } print }' \
  "$TMP/out"
# The script's stderr; sanitizer reports after it (see /init) are saved in $SAN_REPORTS.
awk -v m="$MARKER sanitizer report " -v dir="${SAN_REPORTS:-}" -v pre="report.vm-$(basename "$SCRIPT" .sh)." '
  { sub(/\r$/, "") }
  index($0, m) == 1 { out = dir == "" ? "" : dir "/" pre substr($0, length(m) + 1); next }
  out != "" { print > out; next }
  { print }' "$TMP/err" >&2
status=$(grep -a -o "$MARKER rc=[0-9]*" "$TMP/out" | tail -n1)
if [ -n "$status" ]; then
  exit "${status##*rc=}"
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
  err "the VM did not finish within $TIMEOUT s"
  console_tail
  exit "$EXIT_TIMEOUT"
fi
err "the VM stopped before the script finished (qemu exit $qrc)"
[ -s "$TMP/qemu.log" ] && sed 's/^/  qemu: /' "$TMP/qemu.log" >&2
console_tail
exit "$EXIT_VM"
