# SPDX-License-Identifier: GPL-2.0-or-later
# ns-helpers.sh: process, namespace and JSON helpers for the system tests (source after tap.sh).
# shellcheck shell=bash

NS_HELPERS_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ns-helpers.py"
# The interpreter itself, not a version manager's shim (pyenv's costs ~0.1 s a call).
NS_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$NS_PYTHON" ] || NS_PYTHON=python3

# Processes and bind mounts a test created; ns_cleanup undoes them.
NS_TRACKED=()   # "pid:starttime" of every process the test started
NS_MOUNTS=()    # bind mounts (nsfs files) the test made in its own mount namespace
NS_TMPDIRS=()   # temporary directories the test made
NS_CGROUPS=()   # cgroup directories the test made, removed last first

# todo_ok STATUS DESCRIPTION REASON: an assertion for a known isoscope bug. It prints
# "not ok N - DESCRIPTION # TODO REASON" on failure, which TAP does not count as a failure.
todo_ok() {
  local st=$1 desc=$2 reason=$3
  TAP_N=$((TAP_N + 1))
  if [ "$st" -eq 0 ]; then
    echo "ok $TAP_N - $desc # TODO $reason"
  else
    echo "not ok $TAP_N - $desc # TODO $reason"
  fi
}

# proc_starttime PID: field 22 of /proc/PID/stat (clock ticks since boot), empty when gone.
proc_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }  # the comm field may hold spaces and parentheses
  # shellcheck disable=SC2086 # split the remaining fields on purpose
  set -- $stat
  echo "${20}"
}

# track_pid PID: remember a process the test started so that ns_cleanup kills it. The start time
# is recorded too, so a pid reused by somebody else's process after ours exited is never killed.
track_pid() {
  local st
  st=$(proc_starttime "$1") || return 0
  NS_TRACKED+=("$1:$st")
}

# track_mount PATH: remember a bind mount to unmount in ns_cleanup.
track_mount() { NS_MOUNTS+=("$1"); }

# new_tmpdir: create a temporary directory, print its path; the caller passes it to track_tmpdir.
new_tmpdir() {
  mktemp -d "${TMPDIR:-/tmp}/isoscope-$(basename "$0" .t).XXXXXX"
}

# track_tmpdir DIR: remember a temporary directory to remove in ns_cleanup.
track_tmpdir() { NS_TMPDIRS+=("$1"); }

# track_cgroup DIR: remember a cgroup the test made; ns_cleanup removes it (children first,
# waiting a little for its tasks to go) once the tracked processes are killed.
track_cgroup() { NS_CGROUPS+=("$1"); }

