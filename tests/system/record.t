#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# record.t: `isoscope record` and `--load RECORD --at TIME` on processes and cgroups the test
# changes between samples; a recorder that is stopped or killed; bad usage.
#
# The test creates /isoscope-rec.PID in the memory and pids v1 hierarchies and the cgroup2 tree (unified/ on
# a hybrid host, the root on a pure v2 one) and starts A (a sleep) there.  A recorder takes three
# samples one second apart; once the first is in the file the test starts B (a sleep in new uts
# and ipc namespaces) and changes pids.max.  Sample 1 must show the host as it was (A only, the
# old limit), the last one as it is (A and B, the new limit), and each read-only command must
# print from the last sample what it prints from a snapshot taken once the recorder is done.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/ns-helpers.sh
. "$here/../lib/ns-helpers.sh"

require_root
command -v unshare >/dev/null || skip_all "unshare (util-linux) is needed"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
export LC_ALL=C.UTF-8
unset COLUMNS LINES

bail_out() {
  echo "Bail out! $*"
  exit 1
}

CG=/sys/fs/cgroup
NAME=isoscope-rec.$$
HDIRS=()
if [ -f "$CG/cgroup.controllers" ]; then
  HDIRS+=("$CG")
  PIDSDIR=$CG
else
  for h in memory pids unified; do
    [ -d "$CG/$h" ] && HDIRS+=("$(readlink -f "$CG/$h")")
  done
  PIDSDIR=$(readlink -f "$CG/pids")
fi
[ -d "$PIDSDIR" ] || skip_all "no pids hierarchy"

tmp=$(new_tmpdir)
track_tmpdir "$tmp"
trap ns_cleanup EXIT
trap 'exit 1' INT TERM
for d in "${HDIRS[@]}"; do
  mkdir "$d/$NAME" || bail_out "cannot create $d/$NAME"
  track_cgroup "$d/$NAME"
done
echo 20 >"$PIDSDIR/$NAME/pids.max" || bail_out "cannot set pids.max"

# launch CMD...: run CMD in the background in the test's cgroup of every hierarchy.
launch() {
  (
    for d in "${HDIRS[@]}"; do
      echo "$BASHPID" >"$d/$NAME/cgroup.procs" || exit 125
    done
    exec "$@"
  ) &
  LAUNCHED=$!
  track_pid "$LAUNCHED"
}
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }

launch sleep 600
A=$LAUNCHED
wait_until 5 grep -q sleep "/proc/$A/comm" || bail_out "A did not start"
REC=$tmp/host.rec
"$ISOSCOPE" record -o "$REC" --interval 1 --count 3 2>"$tmp/rec.err" &
RECORDER=$!
wait_until 10 has_lines "$REC" 2 || bail_out "the first sample never came"
launch unshare --uts --ipc sleep 600
B=$LAUNCHED
echo 12 >"$PIDSDIR/$NAME/pids.max"
wait_until 5 grep -q sleep "/proc/$B/comm" || bail_out "B did not start"
wait "$RECORDER"
is "$?" 0 "record --count 3 ends with status 0"
is "$(lines "$REC")" 4 "a header line and three sample lines"
is "$(python3 - "$REC" <<'PY'
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
print(ls[0]["isoscope_record"], "full" in ls[1], all("patch" in l for l in ls[2:]),
      ls[1]["time"] < ls[2]["time"] < ls[3]["time"],
      all(len(json.dumps(l)) * 2 < len(json.dumps(ls[1])) for l in ls[2:]))
PY
)" "1 True True True True" "the first sample is whole, the later ones are patches, in time order, each far smaller"

pids_in() { # pids_in ARGS...: the pids `isoscope ARGS ps -o PID --cgroup /NAME` lists, sorted
  "$ISOSCOPE" "$@" ps -n -o PID --cgroup "/$NAME" | tr -d ' ' | sort -n | paste -sd' '
}
want_first=$A
want_last=$(printf '%s\n' "$A" "$B" | sort -n | paste -sd' ')
is "$(pids_in --load "$REC" --at +0)" "$want_first" "--at +0: only A was there"
is "$(pids_in --load "$REC")" "$want_last" "without --at, the last sample: A and B"
T1=$(python3 -c 'import json,sys; l=open(sys.argv[1]).readlines(); print(repr(json.loads(l[1])["time"]))' "$REC")
T3=$(python3 -c 'import json,sys; l=open(sys.argv[1]).readlines(); print(repr(json.loads(l[3])["time"]))' "$REC")
is "$(pids_in --load "$REC" --at "@$T1")" "$want_first" "--at @EPOCH of the first sample"
is "$(pids_in --load "$REC" --at "@$T3")" "$want_last" "--at @EPOCH of the last sample"
is "$(pids_in --load "$REC" --at "$(date -d "@${T3%.*}" +%H:%M:%S)")" "$want_last" "--at HH:MM:SS (local time)"
pidsmax() { # pidsmax ARGS...: pids_max of the test's cgroup as `cgroups -J` prints it
  "$ISOSCOPE" "$@" cgroups -J "/$NAME" | python3 -c '
import json, sys
def walk(r):
    yield r
    for c in r.get("children", []): yield from walk(c)
for top in json.load(sys.stdin)["cgroups"]:
    for r in walk(top):
        if r.get("path") == sys.argv[1]: print(r.get("pids_max"))' "/$NAME"
}
is "$(pidsmax --load "$REC" --at +0)" 20 "cgroups --at +0: the old pids.max"
is "$(pidsmax --load "$REC")" 12 "cgroups, last sample: the new pids.max"
"$ISOSCOPE" --load "$REC" --at "@$(python3 -c "print($T1 - 3600)")" ps >"$tmp/out" 2>"$tmp/err"
is "$? $(grep -c "no sample at or before" "$tmp/err")" "1 1" "a time before the record: status 1, said"
"$ISOSCOPE" --load "$REC" --at "tomorrowish" ps >"$tmp/out" 2>"$tmp/err"
is "$? $(grep -c "invalid time for --at: 'tomorrowish'" "$tmp/err")" "1 1" "a bad --at: status 1, named"

