#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lint.t: every shell script of the repository passes shellcheck.  The scripts are found by the
# patterns of tools/lint-shell.sh (`make lint`), so a new script is checked without being listed.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"

[ -z "${SAN_REPORTS:-}" ] || skip_all "the scripts are the same in the sanitizer pass (make check lints them)"
command -v shellcheck >/dev/null ||
  skip_all "shellcheck is not installed (Debian package shellcheck, in the TEST list of tools/install-deps.sh)"
top=$(cd "$TESTDIR/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

mapfile -t scripts < <(tools/lint-shell.sh --list)
printf '%s\n' "${scripts[@]}" >"$tmp/list"

# The finder: each kind of script there is (by name, by shebang, by directive), and no Python.
for f in tests/lib/tap.sh tests/cli/lint.t .ci/run completions/bash/isoscope; do
  grep -qxF -- "$f" "$tmp/list"
  ok $? "the script finder finds $f"
done
grep -q '\.py$' "$tmp/list"
ok $((!$?)) "the script finder leaves out the Python helpers"

# The tool reports, in the format read below: a planted unquoted expansion (SC2086).
# shellcheck disable=SC2016 # the planted script's $1 must stay unexpanded
printf '#!/bin/sh\nrm $1\n' >"$tmp/planted.sh"
shellcheck -f gcc "$tmp/planted.sh" >"$tmp/planted.out" 2>&1
grep -q "^$tmp/planted.sh:2:[0-9]*: .*\[SC2086\]" "$tmp/planted.out"
ok $? "shellcheck reports a planted finding as FILE:LINE:COL: ... [SCnnnn]"

# One run over all of them (-x follows what they source); then one result per script.
shellcheck -x -f gcc "${scripts[@]}" >"$tmp/out" 2>&1
st=$?
for f in "${scripts[@]}"; do
  awk -v f="$f:" 'index($0, f) == 1' "$tmp/out" >"$tmp/one"
  [ ! -s "$tmp/one" ]
  ok $? "shellcheck: $f"
  while IFS= read -r line; do diag "$line"; done <"$tmp/one"
done
# Anything else it printed (a file it could not read, a crash) is a failure too.
awk 'NR == FNR { want[$0 ":"]; next } { for (w in want) if (index($0, w) == 1) next; print }' \
  "$tmp/list" "$tmp/out" >"$tmp/rest"
[ ! -s "$tmp/rest" ] && { [ "$st" -eq 0 ] || [ -s "$tmp/out" ]; }
ok $? "shellcheck printed nothing else (exit $st)"
while IFS= read -r line; do diag "$line"; done <"$tmp/rest"
done_testing
