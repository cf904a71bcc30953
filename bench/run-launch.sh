#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-launch.sh: launch latency of `isoscope run` against `unshare` and `bwrap`, side by side.
#
# Each tool starts /bin/true in new pid, mount, uts, ipc and net namespaces:
#   isoscope run -p -m -u -i -n -- /bin/true
#   unshare -fpmuin /bin/true
#   bwrap --unshare-all --ro-bind / / /bin/true        (bwrap also makes user and cgroup namespaces)
# A small C timer (compiled here into a scratch directory) forks and execs each command with its
# output on /dev/null, and takes the wall time around it (CLOCK_MONOTONIC) and the CPU time of
# every process the run made.  That CPU time comes from a cgroup v2 of the benchmark's own
# (usage_usec of cpu.stat), which counts all of them: rusage from wait4 would miss those the
# command does not reap itself (bwrap's pid 1, for one).  The commands take turns
# run by run, in a new random order each round, so that they share whatever noise the machine has
# and none always follows the same one; a few warm-up rounds go first.  Between two runs the timer sleeps a little (GAP), so that
# the kernel's deferred teardown of the previous run's namespaces (workqueues, RCU) is not charged
# to the next one.
#
# Usage: bench/run-launch.sh [RUNS]          (default 200 runs per command; needs root)
# Environment: ISOSCOPE (the binary, default ./isoscope at the top of the repository),
#              ISOSCOPE_BENCH_WARMUP (unmeasured rounds, default 10),
#              ISOSCOPE_BENCH_GAP (milliseconds between runs, default 20), CC (default cc).
set -u

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ISOSCOPE=${ISOSCOPE:-$HERE/../isoscope}
RUNS=${1:-200}
WARMUP=${ISOSCOPE_BENCH_WARMUP:-10}
GAP=${ISOSCOPE_BENCH_GAP:-20}
CC=${CC:-cc}

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (the peers are compared as root, as CI runs)"
if ! [[ $RUNS =~ ^[0-9]+$ ]] || [ "$RUNS" -eq 0 ]; then
  die "RUNS must be a positive number"
fi
[ -x "$ISOSCOPE" ] || die "no isoscope binary at $ISOSCOPE (run make first)"
for tool in unshare bwrap "$CC"; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/isoscope-bench-launch.XXXXXX") || exit 1
CG=''
cleanup() {
  [ -n "$CG" ] && rmdir "$CG" 2>/dev/null
  rm -rf -- "$TMP"
}
trap cleanup EXIT

# The cgroup2 hierarchy: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$cg2" ] || die "no cgroup2 hierarchy is mounted (the CPU time is read from one)"
CG=$cg2/isoscope-bench-launch.$$
mkdir "$CG" || die "cannot make the cgroup $CG"
[ -r "$CG/cpu.stat" ] || die "$CG has no cpu.stat"

# The timer: launchtimer CGROUP WARMUP RUNS GAP_MS CMD1... ::: CMD2... ::: CMD3...
# (commands are separated by ":::", since "--" is part of some of them)
# Prints "INDEX WALL_US CPU_US STATUS" for every measured run.
cat >"$TMP/launchtimer.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static const char *cg;

