#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# prepare.sh: fetch what the pure cgroup v2 test VM needs (qemu, busybox-static, a Debian kernel).
#
# Usage: tests/vm/prepare.sh [-q] [--update]
#
# Idempotent. On success it prints the path of the cached kernel image on stdout and exits 0;
# everything else goes to stderr (-q keeps it quiet unless something fails). Once a kernel is
# cached it is used as it is, so that test runs stay reproducible and fast (resolving the package
# costs apt-cache 1.5 s); --update asks apt which package linux-image-amd64 depends on now and
# fetches it when it differs from the cached one. Exit status:
#   0   ready
#   77  a prerequisite cannot be had here (no qemu or busybox-static and not root, no network,
#       no kernel package): tests should skip with the message printed on stderr
#   1   anything else (a kernel without the features the VM tests need, a broken cache …)
#
# Environment:
#   VM_CACHE       cache directory (default tests/vm/cache, which git ignores)
#   VM_KERNEL_PKG  kernel package to use (default: what linux-image-amd64 depends on)
#   VM_BUSYBOX     a static busybox to use instead of /bin/busybox
#
# The cache holds vmlinuz, the kernel's config, kernel.env (package, version, release) and
# vmlinux, the uncompressed ELF image decompressed out of vmlinuz: qemu boots that one through its
# PVH entry point, which spares the guest the decompression, about 2 s of TCG time per boot. The
# .deb is removed once they are extracted. Every feature the VM tests use is built into the
# Debian kernel (checked below), so no module is extracted or loaded.

set -u

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VM_CACHE:-$VM_DIR/cache}
QUIET=0
UPDATE=0
for arg; do
  case $arg in
    -q) QUIET=1 ;;
    --update) UPDATE=1 ;;
    *)
      echo "usage: $0 [-q] [--update]" >&2
      exit 1
      ;;
  esac
done

# Options the VM tests rely on, all of which must be built in (=y).
REQUIRED_CONFIG="CGROUPS MEMCG CGROUP_PIDS CGROUP_SCHED FAIR_GROUP_SCHED CFS_BANDWIDTH BLK_CGROUP
CPUSETS PSI USER_NS PID_NS NET_NS UTS_NS IPC_NS BLK_DEV_INITRD RD_GZIP DEVTMPFS TMPFS SHMEM
SERIAL_8250 SERIAL_8250_CONSOLE BINFMT_SCRIPT"

say() { [ "$QUIET" -eq 1 ] || echo "prepare.sh: $*" >&2; }
warn() { echo "prepare.sh: $*" >&2; }
cannot() { # cannot MESSAGE: a prerequisite is missing; the caller should skip
  warn "$*"
  exit 77
}
die() {
  warn "$*"
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" -eq 1 ] && return 0
  APT_UPDATED=1
  say "running apt-get update"
  apt-get -qq update >&2
}

# A busybox that runs without any shared library: the one from busybox-static.
static_busybox() {
  local bb
  for bb in "${VM_BUSYBOX:-}" /bin/busybox /usr/bin/busybox; do
    if [ -z "$bb" ] || [ ! -x "$bb" ]; then
      continue
    fi
    if ! ldd "$bb" >/dev/null 2>&1; then
      echo "$bb"
      return 0
    fi
  done
  return 1
}

# ensure_tools: qemu-system-x86_64 and a static busybox, installed with apt-get when root.
ensure_tools() {
  local missing=()
  command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
  static_busybox >/dev/null || missing+=(busybox-static)
  command -v dpkg-deb >/dev/null 2>&1 || cannot "dpkg-deb is missing: the VM tests need a Debian system"
  [ "${#missing[@]}" -eq 0 ] && return 0

  if ! is_root; then
    cannot "${missing[*]} not installed and not root: run 'apt-get install ${missing[*]}' as root," \
      "or run the tests as root so that this script installs them"
  fi
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${missing[@]}" >&2; then
    apt_update_once || cannot "apt-get update failed (no network?): cannot install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${missing[@]}" >&2 ||
      cannot "apt-get install ${missing[*]} failed (no network?)"
  fi
  command -v qemu-system-x86_64 >/dev/null 2>&1 || cannot "qemu-system-x86_64 still missing after install"
  static_busybox >/dev/null || cannot "no static busybox after installing busybox-static"
}

