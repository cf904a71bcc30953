#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# churn.t: every JSON command stays correct while processes, namespaces and cgroups come and go.
#
# tests/lib/churner.c starts and ends >= 500 processes a second (many in new namespaces,
# each in a cgroup of its own that it removes after it) for a bounded time, under one
# uniquely named cgroup directory per hierarchy.  Meanwhile each command of CHURN_CMDS
# runs CHURN_RUNS times: every run must exit 0 and print JSON that parses, with a scan
# summary (a key naming "vanished" in each document); over the runs those summaries must
# have counted processes (cgroups for `cgroups`) that vanished mid-scan.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v cc >/dev/null || skip_all "no C compiler for tests/lib/churner.c"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"

CHURN_RUNS=30
CHURN_RATE=700   # what the churner is asked for
CHURN_FLOOR=500  # below this the test means nothing: it fails
# NAME|ARGS: the commands (one document per run; top prints one per refresh, NDJSON).
CHURN_CMDS=(
  "ls|ls -J"
  "ps|ps --json"
  "cgroups|cgroups --json"
  "top|top --batch --json -n 3 -d 0.1"
  "snapshot|snapshot"
)

tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
NAME=isoscope-churn-$$-$RANDOM
CHURNER_PID=

# Stop the churner (SIGTERM: it waits for its children and removes its cgroups), then
# remove whatever it left after a SIGKILL: NAME/c* and NAME in every hierarchy.
churn_stop() {
  [ -n "$CHURNER_PID" ] || return 0
  kill -TERM "$CHURNER_PID" 2>/dev/null
  wait_until 5 sh -c "! kill -0 $CHURNER_PID 2>/dev/null" || kill -KILL "$CHURNER_PID" 2>/dev/null
  wait "$CHURNER_PID" 2>/dev/null
  CHURNER_STATUS=$?
  CHURNER_PID=
}
churn_cleanup() {
  local d
  churn_stop
  for d in /sys/fs/cgroup/"$NAME" /sys/fs/cgroup/*/"$NAME"; do
    [ -d "$d" ] || continue
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
    rmdir "$d" 2>/dev/null || echo "# cannot remove $d" >&2
  done
  ns_cleanup
}
trap churn_cleanup EXIT

cc -O2 -Wall -o "$tmp/churner" "$TESTDIR/../lib/churner.c" 2>"$tmp/cc.err"
ok $? "setup: tests/lib/churner.c builds" || diag "$(cat "$tmp/cc.err")"

"$tmp/churner" 120 "$CHURN_RATE" "$NAME" >"$tmp/churner.out" 2>"$tmp/churner.err" &
CHURNER_PID=$!
track_pid "$CHURNER_PID"
wait_until 5 test -d "/sys/fs/cgroup/memory/$NAME" -o -d "/sys/fs/cgroup/$NAME"
ok $? "setup: the churner runs as $CHURNER_PID with its cgroups named $NAME"

mkdir "$tmp/out"
t0=$SECONDS
for ((i = 1; i <= CHURN_RUNS; i++)); do
  for c in "${CHURN_CMDS[@]}"; do
    name=${c%%|*}
    read -ra args <<<"${c#*|}"
    timeout 30 "$ISOSCOPE" "${args[@]}" >"$tmp/out/$name.$i" 2>"$tmp/out/$name.$i.err"
    echo "$name $i $?" >>"$tmp/rc"
  done
done
diag "$((CHURN_RUNS * ${#CHURN_CMDS[@]})) runs in $((SECONDS - t0)) s"
kill -0 "$CHURNER_PID" 2>/dev/null
ok $? "the churner was still running when the last command ended"
churn_stop
is "$CHURNER_STATUS" 0 "the churner stopped on SIGTERM and removed every cgroup it made"
diag "churner: $(cat "$tmp/churner.out") $(head -3 "$tmp/churner.err")"
read -r _ forks _ _ _ rate _ unshared _ cgroups _ failed <"$tmp/churner.out"
if [ -n "$rate" ] && [ "$rate" -ge "$CHURN_FLOOR" ]; then
  ok 0 "the churner started and ended $rate processes a second (>= $CHURN_FLOOR)"
else
  ok 1 "the churner started and ended >= $CHURN_FLOOR processes a second (got '$rate')"
fi
[ "${unshared:-0}" -gt 0 ] && [ "${cgroups:-0}" -gt 0 ] && [ "${failed:-1}" -eq 0 ]
ok $? "its $forks children: $unshared unshared namespaces, $cgroups had a cgroup each, $failed failed"
left=$(find /sys/fs/cgroup -maxdepth 2 -name "$NAME" 2>/dev/null)
is "$left" "" "no cgroup named $NAME is left in any hierarchy"

for c in "${CHURN_CMDS[@]}"; do
  name=${c%%|*}
  bad=$(awk -v n="$name" '$1 == n && $3 != 0 { printf "%s run %s: exit %s; ", $1, $2, $3 }' "$tmp/rc")
  is "$bad" "" "$name: all $CHURN_RUNS runs under churn exit 0"
  [ -z "$bad" ] || diag "stderr of a failed run: $(cat "$tmp/out/$name".*.err | grep -v 'could not be' | head -5)"
  # Every document parses and has a summary; print the vanished processes and cgroups summed.
  res=$(python3 - "$tmp/out" "$name" "$CHURN_RUNS" <<'EOF'
import json, sys
d, name, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def vanished(o, acc):
    """Sum the numbers under keys naming "vanished" (processes and cgroups apart)."""
    found = False
    if isinstance(o, dict):
        for k, v in o.items():
            if "vanished" in k and isinstance(v, (int, float)) and not isinstance(v, bool):
                acc["cgroups" if "cgroup" in k else "processes"] += v
                found = True
            elif isinstance(v, dict):
                found = vanished(v, acc) or found
    return found
acc = {"processes": 0, "cgroups": 0}
errors = []
for i in range(1, runs + 1):
    with open(f"{d}/{name}.{i}", "rb") as f:
        text = f.read()
    docs = text.splitlines() if name == "top" else [text]
    if not docs or not text.strip():
        errors.append(f"run {i}: no output")
    for n, doc in enumerate(docs):
        try:
            o = json.loads(doc)
        except ValueError as e:
            errors.append(f"run {i} document {n + 1}: {e}")
            continue
        if not vanished(o, acc):
            errors.append(f"run {i} document {n + 1}: no scan summary with a vanished count")
print("; ".join(errors[:5]) if errors else "OK", acc["processes"], acc["cgroups"])
EOF
  )
  verdict=${res% * *}
  counts=${res##"$verdict" }
  is "$verdict" "OK" "$name: every JSON document of the $CHURN_RUNS runs parses and carries its scan summary"
  procs=${counts% *}
  cgs=${counts#* }
  diag "$name: the summaries counted $procs vanished processes and $cgs vanished cgroups"
  # cgroups reads no processes; the others read no cgroup tree (ps: one that is there).
  case $name in
    cgroups) [ "${cgs:-0}" -gt 0 ] ;;
    *) [ "${procs:-0}" -gt 0 ] ;;
  esac
  ok $? "$name: the scan summaries counted what vanished mid-scan (processes $procs, cgroups $cgs)"
done

done_testing
