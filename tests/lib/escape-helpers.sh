# SPDX-License-Identifier: GPL-2.0-or-later
# escape-helpers.sh: the sandboxes of the escape tests (isoscope run under a profile, and bubblewrap
# with the same intent), the attack probe, and the table that sets our outcome beside bwrap's.
# Source after tap.sh, ns-helpers.sh and run-helpers.sh; call escape_setup once $tmp exists.
# shellcheck shell=bash
# shellcheck disable=SC2154 # $tmp is the test's temporary directory

ESC_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ESC_ROOT=''  # a busybox root filesystem with the probe as /bin/probe
ESC_ROWS=()  # "ATTACK<TAB>OURS<TAB>BWRAP" rows of the comparison table

# escape_setup: build the probe (static, so that it runs in any root) and the root filesystem.
escape_setup() {
  command -v cc >/dev/null || skip_all "no C compiler to build tests/lib/escape-probe.c"
  cc -static -O2 -o "$tmp/probe" "$ESC_LIB/escape-probe.c" 2>"$tmp/cc.err" ||
    skip_all "cannot build the probe statically: $(head -n1 "$tmp/cc.err")"
  # The sandbox's users (uid 65534 too) reach the root through $tmp.
  chmod 755 "$tmp"
  ESC_ROOT=$tmp/root
  make_busybox_rootfs "$ESC_ROOT" || skip_all "busybox (busybox-static) is needed for the sandbox's root"
  cp "$tmp/probe" "$ESC_ROOT/bin/probe" || exit 1
}

# sb PROFILE [RUN-OPTIONS...] -- CMD...: CMD in a sandbox of PROFILE with a root of its own, new mount,
# pid, network, UTS and IPC namespaces, a new /proc and a minimal /dev; stdin is /dev/null; its
# stderr goes to $tmp/err.  The exit status is isoscope's.
sb() {
  local prof=$1
  shift
  "$ISOSCOPE" run --profile "$prof" --rootfs "$ESC_ROOT" -m -p -n -u -i --mount-proc --dev /dev "$@" \
    </dev/null 2>>"$tmp/err"
}

# bw [BWRAP-OPTIONS...] -- CMD...: the same intent with bubblewrap: the same root read-only, a new
# proc and dev, the same namespaces, a new session.
bw() {
  if [ -z "$ESC_BWRAP" ]; then
    echo "(no bwrap)"
    return 0
  fi
  bwrap --ro-bind "$ESC_ROOT" / --proc /proc --dev /dev --unshare-pid --unshare-net --unshare-uts \
    --unshare-ipc --new-session --die-with-parent "$@" </dev/null 2>>"$tmp/err"
}
ESC_BWRAP=$(command -v bwrap)

# row ATTACK OURS BWRAP: one line of the comparison table.
row() {
  ESC_ROWS+=("$1	${2:--}	${3:--}")
}

# table TITLE HEADER-OURS: print the comparison table as diagnostics.
table() {
  local r a o b
  diag ""
  diag "$1"
  diag "$(printf '%-34s %-30s %s' attack "$2" "bwrap ${ESC_BWRAP:+$(bwrap --version 2>/dev/null | awk '{ print $2 }')}")"
  for r in "${ESC_ROWS[@]}"; do
    IFS=$'\t' read -r a o b <<<"$r"
    diag "$(printf '%-34s %-30s %s' "$a" "$o" "$b")"
  done
  ESC_ROWS=()
}

# field NAME TEXT: the word after NAME on the line of TEXT that starts with NAME (probe output).
field() {
  awk -v n="$1" '$1 == n { print $2; exit }' <<<"$2"
}

# oneline TEXT: TEXT on one line, for diagnostics and table cells.
oneline() {
  tr '\n' ' ' <<<"$1" | sed 's/ *$//'
}