# The last sample (the first one patched twice) against a snapshot of the same still host.
# The cgroup's memory counters and pressure averages move on their own (per-CPU charge
# batches, decaying averages) between the two: those lines are left out of the comparison.
SNAP=$tmp/now.json
"$ISOSCOPE" snapshot -o "$SNAP"
C_UTS=$(ns_ino "$B" uts)
moving='memory_current|memory_working_set|psi_'
# The scan summary counts the whole host at the moment of each scan (other processes come and
# go between the two): it is left out, the rest of a JSON document is compared key by key, and
# what follows the document (stderr's notes) as it is.
noscan() {
  python3 -c '
import json, sys
text = sys.stdin.read().lstrip()
try:
    doc, end = json.JSONDecoder().raw_decode(text)
except ValueError:
    sys.stdout.write(text)
    sys.exit(0)
if isinstance(doc, dict):
    doc.pop("scan", None)
json.dump(doc, sys.stdout, indent=1, sort_keys=True)
print()
sys.stdout.write(text[end:])  # what stderr said after the document'
}
for args in "ps -J --cgroup /$NAME" "caps -J $A $B" "explain -J $B" "diff $A $B" \
  "cgroups -r -o PATH,TASKS,THREADS,MEMMAX,PIDS,PIDSMAX,FROZEN /$NAME" "ls -J $C_UTS"; do
  # shellcheck disable=SC2086 # the words of ARGS on purpose
  "$ISOSCOPE" --load "$REC" $args 2>&1 | noscan | grep -Ev "$moving" >"$tmp/a"
  # shellcheck disable=SC2086
  "$ISOSCOPE" --load "$SNAP" $args 2>&1 | noscan | grep -Ev "$moving" >"$tmp/b"
  if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then
    ok 0 "$args: the record's last sample prints what a snapshot prints"
  else
    ok 1 "$args: the record's last sample prints what a snapshot prints"
    diff "$tmp/a" "$tmp/b" | head -10 | sed 's/^/#   /'
  fi
done

# A recorder stopped by SIGTERM, and one killed in the middle of a line.
REC2=$tmp/term.rec
"$ISOSCOPE" record -o "$REC2" --interval 0.3 2>"$tmp/rec2.err" &
R2=$!
wait_until 20 has_lines "$REC2" 3 || bail_out "the recorder wrote no two samples"
kill -TERM "$R2"
wait "$R2"
is "$?" 0 "SIGTERM ends a recorder with status 0"
n=$(lines "$REC2")
"$ISOSCOPE" --load "$REC2" ps -o PID >/dev/null 2>"$tmp/err"
is "$? $(grep -c incomplete "$tmp/err")" "0 0" "its record of $((n - 1)) samples loads cleanly"
size=$(wc -c <"$REC2")
last_len=$(tail -n 1 "$REC2" | wc -c)
head -c $((size - last_len / 2)) "$REC2" >"$tmp/cut.rec"
is "$(pids_in --load "$tmp/cut.rec" 2>"$tmp/err")" "$want_last" "a record cut inside its last line still loads"
is "$(grep -c "the last sample is incomplete and was ignored" "$tmp/err")" 1 "and says that the last sample was ignored"

# Bad usage: a clear message and status 1.
usage() { # usage DESC PATTERN ARGS...
  local desc=$1 pat=$2
  shift 2
  "$ISOSCOPE" "$@" >"$tmp/out" 2>"$tmp/err"
  is "$? $(grep -c -- "$pat" "$tmp/err")" "1 1" "$desc"
}
usage "record without -o" "-o <file> is needed" record --count 1
usage "record --count 0" "invalid count: '0'" record -o "$tmp/x" --count 0
usage "record --interval -1" "invalid interval: '-1'" record -o "$tmp/x" --interval -1
usage "--count with --duration" "mutually exclusive" record -o "$tmp/x" --count 2 --duration 5
usage "record --load" "works on the live one" --load "$REC" record -o "$tmp/x" --count 1
usage "record into a missing directory" "cannot open $tmp/nodir/x" record -o "$tmp/nodir/x" --count 1
usage "--at without --load" "--at +0 needs --load FILE" --at +0 ps
usage "--at without --load (cgroups)" "--at +0 needs --load FILE" --at +0 cgroups
usage "--at without --load (top)" "--at +0 needs --load FILE" --at +0 top -b -n 1
usage "--load with --sysroot" "exclude each other" --load "$REC" --sysroot / ps
usage "cgroups --interval with --load" "interval measures the live host" --load "$REC" cgroups --interval 1
printf '{"isoscope_record": 1}\n{"time": 5, "full": {"schema_version": 1}}\n{"time": 4, "patch": {}}\n' >"$tmp/bad.rec"
usage "a record going back in time" "bad.rec: line 3" --load "$tmp/bad.rec" ps

done_testing