/* usage_usec of the benchmark's cgroup */
static double cg_usage (void)
{
  char path[4096], buf[4096];
  snprintf (path, sizeof path, "%s/cpu.stat", cg);
  int fd = open (path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  if (fd >= 0)
    close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *p = strstr (buf, "usage_usec ");
  return p ? atof (p + 11) : -1;
}

/* true once no process of a run is left in the cgroup */
static int cg_empty (void)
{
  char path[4096], buf[64];
  snprintf (path, sizeof path, "%s/cgroup.procs", cg);
  int fd = open (path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf);
  if (fd >= 0)
    close (fd);
  return n == 0;
}

static int once (char **argv, double *wall, double *cpu)
{
  double u0 = cg_usage ();
  int go[2];
  if (pipe (go) < 0)
    return -1;
  pid_t pid = fork ();
  if (pid == 0)
    {
      char path[4096], c;
      snprintf (path, sizeof path, "%s/cgroup.procs", cg);
      int fd = open (path, O_WRONLY);
      if (fd < 0 || write (fd, "0", 1) != 1)
        _exit (126);
      close (fd);
      close (go[1]);
      if (read (go[0], &c, 1) < 0)
        _exit (126);
      int null = open ("/dev/null", O_RDWR);
      dup2 (null, 1);
      dup2 (null, 2);
      execvp (argv[0], argv);
      _exit (127);
    }
  close (go[0]);
  /* the clock starts when the child is in the cgroup, just before its exec */
  for (int i = 0; i < 1000 && cg_empty (); i++)
    usleep (100);
  double t0 = now_us ();
  close (go[1]);
  int st;
  if (pid < 0 || waitpid (pid, &st, 0) < 0)
    return -1;
  *wall = now_us () - t0;
  /* processes the command did not reap may still be on their way out */
  for (int i = 0; i < 2000 && !cg_empty (); i++)
    usleep (500);
  *cpu = cg_usage () - u0;
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

int main (int argc, char **argv)
{
  if (argc < 6)
    return 2;
  cg = argv[1];
  int warm = atoi (argv[2]), runs = atoi (argv[3]);
  struct timespec gap = { 0, atol (argv[4]) * 1000000L };
  char **cmds[16];
  int n = 0;
  cmds[n++] = argv + 5;
  for (int i = 5; i < argc && n < 16; i++)
    if (strcmp (argv[i], ":::") == 0)
      {
        argv[i] = NULL;
        cmds[n++] = argv + i + 1;
      }
  srand (12345);
  for (int r = 0; r < warm + runs; r++)
    {
      int order[16];
      for (int k = 0; k < n; k++)
        order[k] = k;
      for (int k = n - 1; k > 0; k--)
        {
          int j = rand () % (k + 1), t = order[k];
          order[k] = order[j];
          order[j] = t;
        }
      for (int k = 0; k < n; k++)
      {
        int c = order[k];
        double wall, cpu;
        nanosleep (&gap, NULL);
        int st = once (cmds[c], &wall, &cpu);
        if (r >= warm)
          printf ("%d %.1f %.1f %d\n", c, wall, cpu, st);
      }
    }
  return 0;
}
EOF
"$CC" -O2 -o "$TMP/launchtimer" "$TMP/launchtimer.c" || die "cannot build the timer"

NAMES=("isoscope run -p -m -u -i -n" "unshare -fpmuin" "bwrap --unshare-all --ro-bind / /")
# Every command must work here before it is timed.
"$ISOSCOPE" run -p -m -u -i -n -- /bin/true || die "isoscope run fails here"
unshare -fpmuin /bin/true || die "unshare fails here"
bwrap --unshare-all --ro-bind / / /bin/true || die "bwrap fails here"

"$TMP/launchtimer" "$CG" "$WARMUP" "$RUNS" "$GAP" \
  "$ISOSCOPE" run -p -m -u -i -n -- /bin/true ::: \
  unshare -fpmuin /bin/true ::: \
  bwrap --unshare-all --ro-bind / / /bin/true >"$TMP/raw" || die "the timer failed"

# mean and median of column COL for command IDX, in microseconds
stat_of() { # IDX COL -> "MEAN MEDIAN"
  awk -v i="$1" -v col="$2" '$1 == i { print $col }' "$TMP/raw" | sort -n |
    awk '{ v[NR] = $1; s += $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f %.0f\n", s / NR, m }'
}
failures() { awk -v i="$1" '$1 == i && $4 != 0' "$TMP/raw" | wc -l; }

printf '%s: %d runs each after %d warm-up rounds, interleaved, %d ms apart; %s, %s CPUs, load %s\n' \
  "$PROG" "$RUNS" "$WARMUP" "$GAP" "$(uname -r)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-36s %10s %10s %10s %10s %8s %8s\n' command "wall mean" "wall med" "cpu mean" "cpu med" \
  "wall/iso" "cpu/iso"
read -r iso_wall_mean iso_wall_med < <(stat_of 0 2)
read -r iso_cpu_mean iso_cpu_med < <(stat_of 0 3)
for i in 0 1 2; do
  read -r wmean wmed < <(stat_of "$i" 2)
  read -r cmean cmed < <(stat_of "$i" 3)
  printf '%-36s %8sus %8sus %8sus %8sus %8s %8s' "${NAMES[i]}" "$wmean" "$wmed" "$cmean" "$cmed" \
    "$(awk -v a="$wmed" -v b="$iso_wall_med" 'BEGIN { printf "%.2f", a / b }')" \
    "$(awk -v a="$cmed" -v b="$iso_cpu_med" 'BEGIN { printf "%.2f", a / b }')"
  f=$(failures "$i")
  [ "$f" -gt 0 ] && printf '  (%d runs failed)' "$f"
  printf '\n'
done
echo "(ratios are of medians, against isoscope: above 1.00 the peer is slower)"
: "$iso_wall_mean" "$iso_cpu_mean" "$iso_cpu_med"
