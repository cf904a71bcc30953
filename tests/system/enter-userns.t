#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# enter-userns.t: isoscope enter into user namespaces, and refusals that name the owning chain.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
for tool in unshare nsenter setpriv; do
  command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

NOBODY=65534
AS_NOBODY=(setpriv "--reuid=$NOBODY" "--regid=$NOBODY" --clear-groups)
as_nobody() { "${AS_NOBODY[@]}" "$@"; }

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
chmod 0755 "$tmp"
# pub: a 0755 directory nobody can reach ($tmp, unless $TMPDIR is private: then one in /tmp).
pub=$tmp
if ! as_nobody test -x "$pub"; then
  pub=$(mktemp -d /tmp/isoscope-test.XXXXXX) || exit 1
  track_tmpdir "$pub"
  chmod 0755 "$pub"
fi

# nobody must reach the binary: use a copy in pub when it cannot.
ISO=$ISOSCOPE
if ! as_nobody test -x "$ISO"; then
  mkdir "$pub/bin" && cp "$ISOSCOPE" "$pub/bin/isoscope" && chmod 0755 "$pub/bin" "$pub/bin/isoscope"
  ISO=$pub/bin/isoscope
  diag "nobody cannot run $ISOSCOPE: using a copy in $pub/bin"
fi
as_nobody test -x "$ISO"
ok $? "setup: nobody can execute $ISO"

self_user=$(ns_ino $$ user)
self_uts=$(ns_ino $$ uts)

# expect_refusal DESCRIPTION OWNER ARGS...: as nobody, isoscope enter ARGS exits 125 with
# "Operation not permitted" and names user:[OWNER] as the owner.
expect_refusal() {
  local desc=$1 owner=$2 st
  shift 2
  as_nobody "$ISO" enter "$@" >/dev/null 2>"$tmp/refusal.err"
  is $? 125 "$desc: exit 125"
  grep -q 'Operation not permitted' "$tmp/refusal.err"
  ok $? "$desc: the message says Operation not permitted"
  grep -qF "owned by user:[$owner]" "$tmp/refusal.err"
  st=$?
  ok $st "$desc: the message names the owner user:[$owner]"
  [ $st -eq 0 ] || diag "stderr: $(cat "$tmp/refusal.err")"
}

# A: nobody's own user namespace (nobody is root there) with a uts namespace it owns.
"${AS_NOBODY[@]}" unshare --user --map-root-user --uts sh -c 'hostname userns-test; exec sleep 60' 2>>"$tmp/bg.err" &
A=$!
track_pid "$A"
# R: a process of nobody's in a uts namespace that root made (owned by the initial user ns).
unshare --uts sh -c 'hostname root-owned; exec "$@"' sh "${AS_NOBODY[@]}" sleep 60 2>>"$tmp/bg.err" &
R=$!
track_pid "$R"
# S: a process of root's in a uts namespace of its own.
unshare --uts sh -c 'hostname root-target; exec sleep 60' 2>>"$tmp/bg.err" &
S=$!
track_pid "$S"
ready() {
  local p
  for p in "$A" "$R" "$S"; do
    ns_differs "$p" uts "$self_uts" && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] || return 1
  done
}
if ! wait_until 10 ready; then
  ok 1 "setup: the targets started"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/bg.err"
  done_testing
  exit
fi
A_user=$(ns_ino "$A" user)
[ "$A_user" != "$self_user" ] && [ "$(stat -c %u "/proc/$A")" = "$NOBODY" ]
ok $? "setup: nobody's target $A is in a user namespace of its own (user:[$A_user])"
is "$(stat -c %u "/proc/$R")" "$NOBODY" "setup: $R runs as nobody in a uts namespace root made"

# --- nobody enters its own user namespace and, through it, the uts namespace it owns.
is "$(as_nobody "$ISO" enter -t "$A" -U -u hostname 2>>"$tmp/err")" userns-test \
  "as nobody: -U -u hostname is the target's"
is "$(as_nobody "$ISO" enter -t "$A" -U -u id -u 2>>"$tmp/err")" 0 "as nobody: -U -u: uid 0 inside"
is "$(as_nobody "$ISO" enter -t "$A" -U -u id -g 2>>"$tmp/err")" 0 "as nobody: -U -u: gid 0 inside"
is "$(as_nobody "$ISO" enter -t "$A" -U -u readlink /proc/self/ns/user 2>>"$tmp/err")" "user:[$A_user]" \
  "as nobody: -U: the command is in the target's user namespace"
