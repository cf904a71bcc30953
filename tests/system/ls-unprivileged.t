#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ls-unprivileged.t: isoscope ls run as nobody lists what it can and counts what it cannot.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v setpriv >/dev/null || skip_all "util-linux setpriv is not installed"
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"

NOBODY=65534
AS_NOBODY=(setpriv "--reuid=$NOBODY" "--regid=$NOBODY" --clear-groups)
as_nobody() { "${AS_NOBODY[@]}" "$@"; }

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# The binary must be reachable by nobody: copy it out of a private tree when it is not.
ISO=$ISOSCOPE
if ! as_nobody test -x "$ISO"; then
  mkdir "$tmp/bin" && cp "$ISOSCOPE" "$tmp/bin/isoscope" &&
    chmod 0755 "$tmp" "$tmp/bin" "$tmp/bin/isoscope"
  ISO=$tmp/bin/isoscope
  diag "nobody cannot run $ISOSCOPE: using a copy in $tmp/bin"
fi
as_nobody test -x "$ISO"
ok $? "setup: nobody can execute $ISO"

as_nobody "$ISO" ls -J -l >"$tmp/ls.json" 2>"$tmp/err"
ok $? "as nobody: isoscope ls -J -l exits 0"
nsjson valid "$tmp/ls.json"
ok $? "as nobody: it prints valid JSON"

# The namespaces of a process of nobody's own (all its ns links, *_for_children included).
# shellcheck disable=SC2016 # $f is the inner sh's
as_nobody sh -c 'for f in /proc/self/ns/*; do readlink "$f"; done' | sort -u >"$tmp/own"
[ -s "$tmp/own" ]
ok $? "setup: nobody can read its own /proc/self/ns links ($(wc -l <"$tmp/own") namespaces)"
missing=()
while IFS= read -r link; do
  t=${link%%:*}
  n=${link##*[}
  n=${n%]}
  [ "$(nsjson field "$tmp/ls.json" "$n" type)" = "$t" ] || missing+=("$link")
done <"$tmp/own"
is "${missing[*]}" "" "as nobody: isoscope lists every namespace of nobody's own process"

denied=$(sed -nE 's/^isoscope: ([0-9]+) process(es)? could not be fully inspected \(permission denied\).*/\1/p' "$tmp/err")
if [ -n "$denied" ] && [ "$denied" -gt 0 ]; then
  ok 0 "as nobody: stderr says $denied processes could not be fully inspected (permission denied)"
else
  ok 1 "as nobody: stderr says how many processes could not be fully inspected (permission denied)"
  diag "stderr was: $(cat "$tmp/err")"
fi
is "$(grep -vc 'could not be fully inspected' "$tmp/err")" 0 "as nobody: nothing else on stderr"

# nobody creates its own user and net namespaces, then lists them. (setpriv runs directly in
# the background, not through a function, so that $! is the process that becomes the sleep.)
"${AS_NOBODY[@]}" unshare --user --map-root-user --net sleep 60 2>"$tmp/bg.err" &
U=$!
track_pid "$U"
if wait_until 10 ns_differs "$U" net "$(ns_ino $$ net)"; then
  ok 0 "setup: nobody's unshare --user --map-root-user --net is running as $U"
  uns=$(ns_ino "$U" user)
  nns=$(ns_ino "$U" net)
  as_nobody "$ISO" ls -J -l --output-all >"$tmp/ls2.json" 2>"$tmp/err2"
  ok $? "as nobody: isoscope ls -J -l --output-all exits 0 with its own namespaces"
  has_ns "$tmp/ls2.json" "$uns" "as nobody: its user namespace $uns is listed"
  is_field "$tmp/ls2.json" "$uns" type user "as nobody: TYPE is user"
  is_field "$tmp/ls2.json" "$uns" nprocs 1 "as nobody: the user namespace has NPROCS 1"
  has_ns "$tmp/ls2.json" "$nns" "as nobody: its net namespace $nns is listed"
  is_field "$tmp/ls2.json" "$nns" type net "as nobody: TYPE is net"
  is_field "$tmp/ls2.json" "$nns" nprocs 1 "as nobody: the net namespace has NPROCS 1"
  is_field "$tmp/ls2.json" "$nns" pid "$U" "as nobody: the net namespace's PID is $U"
  is_field "$tmp/ls2.json" "$nns" ons "$uns" "as nobody: the net namespace's ONS is its user namespace"
else
  diag "unshare as nobody failed: $(cat "$tmp/bg.err")"
  ok 1 "setup: nobody's unshare --user --map-root-user --net is running"
fi

done_testing
