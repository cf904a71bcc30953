// SPDX-License-Identifier: GPL-2.0-or-later
/* test-proc-stat.c: proc_parse_stat on real, tricky and malformed /proc/PID/stat text. */
#define _GNU_SOURCE
#include "isoscope/proc.h"
#include "isoscope/util.h"
#include "fixture.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fields 4..22 of an ordinary sleeping process: ppid 1, utime 7, stime 3, 1 thread, start 12345. */
#define TAIL "1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 12345 8192 10 18446744073709551615 0 0 0\n"

static void
test_fixtures (void)
{
  struct proc_stat st = { 0 };
  char *text = fixture_read ("stat-real.txt", NULL);
  ok (text != NULL, "fixture stat-real.txt");
  is_int (text ? proc_parse_stat (text, &st) : -1, 0, "real stat line of a sleeping process parses");
  is_int (st.pid, 8917, "real: pid");
  is_str (st.comm, "sleep", "real: comm");
  is_int (st.state, 'S', "real: state");
  is_int (st.ppid, 8916, "real: ppid");
  is_int (st.nthreads, 1, "real: num_threads (field 20)");
  is_u64 (st.start_time, 46504, "real: starttime (field 22)");
  is_u64 (st.utime + st.stime, 0, "real: utime and stime");
  free (text);

  text = fixture_read ("stat-kthreadd.txt", NULL);
  is_int (text ? proc_parse_stat (text, &st) : -1, 0, "kthreadd stat parses");
  is_int (st.pid, 2, "kthreadd: pid 2");
  is_int (st.ppid, 0, "kthreadd: ppid 0");
  is_u64 (st.stime, 12, "kthreadd: stime (field 15)");
  is_u64 (st.start_time, 2, "kthreadd: start time");
  free (text);

  text = fixture_read ("stat-rt-kthread.txt", NULL);
  is_int (text ? proc_parse_stat (text, &st) : -1, 0, "RT kernel thread with priority -100 parses");
  is_str (st.comm, "migration/0", "rt: comm with a slash");
  is_u64 (st.stime, 851, "rt: stime after negative fields");
  is_int (st.nthreads, 1, "rt: num_threads after the negative priority");
  is_u64 (st.start_time, 3, "rt: start time after the negative priority");
  free (text);
}

static void
test_comm (void)
{
  struct proc_stat st;
  is_int (proc_parse_stat ("42 (tmux: server) S " TAIL, &st), 0, "comm with spaces parses");
  is_str (st.comm, "tmux: server", "comm with spaces");
  is_int (st.ppid, 1, "comm with spaces: ppid");
  is_u64 (st.utime, 7, "comm with spaces: utime");
  is_u64 (st.stime, 3, "comm with spaces: stime");
  is_u64 (st.start_time, 12345, "comm with spaces: start time");

  is_int (proc_parse_stat ("1234 (a) b (c)) S " TAIL, &st), 0, "comm with ')' and '(' inside parses");
  is_str (st.comm, "a) b (c)", "comm runs from the first '(' to the last ')'");
  is_int (st.state, 'S', "state after a comm with parentheses");
  is_u64 (st.start_time, 12345, "start time after a comm with parentheses");

  /* A comm that imitates the fields after it. */
  is_int (proc_parse_stat ("77 (x) R 5 6 7 (8) S " TAIL, &st), 0, "comm that looks like fields parses");
  is_str (st.comm, "x) R 5 6 7 (8", "comm that looks like fields");
  is_int (st.state, 'S', "the real state follows the last ')'");
  is_int (st.ppid, 1, "the real ppid follows the last ')'");

  is_int (proc_parse_stat ("55 (a\nb) S " TAIL, &st), 0, "comm with a newline parses");
  is_str (st.comm, "a\nb", "comm keeps the newline");
  is_u64 (st.start_time, 12345, "fields after a comm with a newline");

  is_int (proc_parse_stat ("56 () S " TAIL, &st), 0, "empty comm (prctl PR_SET_NAME \"\") parses");
  is_str (st.comm, "", "empty comm");

  is_int (proc_parse_stat ("57 ( ) S " TAIL, &st), 0, "comm of one space parses");
  is_str (st.comm, " ", "comm of one space");

  /* Longer than the 64-byte buffer: cut, never overflowed. */
  char line[512];
  char longcomm[101];
  memset (longcomm, 'c', 100);
  longcomm[100] = '\0';
  snprintf (line, sizeof line, "58 (%s) S " TAIL, longcomm);
  is_int (proc_parse_stat (line, &st), 0, "a 100-byte comm parses");
  is_int (strlen (st.comm), sizeof st.comm - 1, "a 100-byte comm is cut to 63 bytes");
  is_u64 (st.start_time, 12345, "fields after a 100-byte comm");
}