# kernel_pkg: the versioned image package (linux-image-6.1.0-NN-amd64) the meta package pulls in.
kernel_pkg() {
  if [ -n "${VM_KERNEL_PKG:-}" ]; then
    echo "$VM_KERNEL_PKG"
    return 0
  fi
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# cached_ok: the cache holds a kernel (of package $1 when given).
cached_ok() {
  local f
  for f in vmlinuz config kernel.env; do
    [ -s "$CACHE/$f" ] || return 1
  done
  [ -z "${1:-}" ] || grep -qx "PKG=$1" "$CACHE/kernel.env"
}

# extract_vmlinux VMLINUZ DEST: decompress the ELF kernel inside a bzImage (the xz stream after the
# setup code; Debian's amd64 kernels are CONFIG_KERNEL_XZ). Fails when there is none to be had.
extract_vmlinux() {
  local off
  command -v xz >/dev/null 2>&1 || return 1
  for off in $(LC_ALL=C grep -abo $'\xfd7zXZ' "$1" | cut -d: -f1 | head -n 4); do
    tail -c "+$((off + 1))" "$1" | xz -dc --single-stream >"$2.tmp" 2>/dev/null
    if [ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      mv -f "$2.tmp" "$2"
      return 0
    fi
  done
  rm -f "$2.tmp"
  return 1
}

check_config() { # check_config CONFIG-FILE
  local opt missing=()
  for opt in $REQUIRED_CONFIG; do
    grep -qx "CONFIG_$opt=y" "$1" || missing+=("CONFIG_$opt")
  done
  [ "${#missing[@]}" -eq 0 ] || die "kernel config lacks (as =y): ${missing[*]}"
}

TMP=
cleanup() { [ -z "$TMP" ] || rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

fetch_kernel() { # fetch_kernel PACKAGE
  local pkg=$1 deb ver rel
  TMP=$(mktemp -d "$CACHE/.fetch.XXXXXX") || die "cannot create a directory in $CACHE"
  say "downloading $pkg"
  local apt_opts=()
  # As root, apt would drop to the _apt user, who cannot write here, and warn: stay root instead.
  is_root && apt_opts=(-o APT::Sandbox::User=root)
  if ! (cd "$TMP" && apt-get -qq "${apt_opts[@]}" download "$pkg" >&2); then
    return 1
  fi
  deb=$(find "$TMP" -maxdepth 1 -name '*.deb' | head -n1)
  [ -n "$deb" ] || return 1
  ver=$(dpkg-deb -f "$deb" Version) || die "cannot read $deb"
  say "extracting the kernel from $(basename "$deb")"
  mkdir "$TMP/x"
  dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$TMP/x" --wildcards './boot/vmlinuz-*' './boot/config-*' ||
    die "cannot extract /boot from $deb"
  rm -f "$deb"
  rel=$(find "$TMP/x/boot" -name 'vmlinuz-*' | head -n1)
  [ -n "$rel" ] || die "$pkg holds no /boot/vmlinuz-*"
  rel=${rel##*/vmlinuz-}
  [ -s "$TMP/x/boot/config-$rel" ] || die "$pkg holds no /boot/config-$rel"
  check_config "$TMP/x/boot/config-$rel"
  # Debian 12 builds PSI in and enabled; a kernel that has it disabled by default needs psi=1
  # (which run.sh passes anyway).
  local psi_opt=""
  grep -qx 'CONFIG_PSI_DEFAULT_DISABLED=y' "$TMP/x/boot/config-$rel" && psi_opt="psi=1"
  printf 'PKG=%s\nVERSION=%s\nRELEASE=%s\nPSI_BOOT_OPTION=%s\n' "$pkg" "$ver" "$rel" "$psi_opt" \
    >"$TMP/kernel.env"
  # Replace the cached files in an order that never leaves a kernel.env naming the wrong image.
  rm -f "$CACHE/kernel.env" "$CACHE/vmlinux"
  if ! mv -f "$TMP/x/boot/config-$rel" "$CACHE/config" ||
    ! mv -f "$TMP/x/boot/vmlinuz-$rel" "$CACHE/vmlinuz" ||
    ! mv -f "$TMP/kernel.env" "$CACHE/kernel.env"; then
    die "cannot fill $CACHE"
  fi
  extract_vmlinux "$CACHE/vmlinuz" "$CACHE/vmlinux" ||
    warn "cannot decompress vmlinux out of vmlinuz: the VM boots vmlinuz, 2 s slower"
  say "cached $pkg $ver (kernel $rel) in $CACHE"
}

ensure_kernel() {
  local pkg
  # kernel.env is written last: once it is there, the cache is complete (and may be read-only).
  if [ "$UPDATE" -eq 0 ] && [ -z "${VM_KERNEL_PKG:-}" ] && cached_ok; then
    return 0
  fi
  mkdir -p "$CACHE" || die "cannot create $CACHE"
  # Parallel test runs share the cache: one fills it, the others wait and then find it filled.
  exec 9>>"$CACHE/.lock" || die "cannot write to $CACHE (set VM_CACHE to a directory of yours)"
  flock 9 || die "cannot lock $CACHE/.lock"
  if [ "$UPDATE" -eq 0 ] && [ -z "${VM_KERNEL_PKG:-}" ] && cached_ok; then
    return 0
  fi
  pkg=$(kernel_pkg)
  if [ -z "$pkg" ] && is_root; then
    apt_update_once && pkg=$(kernel_pkg)
  fi
  if [ -z "$pkg" ]; then
    cached_ok && {
      say "cannot resolve linux-image-amd64; using the cached kernel"
      return 0
    }
    cannot "apt-cache cannot resolve linux-image-amd64 (run apt-get update as root?)"
  fi
  cached_ok "$pkg" && return 0
  fetch_kernel "$pkg" && return 0
  # A stale package list names a package the mirror no longer has: refresh once and retry.
  if is_root && [ -z "${VM_KERNEL_PKG:-}" ] && [ "$APT_UPDATED" -eq 0 ] && apt_update_once; then
    cleanup
    TMP=
    pkg=$(kernel_pkg)
    if [ -n "$pkg" ]; then
      cached_ok "$pkg" && return 0
      fetch_kernel "$pkg" && return 0
    fi
  fi
  if cached_ok; then
    warn "cannot download $pkg (no network?); using the cached kernel $(grep '^PKG=' "$CACHE/kernel.env")"
    return 0
  fi
  cannot "cannot download the kernel package $pkg (no network?)"
}

ensure_tools
ensure_kernel
if [ -s "$CACHE/vmlinux" ]; then
  echo "$CACHE/vmlinux"
else
  echo "$CACHE/vmlinuz"
fi
