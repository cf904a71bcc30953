// SPDX-License-Identifier: GPL-2.0-or-later
/* test-live.c: the live model: its /proc/PID/stat parser, and ticks over this process's own /proc
   (kept descriptors, CPU time, a child that appears and exits, its namespaces). */
#define _GNU_SOURCE
#include "isoscope/live.h"
#include "isoscope/util.h"
#include "fixture.h"
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
parse (const char *text, struct live_stat *st)
{
  memset (st, 0x5a, sizeof *st);
  return live_parse_stat (text, strlen (text), st);
}

static void
test_parse (void)
{
  struct live_stat st = { 0 };
  char *text = fixture_read ("stat-real.txt", NULL);
  is_int (text ? parse (text, &st) : -1, 0, "real stat line parses");
  is_str (st.comm, "sleep", "real: comm");
  is_int (st.state, 'S', "real: state");
  is_int (st.ppid, 8916, "real: ppid");
  is_int (st.nthreads, 1, "real: threads");
  is_u64 (st.start_time, 46504, "real: start time (field 22)");
  is_u64 (st.rss_pages, 424, "real: rss in pages (field 24)");
  is_u64 (st.minflt, 164, "real: minor faults (field 10)");
  is_u64 (st.startcode, 94589595811840ULL, "real: start of code (field 26)");
  is_int (st.exit_signal, 17, "real: exit signal SIGCHLD (field 38)");
  is_u64 (st.arg_start, 140736608885189ULL, "real: start of the arguments (field 48)");
  free (text);

  text = fixture_read ("stat-kthreadd.txt", NULL);
  is_int (text ? parse (text, &st) : -1, 0, "kthreadd parses");
  is_u64 (st.stime, 12, "kthreadd: stime");
  is_u64 (st.startcode, 0, "kthreadd: no code of its own");
  free (text);

  text = fixture_read ("stat-rt-kthread.txt", NULL);
  is_int (text ? parse (text, &st) : -1, 0, "an RT kernel thread (negative priority) parses");
  is_str (st.comm, "migration/0", "rt: comm");
  is_u64 (st.start_time, 3, "rt: start time after the negative fields");
  free (text);

  /* comm may hold spaces and parentheses: it ends at the last ')'. */
  is_int (
      parse ("42 (a) b (c)) R 1 42 42 0 -1 0 5 0 1 0 7 3 0 0 20 0 4 0 999 0 100 0 0 0 0 0 0 0 0 0 0 0 0 0 -1 1\n", &st),
      0, "comm with ') ' inside parses");
  is_str (st.comm, "a) b (c)", "comm runs to the last ')'");
  is_int (st.state, 'R', "state after such a comm");
  is_u64 (st.utime + st.stime, 10, "utime + stime");
  is_int (st.nthreads, 4, "threads");
  is_u64 (st.rss_pages, 100, "rss");
  is_int (st.exit_signal, -1, "exit signal -1: a thread, not a process");
  is_u64 (st.minflt + st.majflt, 6, "faults");

  /* An old kernel's short line: up to rss is enough. */
  is_int (parse ("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 50 0 3\n", &st), 0, "a line that ends at rss parses");
  is_u64 (st.rss_pages, 3, "short line: rss");
  is_int (st.exit_signal, 17, "short line: no exit signal field, taken as a process");
  is_int (parse ("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 50\n", &st), -EINVAL, "a line without rss is refused");
  is_int (parse ("7 x S 1\n", &st), -EINVAL, "no parentheses: refused");
  is_int (parse ("7 (x) S 1 7 7 0 -1 zz\n", &st), -EINVAL, "a field that is not a number: refused");
  is_int (parse ("7 (x)", &st), -EINVAL, "nothing after the comm: refused");
  /* Found by tests/fuzz/fuzz-proc-stat.c: with two spaces after the comm the second one was taken
     as the state and every field after it shifted by one; proc_parse_stat skips both. */
  is_int (parse ("7 (x)  S 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 50 0 3\n", &st), 0, "two spaces after the comm parse");
  is_int (st.state, 'S', "two spaces after the comm: the state");
  is_int (st.ppid, 1, "two spaces after the comm: the ppid");
  is_int (parse ("7 (x)  1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 50 0 3 4\n", &st), -EINVAL,
          "a number where the state belongs: refused");
  /* Found by tests/fuzz/fuzz-proc-stat.c: -2^63 was negated as a signed number (undefined), and
     numbers past 64 bits wrapped around. */
  is_int (parse ("7 (x) S 1 7 7 0 -9223372036854775808 0 0 0 0 0 1 1 0 0 20 0 1 0 50 0 3\n", &st), 0,
          "-2^63 in a field parses");
  is_int (parse ("7 (x) S 1 7 7 0 -9223372036854775809 0 0 0 0 0 1 1 0 0 20 0 1 0 50 0 3\n", &st), -EINVAL,
          "below -2^63: refused");
  is_int (parse ("7 (x) S 1 7 7 0 0 0 0 0 0 0 18446744073709551615 1 0 0 20 0 1 0 50 0 3\n", &st), 0,
          "2^64 - 1 parses");
  is_u64 (st.utime, UINT64_MAX, "2^64 - 1 as utime");
  is_int (parse ("7 (x) S 1 7 7 0 0 0 0 0 0 0 18446744073709551616 1 0 0 20 0 1 0 50 0 3\n", &st), -EINVAL,
          "2^64: refused, not wrapped to 0");
  is_int (parse ("7 (x) SS 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 50 0 3\n", &st), -EINVAL,
          "a state of two letters: refused");
}

