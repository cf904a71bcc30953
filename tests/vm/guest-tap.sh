# SPDX-License-Identifier: GPL-2.0-or-later
# guest-tap.sh: TAP and cgroup helpers for scripts run inside the test VM (busybox sh).
# shellcheck shell=sh
#
# vm_tap (tests/vm/vm-lib.sh) puts this file at /t/guest-tap.sh; a guest script sources it with
# `. ./guest-tap.sh` and ends with `guest_done`. Tests are printed unnumbered ("ok - …"): the host
# numbers them as it relays them, so that its own tests and the guest's share one plan.
# The helpers' own variables start with gt_ (POSIX sh has no local).

GT_FAILED=0

ok() { # ok STATUS DESCRIPTION: passes when STATUS is 0
  gt_st=$1
  shift
  if [ "$gt_st" -eq 0 ] 2>/dev/null; then
    echo "ok - $*"
  else
    echo "not ok - $*"
    GT_FAILED=$((GT_FAILED + 1))
  fi
}

diag() { echo "# $*"; }

skip() { echo "ok - $1 # SKIP $2"; } # skip DESCRIPTION REASON

check() { # check DESCRIPTION -- CMD ARGS...: passes when the command exits 0
  gt_desc=$1
  shift
  [ "$1" = "--" ] && shift
  "$@"
  ok $? "$gt_desc"
}

is() { # is GOT WANT DESCRIPTION
  if [ "$1" = "$2" ]; then
    ok 0 "$3"
  else
    ok 1 "$3"
    diag "  got:  '$1'"
    diag "  want: '$2'"
  fi
}

ge() { # ge GOT MIN DESCRIPTION: GOT is an integer no less than MIN
  if [ "$1" -ge "$2" ] 2>/dev/null; then
    ok 0 "$3"
  else
    ok 1 "$3"
    diag "  got:  '$1'"
    diag "  want: an integer >= $2"
  fi
}

# keyed FILE KEY: the value of KEY in a flat keyed file (memory.events, cpu.stat, pids.events …);
# empty when the key or the file is missing.
keyed() {
  awk -v k="$2" '$1 == k { print $2; found = 1; exit } END { if (!found) exit 1 }' "$1" 2>/dev/null
}

# psi_valid FILE: FILE is a PSI file: a "some" line and, except for cpu before 5.13, a "full"
# line, each "avg10=F avg60=F avg300=F total=N".
psi_valid() {
  awk '
    $1 != "some" && $1 != "full" { bad = 1 }
    $2 !~ /^avg10=[0-9]+\.[0-9][0-9]$/ || $3 !~ /^avg60=[0-9]+\.[0-9][0-9]$/ { bad = 1 }
    $4 !~ /^avg300=[0-9]+\.[0-9][0-9]$/ || $5 !~ /^total=[0-9]+$/ || NF != 5 { bad = 1 }
    $1 == "some" { some = 1 }
    END { exit (bad || !some || NR < 1) }' "$1" 2>/dev/null
}

# psi_total FILE some|full: the total= of that line, in microseconds.
psi_total() {
  awk -v k="$2" '$1 == k { sub(/^total=/, "", $5); print $5; exit }' "$1" 2>/dev/null
}

# wait_for SECONDS CMD ARGS...: retry CMD every 0.1 s until it succeeds or SECONDS pass.
wait_for() {
  gt_n=$(($1 * 10))
  shift
  while ! "$@"; do
    gt_n=$((gt_n - 1))
    [ "$gt_n" -gt 0 ] || return 1
    sleep 0.1
  done
}

# cg_empty CGROUP-DIR: no process is left in the cgroup or below it.
cg_empty() { [ "$(keyed "$1/cgroup.events" populated)" = 0 ]; }

# cg_remove CGROUP-DIR: kill everything in it (cgroup.kill) and remove it.
cg_remove() {
  [ -d "$1" ] || return 0
  echo 1 >"$1/cgroup.kill" 2>/dev/null
  wait_for 10 cg_empty "$1"
  rmdir "$1"
}

guest_done() { # exit 1 when a test failed, else 0
  [ "$GT_FAILED" -eq 0 ] && exit 0
  exit 1
}
