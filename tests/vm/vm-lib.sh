# SPDX-License-Identifier: GPL-2.0-or-later
# vm-lib.sh: host side of the VM tests: skip when no VM can be had, relay a guest script's TAP.
# shellcheck shell=bash
#
# Source it after tests/lib/tap.sh:
#   vm_require                          skip_all unless isoscope is built and prepare.sh succeeds
#   vm_tap SCRIPT [FILE[=DEST]...]      run SCRIPT in the VM (see run.sh) with guest-tap.sh beside
#                                       it and re-emit its tests, numbered, as this test's own
# and set `trap vm_cleanup EXIT`.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_TMP=

vm_cleanup() {
  [ -z "$VM_TMP" ] || rm -rf "$VM_TMP"
  VM_TMP=
}

vm_require() {
  local msg rc line
  [ -x "$ISOSCOPE" ] || skip_all "isoscope is not built ($ISOSCOPE)"
  command -v timeout >/dev/null || skip_all "coreutils timeout is missing"
  msg=$("$VM_DIR/prepare.sh" 2>&1 >/dev/null)
  rc=$?
  # What prepare.sh did (a first download, an install) is worth a line in the log; when it gives
  # up, its last line is the reason to skip.
  if [ "$rc" -eq 77 ]; then
    while IFS= read -r line; do diag "$line"; done < <(sed '$d' <<<"$msg")
    skip_all "no pure cgroup v2 VM here: $(tail -n1 <<<"$msg")"
  fi
  [ -z "$msg" ] || while IFS= read -r line; do diag "$line"; done <<<"$msg"
  case $rc in
    0) return 0 ;;
    *)
      ok 1 "tests/vm/prepare.sh prepares the VM (exit $rc)"
      done_testing
      exit 1
      ;;
  esac
}

# vm_tap SCRIPT [FILES...]: the guest's "ok"/"not ok" lines become this test's (renumbered; SKIP
# directives kept), its "#" lines pass as they are, anything else becomes a diagnostic. A last
# test checks that the script ran to its end: exit 0, or 1 after failing tests of its own.
vm_tap() {
  local script=$1 rc line rest guest_failed=0
  shift
  [ -n "$VM_TMP" ] || VM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/isoscope-vm-tap.XXXXXX") || return 1
  "$VM_DIR/run.sh" "$script" "$VM_DIR/guest-tap.sh" "$@" >"$VM_TMP/out" 2>"$VM_TMP/err"
  rc=$?
  while IFS= read -r line; do
    case $line in
      "ok" | "ok "* | "not ok" | "not ok "*)
        rest=${line#not }
        rest=${rest#ok}
        rest=${rest#"${rest%%[!0-9 ]*}"} # the number, if the guest gave one
        rest=${rest#- }
        if [ "${line%%ok*}" = "not " ]; then
          guest_failed=1
          ok 1 "$rest"
        else
          ok 0 "$rest"
        fi
        ;;
      "#"*) echo "$line" ;;
      "1.."* | "") ;;
      *) diag "vm: $line" ;;
    esac
  done <"$VM_TMP/out"
  while IFS= read -r line; do
    diag "vm stderr: $line"
  done <"$VM_TMP/err"
  local name
  name=$(basename "$script")
  case $rc in
    0) ok 0 "$name ran to its end in the VM" ;;
    1) ok "$((1 - guest_failed))" "$name ran to its end in the VM (exit 1)" ;;
    77) skip "$name ran to its end in the VM" "the VM became unavailable" ;;
    124) ok 1 "$name ran to its end in the VM: timed out" ;;
    125) ok 1 "$name ran to its end in the VM: the VM failed" ;;
    126) ok 1 "$name ran to its end in the VM: run.sh could not start it" ;;
    *) ok 1 "$name ran to its end in the VM: exit $rc" ;;
  esac
  return "$rc"
}
