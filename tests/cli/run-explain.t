#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-explain.t: `isoscope run --explain` (text) and `--explain --json` for each profile, and for a
# profile with options beside it, against golden files read and checked line by line by hand
# (tests/cli/golden/run-explain-*.txt and .json).  The plan is resolved for the caller: the goldens
# are root's (no user namespace is added), with standard input not a terminal (so the default
# profile keeps the session).  The JSON must parse and say the same as the text.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$here/../lib/tap.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
[ "$(id -u)" -eq 0 ] || skip_all "the goldens are root's plans (without privilege a user namespace is added)"

export LC_ALL=C.UTF-8
golden=$here/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# against NAME EXT WHAT: $tmp/NAME.EXT is golden/run-explain-NAME.EXT (the first lines of the diff if not).
against() {
  local g=run-explain-$1.$2
  diff -u "$golden/$g" "$tmp/$1.$2" >"$tmp/diff"
  ok $? "$1: the $3 matches golden/$g"
  [ -s "$tmp/diff" ] && sed 's/^/# /' "$tmp/diff" | head -40
  return 0
}

# case NAME OPTIONS...: the text and JSON plans of `isoscope run OPTIONS` against the goldens.
case_of() {
  local name=$1 st
  shift
  "$ISOSCOPE" run --explain "$@" </dev/null >"$tmp/$name.txt" 2>"$tmp/$name.err"
  st=$?
  is "$st" 0 "$name: --explain exits 0"
  [ ! -s "$tmp/$name.err" ]
  ok $? "$name: --explain says nothing on stderr (weakenings are in the plan)"
  against "$name" txt text
  "$ISOSCOPE" run --explain --json "$@" </dev/null >"$tmp/$name.json" 2>/dev/null
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/$name.json" 2>"$tmp/json.err"
  ok $? "$name: the JSON parses"
  against "$name" json JSON
  # The JSON says what the text says: every step in the same order, every weakening.
  python3 - "$tmp/$name.json" "$tmp/$name.txt" <<'PY' >"$tmp/same"
import json, re, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
steps = re.findall(r"^\s*\d+\. (\S+)", text, re.M)
weak = [l.strip() for l in text.split("\nweakenings:")[1].split("\nsteps:")[0].splitlines() if l.strip() and l.strip() != "none"]
ok = steps == [s["phase"] for s in doc["steps"]] and weak == doc["weakenings"]
print("same" if ok else "differ: %s / %s" % (steps, [s["phase"] for s in doc["steps"]]))
PY
  is "$(cat "$tmp/same")" same "$name: the JSON has the text's steps and weakenings"
}

case_of strict --profile strict -- true
case_of default -- true
case_of compat --profile compat -- true
# shellcheck disable=SC2016 # $x is for the sandbox's shell
case_of mixed --profile compat --cap-drop ALL --cap-add kill --seccomp default --session always -p \
  --mount-proc --memory 64M --pids 10 --setenv A b --rlimit nofile=100 --keep-env=FOO,BAR -- sh -c 'echo $x'

# Nothing ran: --explain of a command that would leave a trace leaves none.
"$ISOSCOPE" run --explain -- touch "$tmp/ran" </dev/null >/dev/null 2>&1
[ ! -e "$tmp/ran" ]
ok $? "--explain runs nothing"
"$ISOSCOPE" run --json -- true >/dev/null 2>"$tmp/err"
is $? 1 "--json without --explain: bad usage"
done_testing