static void
test_fields (void)
{
  struct proc_stat st;
  /* Exactly 22 fields: enough. */
  is_int (proc_parse_stat ("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 3 18 99", &st), 0,
          "exactly 22 fields (no newline) parse");
  is_u64 (st.start_time, 99, "start time as the last field");
  is_int (st.nthreads, 3, "num_threads with 22 fields");
  is_u64 (st.utime, 11, "utime is field 14");
  is_u64 (st.stime, 12, "stime is field 15");

  /* 21 fields: the start time is missing. */
  is_int (proc_parse_stat ("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 3 18\n", &st), -EINVAL,
          "21 fields (no start time) is -EINVAL");
  is_int (proc_parse_stat ("9 (x) S\n", &st), -EINVAL, "only pid, comm and state is -EINVAL");
  is_int (proc_parse_stat ("9 (x)", &st), -EINVAL, "only pid and comm is -EINVAL");
  is_int (proc_parse_stat ("9 (sle", &st), -EINVAL, "cut inside comm is -EINVAL");
  is_int (proc_parse_stat ("9 (x) S 1 2 3\n4 5 6 7 8 9 10 11 12 13 14 15 16 3 18 99\n", &st), -EINVAL,
          "a newline ends the fields");

  /* Negative numbers where the kernel prints them (tty_nr, tpgid, priority, nice). */
  is_int (proc_parse_stat ("9 (x) S 1 2 3 -4 -1 6 7 8 9 10 11 12 13 14 -21 -20 2 18 99\n", &st), 0,
          "negative tpgid, priority and nice parse");
  is_int (st.nthreads, 2, "num_threads after negative fields");
  is_u64 (st.start_time, 99, "start time after negative fields");

  /* Start time at the top of the range, then one past it. */
  is_int (proc_parse_stat ("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1 18 18446744073709551615\n", &st), 0,
          "start time UINT64_MAX parses");
  is_u64 (st.start_time, UINT64_MAX, "start time UINT64_MAX");
  is_int (proc_parse_stat ("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1 18 18446744073709551616\n", &st), -EINVAL,
          "start time beyond 64 bits is -EINVAL");

  /* Several spaces between fields. */
  is_int (proc_parse_stat ("9 (x)  S  1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1 18  77\n", &st), 0,
          "doubled spaces between fields parse");
  is_u64 (st.start_time, 77, "start time after doubled spaces");
}

static void
test_garbage (void)
{
  struct proc_stat st;
  is_int (proc_parse_stat ("", &st), -EINVAL, "empty text is -EINVAL");
  is_int (proc_parse_stat ("\n", &st), -EINVAL, "a lone newline is -EINVAL");
  is_int (proc_parse_stat ("hello world", &st), -EINVAL, "words are -EINVAL");
  is_int (proc_parse_stat ("Name:\tbash\nState:\tS\n", &st), -EINVAL, "status text is -EINVAL");
  is_int (proc_parse_stat ("(x) S " TAIL, &st), -EINVAL, "missing pid is -EINVAL");
  is_int (proc_parse_stat ("abc (x) S " TAIL, &st), -EINVAL, "non-numeric pid is -EINVAL");
  is_int (proc_parse_stat ("0 (x) S " TAIL, &st), -EINVAL, "pid 0 is -EINVAL");
  is_int (proc_parse_stat ("-5 (x) S " TAIL, &st), -EINVAL, "negative pid is -EINVAL");
  is_int (proc_parse_stat ("99999999999999999999 (x) S " TAIL, &st), -EINVAL, "pid beyond long is -EINVAL");
  is_int (proc_parse_stat ("9 x) S " TAIL, &st), -EINVAL, "no '(' is -EINVAL");
  is_int (proc_parse_stat ("9 (x S 1 2 3", &st), -EINVAL, "no ')' is -EINVAL");
  is_int (proc_parse_stat ("9 )x( S " TAIL, &st), -EINVAL, "')' before '(' is -EINVAL");
  is_int (proc_parse_stat ("9 (x) S one 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1 18 99\n", &st), -EINVAL,
          "a word where ppid belongs is -EINVAL");
  is_int (proc_parse_stat ("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1 18 9z9\n", &st), -EINVAL,
          "letters glued to the start time are -EINVAL");
  struct proc_stat st2;
  proc_parse_stat ("9 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1 18 99\n", &st2);
  is_int (proc_parse_stat ("garbage", &st2), -EINVAL, "garbage after a good parse is -EINVAL");
  is_str (st2.comm, "", "a failed parse leaves no stale comm");

  is_int (proc_parse_stat ("12x (cat) S " TAIL, &st), -EINVAL, "letters glued to the pid are -EINVAL");
  is_int (proc_parse_stat ("1 2 3 (cat) S " TAIL, &st), -EINVAL, "extra words between pid and comm are -EINVAL");
  /* Found by tests/fuzz/fuzz-proc-stat.c: the state was whatever word followed the comm. */
  is_int (proc_parse_stat ("8917 (sleep)615 " TAIL, &st), -EINVAL, "a number glued to the comm is -EINVAL");
  is_int (proc_parse_stat ("9 (x) 5 " TAIL, &st), -EINVAL, "a digit where the state belongs is -EINVAL");
  is_int (proc_parse_stat ("9 (x) SS " TAIL, &st), -EINVAL, "a state of two letters is -EINVAL");
}

static void
test_self (void)
{
  char *text = NULL;
  long n = util_read_file_at (AT_FDCWD, "/proc/self/stat", &text);
  ok (n > 0, "read /proc/self/stat");
  struct proc_stat st = { 0 };
  is_int (n > 0 ? proc_parse_stat (text, &st) : -1, 0, "/proc/self/stat parses");
  is_int (st.pid, getpid (), "/proc/self/stat: pid is getpid ()");
  is_int (st.ppid, getppid (), "/proc/self/stat: ppid is getppid ()");
  is_int (st.state, 'R', "/proc/self/stat: running");
  is_int (st.nthreads, 1, "/proc/self/stat: one thread");
  ok (st.start_time > 0, "/proc/self/stat: a start time");
  ok (strncmp (st.comm, "test-proc-stat", 15) == 0, "/proc/self/stat: comm is the (15-byte) program name");
  free (text);
}

int
main (void)
{
  test_fixtures ();
  test_comm ();
  test_fields ();
  test_garbage ();
  test_self ();
  return done_testing ();
}