# kill_tracked PID: SIGKILL one tracked process when it is still the one we started, then reap
# it when it is our child.
kill_tracked() {
  local e pid st
  for e in "${NS_TRACKED[@]}"; do
    pid=${e%%:*}
    st=${e#*:}
    [ "$pid" = "$1" ] || continue
    {
      [ "$(proc_starttime "$pid")" = "$st" ] && kill -KILL "$pid"
      wait "$pid"
    } 2>/dev/null
  done
  return 0
}

# ns_cleanup: kill every tracked process (newest first, each only when its start time still
# matches), reap our children, unmount tracked bind mounts and remove the temporary directories.
ns_cleanup() {
  local i e pid st m d
  # bash reports "Killed" for each job it reaps on the shell's stderr: keep that quiet.
  {
    for ((i = ${#NS_TRACKED[@]} - 1; i >= 0; i--)); do
      e=${NS_TRACKED[i]}
      pid=${e%%:*}
      st=${e#*:}
      [ "$(proc_starttime "$pid")" = "$st" ] && kill -KILL "$pid"
    done
    for e in "${NS_TRACKED[@]}"; do
      wait "${e%%:*}"
    done
  } 2>/dev/null
  for m in "${NS_MOUNTS[@]}"; do
    if grep -qF " $m " /proc/self/mountinfo; then
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    fi
  done
  for ((i = ${#NS_CGROUPS[@]} - 1; i >= 0; i--)); do
    [ -d "${NS_CGROUPS[i]}" ] || continue
    wait_until 3 rmdir "${NS_CGROUPS[i]}" 2>/dev/null || echo "# cannot remove ${NS_CGROUPS[i]}" >&2
  done
  for d in "${NS_TMPDIRS[@]}"; do
    rm -rf -- "$d"
  done
  return 0
}

# wait_until SECONDS CMD ARGS...: poll CMD every 50 ms until it succeeds; fails after SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}

# prints CMD ARGS...: true when CMD prints something.  For polling a command's output: in
# `wait_until 5 test -n "$(CMD)"` the shell runs CMD once, before wait_until starts, so the wait
# polls a constant; `wait_until 5 prints CMD` runs CMD on every try.
prints() {
  [ -n "$("$@")" ]
}

# ns_ino PID TYPE: the inode of /proc/PID/ns/TYPE (TYPE may be pid_for_children…), or nothing.
ns_ino() {
  local link
  link=$(readlink "/proc/$1/ns/$2" 2>/dev/null) || return 1
  link=${link##*[}
  echo "${link%]}"
}

# task_ns_ino PID TID TYPE: the same for one thread.
task_ns_ino() {
  local link
  link=$(readlink "/proc/$1/task/$2/ns/$3" 2>/dev/null) || return 1
  link=${link##*[}
  echo "${link%]}"
}

# ns_differs PID TYPE INODE: true once /proc/PID/ns/TYPE exists and is not INODE.
ns_differs() {
  local ino
  ino=$(ns_ino "$1" "$2") || return 1
  [ -n "$ino" ] && [ "$ino" != "$3" ]
}

# children_of PID: the pids of PID's children (all threads), one per line.
children_of() {
  local f
  for f in /proc/"$1"/task/*/children; do
    tr ' ' '\n' <"$f" 2>/dev/null
  done | grep -E '^[0-9]+$'
}

# nchildren_is PID N: true when PID has exactly N children.
nchildren_is() {
  [ "$(children_of "$1" | wc -l)" -eq "$2" ]
}

# nspids PID: the NSpid line of /proc/PID/status joined with '/', outermost first.
nspids() {
  local line
  line=$(grep '^NSpid:' "/proc/$1/status" 2>/dev/null) || return 1
  # shellcheck disable=SC2086 # split the fields on purpose
  set -- ${line#NSpid:}
  local IFS=/
  echo "$*"
}

# nsjson SUBCOMMAND ARGS...: query isoscope/lsns JSON with ns-helpers.py (see there).
nsjson() {
  "$NS_PYTHON" "$NS_HELPERS_PY" "$@"
}

# is_field FILE NS FIELD WANT DESCRIPTION: FIELD of namespace NS in the JSON FILE is WANT.
is_field() {
  is "$(nsjson field "$1" "$2" "$3")" "$4" "$5"
}

# has_holder FILE NS HOLDER DESCRIPTION: HOLDER is among NS's holders in the JSON FILE.
has_holder() {
  nsjson has-holder "$1" "$2" "$3"
  local st=$?
  ok "$st" "$4"
  [ "$st" -eq 0 ] || diag "holders of $2: $(nsjson holders "$1" "$2")"
  return "$st"
}

# has_ns FILE NS DESCRIPTION: namespace NS is listed (exactly once) in the JSON FILE.
has_ns() {
  is "$(nsjson rows "$1" "$2")" 1 "$3"
}

# lacks_ns FILE NS DESCRIPTION: namespace NS is not listed in the JSON FILE.
lacks_ns() {
  is "$(nsjson rows "$1" "$2")" 0 "$3"
}

# agree_is DESCRIPTION KERNEL_CMD VALUE_CMD: KERNEL_CMD (eval'd) is read before and after
# VALUE_CMD (eval'd, the value isoscope reports); when both kernel reads agree, the value must
# equal them.  Retried 5 times while the kernel value moves in between.
agree_is() {
  local desc=$1 kcmd=$2 vcmd=$3 a b v
  for _ in 1 2 3 4 5; do
    a=$(eval "$kcmd")
    v=$(eval "$vcmd")
    b=$(eval "$kcmd")
    [ "$a" = "$b" ] && break
    sleep 0.2
  done
  if [ "$a" = "$b" ]; then
    is "$v" "$a" "$desc"
  else
    ok 1 "$desc (the kernel value kept changing: $a, $b)"
  fi
}

# min_of N...: the smallest of its numeric arguments.
min_of() {
  local m=$1 n
  for n in "$@"; do
    [ "$n" -lt "$m" ] && m=$n
  done
  echo "$m"
}