static double
mono (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_ticks (void)
{
  struct iso_live *l = NULL;
  iso_error_t err = NULL;
  struct live_opts o = { .ns_period = 2, .slow_period = 3 };
  if (!ok (live_new (&l, &o, &err) == 0, "live_new on the live /proc"))
    {
      iso_error_release (&err);
      return;
    }
  unsigned want = LIVE_PROCS | LIVE_NS | LIVE_STATUS | LIVE_CGROUP | LIVE_CMDLINE | LIVE_RELATIONS;
  ok (live_refresh (l, want, NULL, 0, &err) == 0, "first refresh");
  struct live_proc *me = live_find (l, getpid ());
  ok (me != NULL, "this process is in the model");
  if (!me)
    {
      live_free (l);
      return;
    }
  ok (me->fd >= 0, "a descriptor is kept for it");
  ok (me->p->ns[NS_MNT] && me->p->ns[NS_USER], "its namespaces were read");
  ok (me->cpu_pct < 0, "no CPU%% before a second sample");
  ok (l->st.fds_kept > 0 && l->st.fds_kept <= l->nprocs, "kept descriptors are counted (%u for %zu processes)",
      l->st.fds_kept, l->nprocs);
  int host = live_shares_host (l, me, NS_USER);
  ok (host == 0 || host == 1, "whether it shares the host's user namespace is known");

  /* Burn some CPU, start a child, tick again. */
  double t0 = mono ();
  volatile unsigned long x = 0;
  while (mono () - t0 < 0.2)
    x++;
  pid_t child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  usleep (100000);
  ok (live_refresh (l, want, NULL, 0, &err) == 0, "second refresh");
  me = live_find (l, getpid ());
  ok (me && me->cpu_pct > 20, "CPU%% of a busy process (%.1f)", me ? me->cpu_pct : -1);
  ok (me && me->active_time == l->now, "it counts as having run");
  struct live_proc *c = live_find (l, child);
  ok (c != NULL, "a new child shows at the next refresh");
  ok (c && c->p->ppid == getpid (), "with its parent");
  ok (c && c->p->cmdline_read, "its command line was read at once");

  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  ok (live_refresh (l, want, NULL, 0, &err) == 0, "third refresh");
  ok (live_find (l, child) == NULL, "an exited child is gone at the next refresh");
  ok (l->st.nvanished >= 1, "counted as vanished");

  /* Ticks until a slow period passes: nothing is left unread. */
  for (int i = 0; i < 4; i++)
    live_refresh (l, want, NULL, 0, &err);
  me = live_find (l, getpid ());
  ok (me && !live_ns_stale (l, me) && !live_status_stale (l, me) && !live_cgroup_stale (l, me),
      "after a few ticks no fact of this process is stale");
  live_free (l);
  iso_error_release (&err);
}

int
main (void)
{
  test_parse ();
  test_ticks ();
  return done_testing ();
}
