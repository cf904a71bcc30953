# SPDX-License-Identifier: GPL-2.0-or-later
# tui.sh: drive `isoscope top` in a tmux server of the test's own and read its screen (source after
# tap.sh and ns-helpers.sh; call tui_cleanup from the test's EXIT trap).
# shellcheck shell=bash

TUI_SOCK=isoscope-test-$$
TUI_W=120
TUI_H=40
TUI_SCREEN_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tui-screen.py"

tui_tmux() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

# tui_start [ENV=VALUE...] [--] ARGS...: run `isoscope ARGS` (ARGS usually start with "top") in a
# new detached TUI_W x TUI_H session.  When isoscope ends, the pane prints "TUI-EXIT:<status>" and
# stays open, so that what it left on the screen can be read.
tui_start() {
  local envs=() q
  while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
    envs+=("$1")
    shift
  done
  [ "${1-}" = "--" ] && shift
  printf -v q '%q ' env LANG=C.UTF-8 LC_ALL= TERM=screen-256color SHELL=/bin/sh "${envs[@]}" "$ISOSCOPE" "$@"
  tui_cleanup
  tui_tmux new-session -d -x "$TUI_W" -y "$TUI_H" "$q; echo TUI-EXIT:\$?; exec sleep 3600"
}

# tui_cleanup: stop the tmux server, and wait until it is gone (a new one on the same socket
# would otherwise race with its shutdown).
_tui_no_server() { ! tui_tmux has-session 2>/dev/null; }
tui_cleanup() {
  tui_tmux kill-server 2>/dev/null
  wait_until 5 _tui_no_server
}

# The screen as text, and with attributes (escape sequences).
tui_cap() { tui_tmux capture-pane -p 2>/dev/null; }
tui_cap_e() { tui_tmux capture-pane -p -e 2>/dev/null; }

tui_keys() { tui_tmux send-keys "$@"; }

# tui_has TEXT: the screen shows TEXT.  tui_lacks TEXT: it does not.
tui_has() { tui_cap | grep -qF -- "$1"; }
tui_lacks() { ! tui_cap | grep -qF -- "$1"; }

# The rows of the list (between the column header and the status line).
tui_rows() { tui_cap | sed -n "5,$((TUI_H - 2))p"; }
tui_row_has() { tui_rows | grep -qF -- "$1"; }
tui_row_lacks() { ! tui_rows | grep -qF -- "$1"; }

# tui_wait SECONDS TEXT / tui_wait_gone SECONDS TEXT: poll the screen until TEXT shows (is gone).
tui_wait() { wait_until "$1" tui_has "$2"; }
tui_wait_gone() { wait_until "$1" tui_lacks "$2"; }

# The refresh number in the header ("refresh #N"), or 0.
tui_tick() { tui_cap | sed -n '1s/.*refresh #\([0-9]*\).*/\1/p' | grep . || echo 0; }

# tui_wait_ticks SECONDS N: wait until N more refreshes have been drawn.
_tui_tick_reached() { [ "$(tui_tick)" -ge "$TUI_WANT_TICK" ]; }
tui_wait_ticks() {
  TUI_WANT_TICK=$(($(tui_tick) + $2))
  wait_until "$1" _tui_tick_reached
}

# The text of the selected row (the one drawn in the selection's attribute), or nothing.
tui_selected() { tui_cap_e | python3 "$TUI_SCREEN_PY" selected; }

# tui_status: the status line (the second line from the bottom).
tui_status() { tui_cap | sed -n "$((TUI_H - 1))p"; }

# The pid of isoscope in the pane (the pane's shell is its parent).
tui_pid() {
  local pane
  pane=$(tui_tmux display -p '#{pane_pid}' 2>/dev/null) || return 1
  pgrep -P "$pane" -x isoscope
}

# tui_alternate: 1 while the pane shows the alternate screen (curses is on), else 0.
tui_alternate() { tui_tmux display -p '#{alternate_on}' 2>/dev/null; }

# tui_exited: the pane says the TUI ended (and with which status).
tui_exited() { tui_has "TUI-EXIT:"; }
tui_exit_status() { tui_cap | sed -n 's/^TUI-EXIT:\([0-9]*\).*/\1/p' | head -n1; }

require_tmux() {
  command -v tmux >/dev/null || skip_all "tmux is not installed"
  command -v python3 >/dev/null || skip_all "python3 is not installed"
}
