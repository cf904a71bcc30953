#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-unit.sh: run every unit test binary in $UNIT_DIR and merge their TAP into one stream.
#
# Each binary's results are renumbered into one sequence and prefixed with its name, so
# prove sees every assertion.  After a binary's results comes one more line that checks
# the binary itself: it exited 0 (no crash, no sanitizer report, no failed assertion) and
# printed exactly as many results as its plan says.  Its stderr is shown as diagnostics.
#
# Environment: UNIT_DIR (default: build/tests next to this script), FIXTURES (default:
# tests/fixtures/unit), UNIT_TIMEOUT in seconds per binary (default 120).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
unit_dir=${UNIT_DIR:-$here/../build/tests}
export FIXTURES=${FIXTURES:-$here/fixtures/unit}
timeout_s=${UNIT_TIMEOUT:-120}
# Unit tests find the repository-relative fixture tree and generator from the top directory.
cd "$here/.." || exit 1

n=0
failed=0
emit() { # emit STATUS DESCRIPTION: one renumbered result ("ok" or "not ok")
  n=$((n + 1))
  echo "$1 $n - $2"
}
diag_file() { # show a file as "# " lines
  [ -s "$1" ] && sed 's/^/# /' "$1"
}

binaries=()
if [ -d "$unit_dir" ]; then
  for b in "$unit_dir"/test-*; do
    [ -f "$b" ] && [ -x "$b" ] && binaries+=("$b")
  done
fi
if [ ${#binaries[@]} -eq 0 ]; then
  emit "not ok" "no unit test binaries (test-*) in '$unit_dir': run 'make unit' or set UNIT_DIR"
  echo "1..$n"
  exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for b in "${binaries[@]}"; do
  name=$(basename "$b")
  if command -v timeout >/dev/null; then
    timeout -k 5 "$timeout_s" "$b" >"$tmp/out" 2>"$tmp/err"
  else
    "$b" >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
  count=0
  plan=""
  skip_reason=""
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^(not\ ok|ok)\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
      count=$((count + 1))
      emit "${BASH_REMATCH[1]}" "$name: ${BASH_REMATCH[3]}"
    elif [[ $line =~ ^1\.\.([0-9]+)(\ *#\ *[Ss][Kk][Ii][Pp]\ *(.*))?$ ]]; then
      plan=${BASH_REMATCH[1]}
      skip_reason=${BASH_REMATCH[3]}
    elif [[ $line =~ ^Bail\ out! ]]; then
      emit "not ok" "$name: ${line}"
    elif [[ $line =~ ^# ]]; then
      echo "$line"
    else
      echo "# $name: $line"
    fi
  done <"$tmp/out"

  if [ "$plan" = 0 ] && [ -n "$skip_reason" ] && [ "$rc" -eq 0 ]; then
    emit "ok" "$name # SKIP $skip_reason"
    continue
  fi
  why=""
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    why="timed out after ${timeout_s}s"
  elif [ "$rc" -gt 128 ]; then
    why="killed by signal $((rc - 128))"
  elif [ "$rc" -ne 0 ]; then
    why="exited with status $rc"
  elif [ -z "$plan" ]; then
    why="printed no plan"
  elif [ "$plan" -ne "$count" ]; then
    why="planned $plan results but printed $count"
  fi
  if [ -z "$why" ]; then
    emit "ok" "$name: exited 0 after $count results"
    diag_file "$tmp/err"
  else
    failed=$((failed + 1))
    emit "not ok" "$name: $why"
    diag_file "$tmp/err"
  fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