as_nobody nsenter -t "$A" -U -u hostname >/dev/null 2>"$tmp/nsenter.err"
diag "nsenter -U -u as nobody exits $? here ($(head -n1 "$tmp/nsenter.err")): util-linux 2.38 fails on setgroups when the namespace denies it"
for cmd in "id -u" "id -g" hostname; do
  # shellcheck disable=SC2086 # split cmd on purpose
  is "$(as_nobody "$ISO" enter -t "$A" --preserve-credentials -U -u $cmd 2>>"$tmp/err")" \
    "$(as_nobody nsenter -t "$A" --preserve-credentials -U -u $cmd 2>>"$tmp/err")" \
    "as nobody: --preserve-credentials -U -u $cmd: same as nsenter"
done
is "$(as_nobody "$ISO" enter -t "$A" -U -u -S 0 -G 0 id -u 2>>"$tmp/err")" 0 "as nobody: -S 0 -G 0: uid 0"
as_nobody "$ISO" enter -t "$A" -U -S 1 true 2>/dev/null
is $? 125 "as nobody: -S 1 (not mapped in the target's user namespace): exit 125"

# --- root enters the same user namespace: uid 0 outside is not mapped in there.
for cmd in "id -u" "id -g"; do
  # shellcheck disable=SC2086 # split cmd on purpose
  is "$("$ISO" enter -t "$A" --preserve-credentials -U $cmd 2>>"$tmp/err")" \
    "$(nsenter -t "$A" --preserve-credentials -U $cmd 2>>"$tmp/err")" \
    "as root: --preserve-credentials -U $cmd: same as nsenter (the overflow id)"
  # shellcheck disable=SC2086 # split cmd on purpose
  is "$("$ISO" enter -t "$A" -U $cmd 2>>"$tmp/err")" "$(nsenter -t "$A" -U $cmd 2>>"$tmp/err")" \
    "as root: -U $cmd: same as nsenter"
done
is "$("$ISO" enter -t "$A" --preserve-credentials -U id -u 2>>"$tmp/err")" "$(cat /proc/sys/kernel/overflowuid)" \
  "as root: --preserve-credentials -U: id -u is the overflow uid"

# --- refusals: nobody may not join namespaces owned by a user namespace where it has no caps.
expect_refusal "as nobody: -u without -U into nobody's own user namespace's uts" "$A_user" -t "$A" -u true
expect_refusal "as nobody: the root-owned uts namespace of nobody's process $R" "$self_user" -t "$R" -u true
as_nobody nsenter -t "$R" -u true 2>/dev/null
isnt=$?
[ "$isnt" -ne 0 ]
ok $? "as nobody: nsenter -t $R -u is refused too (exit $isnt)"

touch "$pub/utsns"
track_mount "$pub/utsns"
unshare --uts="$pub/utsns" hostname from-file 2>>"$tmp/bg.err"
ok $? "setup: a root-owned uts namespace bound onto $pub/utsns"
expect_refusal "as nobody: the uts namespace file as TARGET" "$self_user" "$pub/utsns" true
expect_refusal "as nobody: --uts=FILE" "$self_user" --uts="$pub/utsns" true
! as_nobody "$ISO" enter "$pub/utsns" true 2>&1 | grep -q 'namespace of uts namespace'
ok $? "as nobody: the refusal for a namespace file TARGET names it once"
umount "$pub/utsns"
ok $? "cleanup: unmount $pub/utsns"

# A process of root's: nobody may not even open its namespaces; that is a refusal (125), not a
# target that is gone (2).
as_nobody "$ISO" enter -t "$S" -u true 2>"$tmp/root-target.err"
st=$?
[ $st -eq 125 ]
ok $? "as nobody: a root process's uts namespace: exit 125"
grep -Eq 'not permitted|Permission denied' "$tmp/root-target.err"
ok $? "as nobody: a root process's uts namespace: the message says permission is denied"

for f in err bg.err; do
  [ -s "$tmp/$f" ] || continue
  diag "stderr ($f):"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/$f"
done
done_testing
