#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replay.t: `isoscope top --load RECORD` through tmux and in batch mode, on a record the test makes
# while it starts a process of its own between samples: the header shows each sample's time and
# number, the keys step, jump and play, the views and the detail pane show the sample, and the
# keys that act on the host are refused.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"
# shellcheck source=../lib/tui.sh disable=SC1091
. "$TESTDIR/../lib/tui.sh"

[ -x "$ISOSCOPE" ] || {
  echo "Bail out! no isoscope binary at $ISOSCOPE (run make first)"
  exit 1
}
require_tmux
command -v python3 >/dev/null || skip_all "python3 is needed to read the record"

cleanup() {
  tui_cleanup
  ns_cleanup
}
trap cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

okw() {
  ok "$1" "$2"
  [ "$1" -eq 0 ] || tui_cap | sed 's/^/#   | /'
}
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }

# A record of four samples 1 s apart; MARK (a sleep with a name of its own) appears after the
# first one, and a CPU burner runs throughout.
MARK=isoscope-replay-mark-$$
REC=$tmp/host.rec
bash -c 'while :; do :; done' &
BURNER=$!
track_pid "$BURNER"
"$ISOSCOPE" record -o "$REC" --interval 1 --count 4 2>/dev/null &
RECORDER=$!
wait_until 15 has_lines "$REC" 2 || {
  echo "Bail out! the recorder wrote no sample"
  exit 1
}
bash -c "exec -a $MARK sleep 600" &
MARKPID=$!
track_pid "$MARKPID"
wait "$RECORDER"
is "$(lines "$REC")" 5 "a record of four samples"
kill_tracked "$BURNER"
# hh:mm:ss of each sample, as the header prints it (local time)
mapfile -t WHEN < <(python3 -c '
import json, sys, time
for l in open(sys.argv[1]).readlines()[1:]:
    print(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(json.loads(l)["time"])))' "$REC")

# ---- batch ----
"$ISOSCOPE" --load "$REC" top -b --no-color >"$tmp/batch" 2>"$tmp/batch.err"
is "$?" 0 "top --batch --load: status 0"
is "$(grep -c '^isoscope top - replay ' "$tmp/batch")" 4 "it prints the four samples, without waiting, and stops"
is "$(grep '^isoscope top - replay ' "$tmp/batch" | sed 's/.*replay \(.\{19\}\)  sample \([0-9]*\/[0-9]*\).*/\1 \2/' | paste -sd'|')" \
  "${WHEN[0]} 1/4|${WHEN[1]} 2/4|${WHEN[2]} 3/4|${WHEN[3]} 4/4" "each header has the sample's date, time and number"
# MARK is in samples 2-4 only: split the output at the headers.
awk -v m="$MARK" '/^isoscope top - replay/ { n++ } index($0, m) { seen[n] = 1 } END { for (i = 1; i <= n; i++) printf "%d", seen[i] ? 1 : 0 }' "$tmp/batch" >"$tmp/seen"
is "$(cat "$tmp/seen")" "0111" "the process started after the first sample shows from the second on"
"$ISOSCOPE" --load "$REC" top -b -J -n 2 >"$tmp/batch.json"
is "$(python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
rows = docs[1]["rows"]
burner = [r for r in rows if r.get("pid") == int(sys.argv[2])]
first = [r for r in docs[0]["rows"] if r.get("pid") == int(sys.argv[2])]
print(len(docs), round(docs[1]["interval"]), bool(first) and "cpu_percent" not in first[0],
      bool(burner) and 5 < burner[0].get("cpu_percent", 0) <= 100)' "$tmp/batch.json" "$BURNER" 2>&1)" \
  "2 1 True True" "top -b -J: no CPU% in the first sample; in the second, from the one before (the burner: 5-100%)"
T3=$(python3 -c 'import json,sys; print(repr(json.loads(open(sys.argv[1]).readlines()[3])["time"]))' "$REC")
"$ISOSCOPE" --load "$REC" --at "@$T3" top -b -n 1 | head -n 1 >"$tmp/at"
grep -q "sample 3/4" "$tmp/at"
ok $? "--at (the third sample's time) opens at the third sample"

# ---- the TUI ----
tui_start --load "$REC" top -d 0.3 --no-color
tui_wait 15 "isoscope top - replay ${WHEN[0]}  sample 1/4"
okw $? "the TUI opens at the first sample, its time in the header"
tui_wait 15 "sample 4/4"
okw $? "it plays the samples, one per refresh"
tui_wait 5 "the end of the record"
okw $? "and stops at the last one"
tui_keys ','
tui_wait 5 "sample 3/4"
okw $? ", goes one sample back"
tui_keys ','
tui_wait 5 "sample 2/4"
tui_keys '.'
tui_wait 5 "sample 3/4"
okw $? ". goes one sample forward"
tui_keys '{'
tui_wait 5 "sample 1/4"
okw $? "{ goes back a minute (to the first sample of this short record)"
tui_wait 3 "PAUSED"
okw $? "stepping pauses"
tui_keys '}'
tui_wait 5 "sample 4/4"
okw $? "} goes forward a minute (to the last sample)"
tui_keys '/' "$MARK" Enter
tui_wait 5 "$MARK"
okw $? "the views show the sample's processes (search finds MARK)"
tui_keys i
tui_wait 5 "pid $MARKPID (sleep)"
okw $? "the detail pane shows the selected process of the sample"
tui_keys i k
tui_wait 5 "not while replaying a record"
okw $? "k (a signal) is refused while replaying"
kill -0 "$MARKPID" 2>/dev/null
ok $? "and MARK is still alive"
tui_keys ','
tui_keys ','
tui_keys ','
tui_wait 5 "sample 1/4"
tui_keys 3
tui_wait 5 "cgroups view"
okw $? "the cgroups view works on a sample"
tui_keys q
tui_wait 5 "TUI-EXIT:0"
okw $? "q quits with status 0"

done_testing
