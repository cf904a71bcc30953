#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tui.t: the TUI driven through tmux: header, views and switching, search, filter, sort, tree,
# opening and closing rows, the detail pane, the help, resizing, ASCII and colourless drawing, and
# that the terminal is restored on q and on SIGTERM.  Every wait polls the screen (no fixed sleeps
# decide a result).

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

cleanup() {
  tui_cleanup
  ns_cleanup
}
trap cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# A process of ours with a name no other process has: argv[0] is the marker.
MARK=isoscope-tui-mark-$$
bash -c "exec -a $MARK sleep 600" &
track_pid $!
MARKPID=$!

# okw STATUS DESC: ok, and the screen as diagnostics when it failed.
okw() {
  ok "$1" "$2"
  [ "$1" -eq 0 ] || tui_cap | sed 's/^/#   | /'
}

# ---- start, header, footer ----

tui_start top -d 0.5 --no-color
tui_wait 15 "isoscope top - "
okw $? "the TUI starts and draws its header"
tui_wait_ticks 10 2
okw $? "it refreshes (the refresh number in the header grows)"
screen=$(tui_cap)
grep -q '^isoscope top - .*processes view  refresh #' <<<"$screen"
okw $? "header line 1: time, kernel, cgroup layout, view, refresh"
grep -qE '^[0-9]+ process(es)?, [0-9]+ namespaces?, ' <<<"$(sed -n 2p <<<"$screen")"
okw $? "header line 2: the counts of processes and namespaces"
grep -q ' 1 Processes   2 Namespaces   3 Cgroups   4 Containers ' <<<"$screen"
okw $? "the views line"
grep -qE '^ +PID INSIDE USER +S CPU%' <<<"$screen"
okw $? "the column header of the processes view"
grep -q 'hHelp qQuit' <<<"$(tail -n1 <<<"$screen")"
okw $? "the footer lists keys from the key table"
[ -n "$(tui_selected)" ]
okw $? "a row is selected"

# ---- views ----

for v in "2 namespaces NS" "3 cgroups CGROUP" "4 containers CONTAINER"; do
  read -r key name col <<<"$v"
  tui_keys "$key"
  tui_wait 10 "$name view  refresh" && wait_until 5 tui_has "$col"
  okw $? "key $key: the $name view with its column $col"
done
tui_keys Tab
tui_wait 10 "processes view  refresh"
okw $? "Tab after the last view: back to the processes view"
tui_keys BTab
tui_wait 10 "containers view  refresh"
okw $? "Shift-Tab: the previous view"
tui_keys 1
tui_wait 10 "processes view  refresh"
okw $? "key 1: the processes view again"

# ---- search; the selection stays on its object ----

tui_keys / "$MARK" Enter
sel_is_mark() { tui_selected | grep -q -- "$MARK"; }
wait_until 10 sel_is_mark
okw $? "/ search: the selected row is the process that matches"
grep -qE "^ *$MARKPID " <<<"$(tui_selected)"
okw $? "search: that row is pid $MARKPID"
tui_wait_ticks 10 3
sel_is_mark
okw $? "after three more refreshes (rows re-sorted by CPU) the selection is still on pid $MARKPID"
tui_keys n
wait_until 5 sel_is_mark
okw $? "n: the next match of the search is the same process (the only one)"

# ---- filter ----

