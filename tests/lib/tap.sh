# SPDX-License-Identifier: GPL-2.0-or-later
# tap.sh: a small TAP producer for the shell tests (source it; call done_testing at the end).
# shellcheck shell=bash

TAP_N=0
TAP_FAILED=0
: "${ISOSCOPE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/isoscope}"
export ISOSCOPE

ok() { # ok COND-STATUS DESCRIPTION
  local st=$1
  shift
  TAP_N=$((TAP_N + 1))
  if [ "$st" -eq 0 ]; then
    echo "ok $TAP_N - $*"
  else
    echo "not ok $TAP_N - $*"
    TAP_FAILED=$((TAP_FAILED + 1))
  fi
}

# check DESCRIPTION -- CMD ARGS...: runs the command, passes when it exits 0.
check() {
  local desc=$1
  shift
  [ "$1" = "--" ] && shift
  "$@"
  ok $? "$desc"
}

# is GOT WANT DESCRIPTION
is() {
  if [ "$1" = "$2" ]; then
    ok 0 "$3"
  else
    ok 1 "$3"
    echo "#   got:  '$1'"
    echo "#   want: '$2'"
  fi
}

diag() { echo "# $*"; }

skip() { # skip DESCRIPTION REASON
  TAP_N=$((TAP_N + 1))
  echo "ok $TAP_N - $1 # SKIP $2"
}

skip_all() {
  echo "1..0 # SKIP $*"
  exit 0
}

require_root() {
  [ "$(id -u)" -eq 0 ] || skip_all "needs root (run the suite as root, as CI does)"
}

done_testing() {
  echo "1..$TAP_N"
  [ "$TAP_FAILED" -eq 0 ]
}
