#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sanitizer-reports.t: the last test of `make check SANITIZE=1`: no ASan, UBSan or LeakSanitizer
# report was written while the suite ran (the reports go to files in $SAN_REPORTS, see Makefile).
#
# A report in a process whose stderr a test discards, or whose exit status it does not check,
# would otherwise pass unnoticed.  Before looking, the test checks that the mechanism works: the
# binary under test has the sanitizers, and a scratch program with a planted leak and a planted
# overflow, built by the compiler of the sanitizer build and run with the suite's options, leaves its reports in $SAN_REPORTS (they are then moved
# away, so that only the suite's own reports count).

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/tap.sh disable=SC1091
. "$TESTDIR/lib/tap.sh"

[ -n "${SAN_REPORTS:-}" ] || skip_all "not a sanitizer run (make check SANITIZE=1 sets SAN_REPORTS)"
[ -d "$SAN_REPORTS" ] || {
  ok 1 "the report directory $SAN_REPORTS exists"
  done_testing
  exit 1
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The binary under test calls into both runtimes (statically linked by clang, shared by GCC).
instrumented() { # SYMBOL-PREFIX: a symbol of the binary under test starts with it
  { nm "$ISOSCOPE" 2>/dev/null; nm -D "$ISOSCOPE" 2>/dev/null; } | grep -q " $1"
}
instrumented __asan_report_
ok $? "$ISOSCOPE is built with AddressSanitizer (calls __asan_report_*)"
instrumented __ubsan_handle_
ok $? "$ISOSCOPE is built with UndefinedBehaviorSanitizer (calls __ubsan_handle_*)"

# The mechanism, on a scratch program: a leak and a signed overflow reach $SAN_REPORTS.
cat >"$tmp/probe.c" <<'EOF'
#include <limits.h>
#include <stdlib.h>
#include <string.h>
static void *volatile sink;
int
main (int argc, char **argv)
{
  volatile int n = INT_MAX;
  if (argc > 1 && strcmp (argv[1], "leak") == 0)
    {
      sink = malloc (42);
      sink = NULL;
    }
  if (argc > 1 && strcmp (argv[1], "overflow") == 0)
    n += argc;
  return n == 0;
}
EOF
probe="$tmp/isoscope-sanitizer-probe"
if ! ${SAN_CC:-cc} -g -O0 -fsanitize=address,undefined -fno-sanitize-recover=undefined -o "$probe" "$tmp/probe.c" \
  2>"$tmp/cc.err"; then
  skip "a planted leak is reported in $SAN_REPORTS" "cannot build a sanitized probe: $(head -n1 "$tmp/cc.err")"
  skip "a planted overflow is reported in $SAN_REPORTS" "cannot build a sanitized probe"
else
  for what in leak:LeakSanitizer overflow:'signed integer overflow'; do
    "$probe" "${what%%:*}" 2>"$tmp/probe.err"
    st=$?
    found=$(grep -l -- "${what#*:}" "$SAN_REPORTS"/report.isoscope-sanitizer-probe.* 2>/dev/null)
    ok $((st != 86 || ${#found} == 0)) "a planted ${what%%:*} is reported in $SAN_REPORTS and the program exits 86 (got $st)"
    [ -s "$tmp/probe.err" ] && diag "probe stderr: $(head -n3 "$tmp/probe.err")"
    for f in "$SAN_REPORTS"/report.isoscope-sanitizer-probe.*; do
      [ -e "$f" ] && mv "$f" "$tmp/"
    done
  done
fi

# The suite's own reports: there must be none.
mapfile -t reports < <(find "$SAN_REPORTS" -type f | sort)
is "${#reports[@]}" 0 "no sanitizer report was written during the test run"
# Each report's first error line; then the first five in full (the rest are often the same).
for f in "${reports[@]}"; do
  diag "$(basename "$f"): $(grep -m1 -E 'ERROR: |runtime error: ' "$f")"
done
for f in "${reports[@]:0:5}"; do
  diag "---- $f ($(wc -l <"$f") lines)"
  while IFS= read -r line; do diag "$line"; done < <(head -n 80 "$f")
done
done_testing
