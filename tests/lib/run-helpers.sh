# SPDX-License-Identifier: GPL-2.0-or-later
# run-helpers.sh: helpers of the `isoscope run` system tests (source after tap.sh and ns-helpers.sh).
# shellcheck shell=bash

# The sandbox cgroups, mounts and processes present when the test started; left_behind compares.
RUN_CG_BEFORE=''

# okdiag STATUS DESCRIPTION DETAIL: ok, and when STATUS is not 0, DETAIL as diagnostics.
okdiag() {
  ok "$1" "$2"
  [ "$1" -eq 0 ] || diag "$3"
}

# run_cgroups: every isoscope-run.* cgroup directory on this host, one per line.
run_cgroups() {
  find /sys/fs/cgroup -maxdepth 6 -type d -name 'isoscope-run.*' 2>/dev/null | sort
}

# run_snapshot: remember what exists now, for left_behind.
run_snapshot() {
  RUN_CG_BEFORE=$(run_cgroups)
}

# run_cgroups_of PID: the cgroups an isoscope run with pid PID made (isoscope-run.PID).
run_cgroups_of() {
  find /sys/fs/cgroup -maxdepth 6 -type d -name "isoscope-run.$1" 2>/dev/null
}

# run_cgroup_dir CTRL PID: the directory of the sandbox cgroup of isoscope PID in hierarchy CTRL
# ("memory", "pids", "cpuacct"... or "unified" for cgroup v2 on a hybrid host), or nothing.
run_cgroup_dir() {
  find "/sys/fs/cgroup/$1" -maxdepth 5 -type d -name "isoscope-run.$2" 2>/dev/null | head -n1
}

# The isoscope processes a test started in the background: run_cleanup removes their cgroups.
RUN_PIDS=()
track_run() {
  RUN_PIDS+=("$1")
  track_pid "$1"
}

# run_cleanup: ns_cleanup, then remove what is left of the cgroups of the tracked isoscope runs
# (after a failure, or a SIGKILLed isoscope, which cannot remove them itself).
run_cleanup() {
  local p d pid
  ns_cleanup
  for p in "${RUN_PIDS[@]}"; do
    for d in $(run_cgroups_of "$p" | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-); do
      for _ in 1 2 3 4 5; do
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$d/cgroup.procs" 2>/dev/null
        rmdir "$d" 2>/dev/null && break
        sleep 0.1
      done
    done
  done
  return 0
}

# isoscope_alive PID: PID is a running isoscope.
isoscope_alive() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = isoscope ]
}

# left_behind DESCRIPTION [MARK...]: no isoscope-run cgroup that was not there at run_snapshot (but
# for those of an isoscope still running, maybe somebody else's), no mount in our mount namespace
# whose line names a MARK (a temporary directory of the test), and no process whose command line
# holds a MARK.
left_behind() {
  local desc=$1 now extra m bad=0 d
  shift
  now=$(run_cgroups)
  extra=$(comm -13 <(printf '%s\n' "$RUN_CG_BEFORE" | grep -v '^$') <(printf '%s\n' "$now" | grep -v '^$') |
    while IFS= read -r d; do isoscope_alive "${d##*.}" || echo "$d"; done)
  if [ -n "$extra" ]; then
    bad=1
    diag "cgroups left behind: $(paste -sd' ' <<<"$extra")"
  fi
  for m in "$@"; do
    if grep -qF -- "$m" /proc/self/mountinfo; then
      bad=1
      diag "mounts left behind: $(grep -F -- "$m" /proc/self/mountinfo | awk '{ print $5 }' | paste -sd' ')"
    fi
    if pgrep -f -- "$m" >/dev/null; then
      bad=1
      diag "processes left behind: $(pgrep -af -- "$m" | paste -sd';')"
    fi
  done
  ok "$bad" "$desc"
}

# proc_state PID: the state letter of PID (R, S, Z...), or nothing when it is gone.
proc_state() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  echo "${stat%% *}"
}

# gone_or_zombie PID: true when PID has exited (reaped, or a zombie waiting for its new parent).
gone_or_zombie() {
  local s
  s=$(proc_state "$1")
  [ -z "$s" ] || [ "$s" = Z ] || [ "$s" = X ]
}

# make_busybox_rootfs DIR: a minimal root filesystem of busybox-static with relative applet links.
make_busybox_rootfs() {
  local dir=$1 bb a
  bb=$(command -v busybox) || return 1
  mkdir -p "$dir/bin" "$dir/proc" "$dir/dev" "$dir/tmp" "$dir/etc" || return 1
  cp "$bb" "$dir/bin/busybox" || return 1
  for a in $("$bb" --list); do
    [ "$a" = busybox ] || ln -s busybox "$dir/bin/$a"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$dir/etc/passwd"
  chmod 755 "$dir"
}
