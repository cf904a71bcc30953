#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# keys.t: man/isoscope-top.1 documents every key of the key table (`isoscope top --list-keys`, the
# table that drives the keys, the footer and the help screen) and every column of every view
# (`isoscope top --help`), in the code's order.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$TESTDIR/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"

PAGE=$ROOT/man/isoscope-top.1
[ -x "$ISOSCOPE" ] || {
  echo "Bail out! no isoscope binary at $ISOSCOPE (run make first)"
  exit 1
}

# tags SECTION [SUBSECTION-PREFIX]: the .TP tags of a section (or of its .SS subsections whose
# title starts with the prefix), as plain text.
tags() {
  awk -v sec="$1" -v want="${2-}" '
    function plain(s) {
      sub(/^\.[A-Z]+[ \t]+/, "", s); gsub(/"/, "", s)
      gsub(/\\f(\[[^]]*\]|[A-Za-z])/, "", s); gsub(/\\-/, "-", s); gsub(/\\e/, "\\", s); gsub(/\\&/, "", s)
      return s
    }
    /^\.\\"/ { next }
    /^\.SH/ { s = $0; sub(/^\.SH[ \t]+/, "", s); gsub(/"/, "", s); insec = (s == sec); inss = (want == ""); next }
    /^\.SS/ { s = $0; sub(/^\.SS[ \t]+/, "", s); gsub(/"/, "", s); inss = (want != "" && index(s, want) == 1); next }
    !insec || !inss { next }
    tp { print plain($0); tp = 0; next }
    /^\.TP/ { tp = 1 }
  ' "$PAGE"
}

# same DESC WANT GOT: equal lists, in order; the diagnostics show both.
same() {
  if [ "$2" = "$3" ]; then
    ok 0 "$1"
  else
    ok 1 "$1"
    diag "code: $(paste -sd'|' <<<"$2")"
    diag "man:  $(paste -sd'|' <<<"$3")"
  fi
}

[ -f "$PAGE" ]
ok $? "man/isoscope-top.1 exists"

same "KEYS has one item per entry of the key table, in its order" \
  "$("$ISOSCOPE" top --list-keys | cut -f1)" "$(tags KEYS)"

# The views, as --help lists their columns: " name: COL COL ...".
n=0
while read -r name cols; do
  name=${name%:}
  n=$((n + 1))
  same "VIEWS, $n ${name^}: one item per column, in the code's order" \
    "$(tr ' ' '\n' <<<"$cols")" "$(tags VIEWS "$n ")"
done < <("$ISOSCOPE" top --help | sed -n '/^Columns of the views/,/^$/p' | sed -n 's/^ \([a-z]*:\)/\1/p')
is "$n" 4 "top --help lists the columns of four views"

if command -v man >/dev/null; then
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -E UTF-8 "$PAGE" 2>&1 >/dev/null)
  is "$out" "" "man/isoscope-top.1 renders without warnings"
else
  skip "man/isoscope-top.1 renders without warnings" "man is not installed"
fi

done_testing