tui_keys "\\" "$MARK" Enter
only_mark() {
  local rows
  rows=$(tui_cap | sed -n "5,$((TUI_H - 2))p" | grep -v '^ *$')
  [ "$(wc -l <<<"$rows")" -eq 1 ] && grep -q -- "$MARK" <<<"$rows"
}
wait_until 10 only_mark
okw $? "\\ filter: only the matching row is shown"
tui_keys "\\"
for _ in $(seq ${#MARK}); do tui_keys BSpace; done
tui_keys Enter
many_rows() { [ "$(tui_cap | sed -n "5,$((TUI_H - 2))p" | grep -cv '^ *$')" -gt 5 ]; }
wait_until 10 many_rows
okw $? "an empty filter shows every row again"

# ---- sort ----

tui_keys '>'
tui_wait 5 "sorted by RSS, descending"
okw $? "> sorts by the next column (RSS, largest first)"
grep -q 'RSS▼' <<<"$(tui_cap | sed -n 4p)"
okw $? "the sorted column is marked in the header"
tui_keys I
tui_wait 5 "sorted by RSS, ascending"
okw $? "I reverses the order"
tui_keys '<'
tui_wait 5 "sorted by CPU%"
okw $? "< sorts by the column before"
tui_keys F6
tui_wait 5 "Sort by (Enter, Esc):"
okw $? "F6 lists the columns to sort by"
tui_keys Escape
tui_wait_gone 5 "Sort by (Enter, Esc):"
okw $? "Esc closes the list"

# ---- tree ----

tui_keys t
tui_wait 5 "tree" && wait_until 10 tui_has "├─"
okw $? "t: the process tree, with tree glyphs"
tui_keys t
tui_wait 5 "flat list"
okw $? "t again: the flat list"

# ---- open and close (the cgroup tree) ----

tui_keys 3
tui_wait 10 "cgroups view  refresh"
tui_keys Home -
one_row() { tui_has "row 1 of 1"; }
wait_until 10 one_row
okw $? "cgroups: - on the root closes the tree (one row left)"
tui_keys +
wait_until 10 many_rows || wait_until 5 tui_lacks "row 1 of 1"
okw $? "+ opens it again"
# row_count: N of the status line's "row I of N".
row_count() { tui_cap | sed -n 's/^row [0-9]* of \([0-9]*\).*/\1/p'; }
tui_keys 2
tui_wait 10 "namespaces view  refresh"
tui_keys Home
tui_wait 5 "row 1 of"
before=$(row_count)
tui_keys +
more_rows() { [ "$(row_count)" -gt "$before" ]; }
wait_until 10 more_rows
okw $? "namespaces: + on the first (user) namespace lists its processes under it (rows: $before -> $(row_count))"
tui_keys -
back_rows() { [ "$(row_count)" -le "$((before + 2))" ]; }
wait_until 10 back_rows
okw $? "namespaces: - hides them again"
tui_keys 1

# ---- pause and delay ----

tui_keys ' '
tui_wait 5 "PAUSED"
okw $? "Space pauses (the views line says so)"
t0=$(tui_tick)
sleep 1.5
is "$(tui_tick)" "$t0" "paused: no refresh for 1.5 s (three delays)"
tui_keys ' '
tui_wait_ticks 5 1
okw $? "Space again: refreshes resume"
tui_keys d
tui_wait 5 "Delay (seconds): 0.5_"
okw $? "d asks for the delay, showing the current one"
tui_keys BSpace BSpace BSpace 0.3 Enter
tui_wait 5 "every 0.3s"
okw $? "the new delay is used"

# ---- the detail pane ----

tui_keys / "$MARK" Enter
wait_until 10 sel_is_mark
tui_keys Enter
tui_wait 10 "(J K scroll, Enter closes)" && tui_wait 10 "pid $MARKPID (sleep)" && tui_wait 10 "namespaces"
okw $? "Enter: the detail pane explains the selected process, layer by layer"
for _ in $(seq 34); do tui_keys J; done
tui_wait 10 "capabilities"
okw $? "J scrolls the detail pane down to the later layers"
for _ in $(seq 40); do tui_keys J; done
tui_wait 10 "findings"
okw $? "the detail pane ends with the findings"
tui_keys Enter
tui_wait_gone 10 "(J K scroll, Enter closes)"
okw $? "Enter again closes it"

# ---- help ----

tui_keys h
tui_wait 5 "isoscope top: keys (any key returns)"
okw $? "h shows the help, from the key table"
tui_has "send a signal to the selected process"
okw $? "the help describes the keys"
tui_keys x
tui_wait 5 "processes view  refresh"
okw $? "any key returns from the help"

# ---- resize ----

narrow_ok() {
  local s
  s=$(tui_cap)
  grep -q '^isoscope top - ' <<<"$s" && grep -q 'COMMAND' <<<"$s" && grep -q 'Quit' <<<"$s" &&
    python3 -c 'import sys; sys.exit(max(len(l) for l in sys.stdin.read().split("\n")) > 80)' <<<"$s"
}
tui_tmux resize-window -x 80 -y 24
wait_until 10 narrow_ok
okw $? "resized to 80x24: header, COMMAND column and footer fit in 80 columns"
sel_is_mark
okw $? "the selection survived the resize"
wide_ok() { tui_cap | sed -n 4p | grep -q 'PPID.*CGROUP'; }
tui_tmux resize-window -x 200 -y 50
wait_until 10 wide_ok
okw $? "resized to 200x50: the wide columns (PPID, CGROUP) appear"
tui_tmux resize-window -x "$TUI_W" -y "$TUI_H"

# ---- q restores the terminal ----

tui_keys q
wait_until 10 tui_exited
okw $? "q quits"
is "$(tui_exit_status)" 0 "q: exit status 0"
is "$(tui_alternate)" 0 "q: the terminal left the alternate screen"
tui_lacks "isoscope top - "
okw $? "q: the TUI's screen is gone, the shell's is back"

# ---- SIGTERM restores it too ----

tui_start top -d 0.5
tui_wait 15 "isoscope top - "
pid=$(tui_pid)
[ -n "$pid" ] && kill -TERM "$pid"
wait_until 10 tui_exited
okw $? "SIGTERM ends the TUI"
is "$(tui_exit_status)" 143 "SIGTERM: it ends by the signal (status 143) after restoring the terminal"
is "$(tui_alternate)" 0 "SIGTERM: the terminal left the alternate screen"

# ---- no command on a terminal; ASCII trees; no colours ----

tui_start
tui_wait 15 "isoscope top - "
okw $? "isoscope without a command on a terminal runs top"
tui_keys q
wait_until 10 tui_exited

tui_start LC_ALL=C -- top -d 0.5 --view namespaces
tui_wait 15 "namespaces view" && wait_until 10 tui_has '|-'
okw $? "LC_ALL=C: trees are drawn with ASCII"
tui_lacks "├─"
okw $? "LC_ALL=C: no UTF-8 glyphs"
tui_keys q
wait_until 10 tui_exited

colours() { tui_cap_e | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'; }
tui_start top -d 0.5
tui_wait 15 "isoscope top - "
wait_until 5 colours
okw $? "on a colour terminal the TUI uses colours"
tui_keys q
wait_until 10 tui_exited
tui_start NO_COLOR=1 -- top -d 0.5
tui_wait 15 "isoscope top - "
tui_wait_ticks 10 1
! colours
okw $? "NO_COLOR: no colours (only bold and reverse video)"
[ -n "$(tui_selected)" ]
okw $? "NO_COLOR: the selection still shows (reverse video)"
tui_keys q
wait_until 10 tui_exited

done_testing
