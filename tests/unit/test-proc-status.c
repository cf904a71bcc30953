// SPDX-License-Identifier: GPL-2.0-or-later
/* test-proc-status.c: proc_parse_status on real, old-kernel and malformed status text;
   proc_cmdline_join on NUL-separated arguments. */
#define _GNU_SOURCE
#include "isoscope/model.h"
#include "isoscope/proc.h"
#include "isoscope/util.h"
#include "fixture.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Processes come from a model so that they start as the collector's do (unknowns at -1). */
static struct iso_model *model;
static pid_t next_pid = 1;

static struct iso_proc *
fresh (void)
{
  return iso_model_add_proc (model, next_pid++);
}

static int
parse_fixture (const char *name, struct iso_proc *p)
{
  char *text = fixture_read (name, NULL);
  if (!text)
    {
      diag ("cannot read fixture %s", name);
      return -999;
    }
  int r = proc_parse_status (text, p);
  free (text);
  return r;
}

static void
test_defaults (void)
{
  struct iso_proc *p = fresh ();
  is_int (p->uid, -1, "a new process: uid unknown");
  is_int (p->euid, -1, "a new process: euid unknown");
  is_int (p->gid, -1, "a new process: gid unknown");
  is_int (p->no_new_privs, -1, "a new process: no_new_privs unknown");
  is_int (p->seccomp, -1, "a new process: seccomp unknown");
  is_int (p->seccomp_filters, -1, "a new process: seccomp_filters unknown");
  ok (!p->caps_known && p->nnspid == 0 && p->nspid == NULL, "a new process: no caps, no NSpid");
}

static void
test_real_nested (void)
{
  /* Captured from `unshare --pid --fork --user --map-root-user sleep`, seen from the host. */
  struct iso_proc *p = fresh ();
  is_int (parse_fixture ("status-nested-pidns.txt", p), 0, "nested pid ns status parses");
  is_int (p->uid, 0, "nested: uid");
  is_int (p->euid, 0, "nested: euid");
  is_int (p->gid, 0, "nested: gid");
  is_int (p->egid, 0, "nested: egid");
  is_int (p->nnspid, 2, "nested: NSpid has two levels");
  is_int (p->nnspid == 2 ? p->nspid[0] : -1, 8917, "nested: outermost pid first");
  is_int (p->nnspid == 2 ? p->nspid[1] : -1, 1, "nested: pid 1 inside its own namespace");
  is_int (p->nthreads, 1, "nested: Threads");
  ok (p->caps_known, "nested: capability sets known");
  is_u64 (p->cap_inh, 0, "nested: CapInh");
  is_u64 (p->cap_prm, 0x1ffffffffffULL, "nested: CapPrm");
  is_u64 (p->cap_eff, 0x1ffffffffffULL, "nested: CapEff");
  is_u64 (p->cap_bnd, 0x1ffffffffffULL, "nested: CapBnd");
  is_u64 (p->cap_amb, 0, "nested: CapAmb");
  is_int (p->no_new_privs, 0, "nested: NoNewPrivs");
  is_int (p->seccomp, 0, "nested: Seccomp");
  is_int (p->seccomp_filters, 0, "nested: Seccomp_filters");
}

static void
test_old_kernel (void)
{
  /* A 3.16-era status: no NSpid, no CapAmb, no NoNewPrivs, no Seccomp_filters. */
  struct iso_proc *p = fresh ();
  is_int (parse_fixture ("status-old-kernel.txt", p), 0, "old kernel status parses");
  is_int (p->uid, 104, "old: uid");
  is_int (p->gid, 109, "old: gid");
  is_int (p->nnspid, 0, "old: no NSpid levels");
  ok (p->nspid == NULL, "old: nspid stays NULL");
  is_int (p->nthreads, 4, "old: Threads");
  ok (p->caps_known, "old: caps known without CapAmb");
  is_u64 (p->cap_bnd, 0x1fffffffffULL, "old: CapBnd");
  is_u64 (p->cap_amb, 0, "old: CapAmb stays 0");
  is_int (p->no_new_privs, -1, "old: NoNewPrivs unknown");
  is_int (p->seccomp, 0, "old: Seccomp");
  is_int (p->seccomp_filters, -1, "old: Seccomp_filters unknown");
}

static void
test_sandboxed (void)
{
  /* A setuid-root sandboxed renderer three pid namespaces deep. */
  struct iso_proc *p = fresh ();
  is_int (parse_fixture ("status-sandboxed.txt", p), 0, "sandboxed status parses");
  is_int (p->uid, 1000, "sandboxed: real uid");
  is_int (p->euid, 0, "sandboxed: effective uid differs");
  is_int (p->gid, 1000, "sandboxed: gid");
  is_int (p->egid, 1000, "sandboxed: egid");
  is_int (p->nnspid, 3, "sandboxed: three NSpid levels");
  ok (p->nnspid == 3 && p->nspid[0] == 4242 && p->nspid[1] == 7 && p->nspid[2] == 2, "sandboxed: NSpid 4242 7 2");
  is_int (p->nthreads, 17, "sandboxed: Threads");
  is_u64 (p->cap_eff, 0xa80425fbULL, "sandboxed: CapEff");
  is_u64 (p->cap_amb, 0x400ULL, "sandboxed: CapAmb (CAP_NET_BIND_SERVICE)");
  ok (p->caps_known, "sandboxed: caps known");
  is_int (p->no_new_privs, 1, "sandboxed: NoNewPrivs 1");
  is_int (p->seccomp, 2, "sandboxed: Seccomp filter mode");
  is_int (p->seccomp_filters, 3, "sandboxed: Seccomp_filters 3 (not confused with Seccomp)");
}

static void
test_self (void)
{
  char *text = NULL;
  long n = util_read_file_at (AT_FDCWD, "/proc/self/status", &text);
  struct iso_proc *p = fresh ();
  is_int (n > 0 ? proc_parse_status (text, p) : -1, 0, "/proc/self/status parses");
  is_int (p->uid, getuid (), "self: uid");
  is_int (p->euid, geteuid (), "self: euid");
  is_int (p->gid, getgid (), "self: gid");
  is_int (p->nthreads, 1, "self: one thread");
  ok (p->nnspid >= 1, "self: at least one NSpid level");
  is_int (p->nnspid >= 1 ? p->nspid[p->nnspid - 1] : -1, getpid (), "self: innermost NSpid is getpid ()");
  ok (p->caps_known, "self: caps known");
  ok (p->no_new_privs >= 0 && p->seccomp >= 0, "self: NoNewPrivs and Seccomp known");
  free (text);
}

static void
test_partial (void)
{
  struct iso_proc *p = fresh ();
  is_int (proc_parse_status ("Name:\tx\nThreads:\t3", p), 0, "no trailing newline parses");
  is_int (p->nthreads, 3, "no trailing newline: last field read");

  p = fresh ();
  is_int (proc_parse_status ("Name:\tx\nNSpid:\t9\t8", p), 0, "NSpid as the last line without newline");
  ok (p->nnspid == 2 && p->nspid[0] == 9 && p->nspid[1] == 8, "NSpid without newline: 9 8");

  p = fresh ();
  is_int (proc_parse_status ("Pid:\t5\n", p), 0, "a Pid line alone is enough to be a status file");

  p = fresh ();
  proc_parse_status ("Name:\tx\nCapInh:\t0\nCapPrm:\t1\nCapEff:\t1\n", p);
  ok (!p->caps_known, "three of the four main Cap* lines: caps not known");
  p = fresh ();
  proc_parse_status ("Name:\tx\nCapAmb:\t0\n", p);
  ok (!p->caps_known, "CapAmb alone: caps not known");
  p = fresh ();
  proc_parse_status ("Name:\tx\nCapInh:\t0\nCapPrm:\t1\nCapEff:\tzz\nCapBnd:\t1\n", p);
  ok (!p->caps_known, "a non-hex CapEff: caps not known");
  is_u64 (p->cap_eff, 0, "a non-hex CapEff is not stored");
  p = fresh ();
  proc_parse_status ("Name:\tx\nCapInh:\t0\nCapPrm:\t1\nCapEff:\t1ffffffffffffffff\nCapBnd:\t1\n", p);
  ok (!p->caps_known, "a 65-bit CapEff: caps not known");
  p = fresh ();
  proc_parse_status ("Name:\tx\nCapInh:\t0\nCapPrm:\tffffffffffffffff\nCapEff:\t0\nCapBnd:\t0\n", p);
  is_u64 (p->cap_prm, UINT64_MAX, "CapPrm of 64 ones");
  ok (p->caps_known, "four main Cap* lines: caps known");

  /* Two NSpid lines: the second replaces the first (and the first is freed). */
  p = fresh ();
  proc_parse_status ("Name:\tx\nNSpid:\t1\t2\t3\nNSpid:\t4\n", p);
  ok (p->nnspid == 1 && p->nspid[0] == 4, "a repeated NSpid line replaces the first");
  p = fresh ();
  proc_parse_status ("Name:\tx\nNSpid:\n", p);
  ok (p->nnspid == 0 && p->nspid == NULL, "an empty NSpid line gives no levels");
  /* Found by tests/fuzz/fuzz-nspid.c: strtol skipped the newline and read the next line's number. */
  static const struct
  {
    const char *text;
    int levels;
    pid_t first;
    const char *what;
  } nspid_cases[] = {
    { "Name:\tx\nNSpid:\n1\n", 0, 0, "an empty NSpid line takes nothing from the next line" },
    { "Name:\tx\nNSpid:\t5\n7 8\n", 1, 5, "NSpid 5 stays one level when the next line starts with numbers" },
    { "Name:\tx\nNSpid:\t2+1\n", 1, 2, "NSpid 2+1 is one level: levels are separated by blanks" },
  };
  for (size_t i = 0; i < sizeof nspid_cases / sizeof nspid_cases[0]; i++)
    {
      p = fresh ();
      proc_parse_status (nspid_cases[i].text, p);
      ok (p->nnspid == nspid_cases[i].levels && (p->nnspid == 0 || p->nspid[0] == nspid_cases[i].first), "%s",
          nspid_cases[i].what);
    }
  p = fresh ();
  proc_parse_status ("Name:\tx\nThreads:\n4\nUid:\n0 0\n", p);
  ok (p->nthreads == 0 && p->uid == -1, "empty Threads and Uid lines stay unknown");
  p = fresh ();
  proc_parse_status ("Name:\tx\nCapInh:\n0\nCapPrm:\t0\nCapEff:\t0\nCapBnd:\t0\n", p);
  ok (!p->caps_known, "an empty CapInh line is not read from the next line");
  p = fresh ();
  proc_parse_status ("Name:\tx\nNSpid:\t5\t-1\t7\n", p);
  ok (p->nnspid == 1 && p->nspid[0] == 5, "NSpid stops at a negative value");
  p = fresh ();
  proc_parse_status ("Name:\tx\nNSpid:\t5\t0\n", p);
  ok (p->nnspid == 1 && p->nspid[0] == 5, "NSpid stops at 0");
}

static void
test_nspid_cap (void)
{
  /* 100 levels (the kernel allows 32): the parser keeps the first 64. */
  struct strbuf b = { 0 };
  strbuf_puts (&b, "Name:\tdeep\nNSpid:");
  for (int i = 0; i < 100; i++)
    strbuf_printf (&b, "\t%d", 1000 - i);
  strbuf_puts (&b, "\nThreads:\t2\n");
  struct iso_proc *p = fresh ();
  is_int (proc_parse_status (b.s, p), 0, "100 NSpid levels parse");
  is_int (p->nnspid, 64, "NSpid is capped at 64 levels");
  ok (p->nnspid == 64 && p->nspid[0] == 1000 && p->nspid[63] == 937, "the first 64 levels are kept in order");
  is_int (p->nthreads, 2, "the line after 100 NSpid levels is still read");
  free (strbuf_steal (&b));
}

static void
test_malformed (void)
{
  struct iso_proc *p = fresh ();
  is_int (proc_parse_status ("Name:\tx\nUid:\tabc\t0\t0\t0\nGid:\t5\t6\t7\t8\n", p), 0, "a non-numeric Uid parses");
  is_int (p->uid, -1, "non-numeric Uid: uid stays unknown");
  is_int (p->euid, -1, "non-numeric Uid: euid stays unknown");
  is_int (p->gid, 5, "non-numeric Uid: the next line is still read");
  is_int (p->egid, 6, "non-numeric Uid: egid of the next line");

  p = fresh ();
  proc_parse_status ("Name:\tx\nUid:\t5\nGid:\t6\t6\t6\t6\n", p);
  is_int (p->uid, -1, "a Uid line with one value is not read");
  is_int (p->gid, 6, "the line after a short Uid line is read");

  p = fresh ();
  proc_parse_status ("Name:\tx\nUid 5\t5\t5\t5\nThreads 9\n", p);
  ok (p->uid == -1 && p->nthreads == 0, "lines without a colon are ignored");

  p = fresh ();
  proc_parse_status ("Name:x\nUid:7 8 9 10\nThreads:2\n", p);
  ok (p->uid == 7 && p->euid == 8 && p->nthreads == 2, "a missing tab after the colon is tolerated");

  p = fresh ();
  proc_parse_status ("Name:\tx\nUidx:\t5\t5\t5\t5\nThreadsy:\t9\nSeccompz:\t2\nCapXyz:\t1\n", p);
  ok (p->uid == -1 && p->nthreads == 0 && p->seccomp == -1, "keys that only start like known keys are ignored");

  p = fresh ();
  proc_parse_status ("Name:\tx\nThreads:\t0\nNoNewPrivs:\tyes\nSeccomp:\t\n", p);
  ok (p->nthreads == 0 && p->no_new_privs == -1 && p->seccomp == -1,
      "Threads 0, NoNewPrivs word, empty Seccomp: unknown");

  p = fresh ();
  proc_parse_status ("Name:\tx\nUid:\t99999999999999999999\t0\t0\t0\nThreads:\t99999999999999999999\n", p);
  ok (p->uid == -1 && p->nthreads == 0, "numbers beyond long are not stored");

  /* Numbers that fit a long but not the field they go into. */
  p = fresh ();
  proc_parse_status ("Name:\tx\nThreads:\t4294967297\n", p);
  is_int (p->nthreads, 0, "Threads 2^32+1 is not stored (would wrap to 1)");
  p = fresh ();
  proc_parse_status ("Name:\tx\nNSpid:\t5\t4294967297\n", p);
  ok (p->nnspid < 2, "an NSpid level of 2^32+1 is not stored as pid 1");
  p = fresh ();
  proc_parse_status ("Name:\tx\nSeccomp:\t4294967298\nNoNewPrivs:\t4294967297\n", p);
  ok (p->seccomp == -1 && p->no_new_privs == -1, "Seccomp 2^32+2 / NoNewPrivs 2^32+1 are not stored as 2 / 1");
  p = fresh ();
  proc_parse_status ("Name:\tx\nUid:\t4294967296\t4294967296\t0\t0\n", p);
  is_int (p->uid, -1, "Uid 2^32 is not stored (util_user_name would show it as root)");
}

static void
test_not_status (void)
{
  struct iso_proc *p = fresh ();
  is_int (proc_parse_status ("", p), -EINVAL, "empty text is -EINVAL");
  is_int (proc_parse_status ("\n\n", p), -EINVAL, "blank lines are -EINVAL");
  is_int (proc_parse_status ("hello world\n", p), -EINVAL, "a sentence is -EINVAL");
  is_int (proc_parse_status ("Foo:\tbar\nBaz:\t1\n", p), -EINVAL, "key/value text of another file is -EINVAL");
  is_int (proc_parse_status ("1234 (cat) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5\n", p), -EINVAL,
          "a stat line is -EINVAL");
  is_int (proc_parse_status ("Uid:\t5\t5\t5\t5\nThreads:\t2\n", p), -EINVAL,
          "status fields without Name or Pid are -EINVAL");
}

static void
test_cmdline (void)
{
  char *s = proc_cmdline_join ("a\0b\0c\0", 6);
  is_str (s, "a b c", "cmdline: NUL-separated arguments joined by spaces");
  free (s);
  s = proc_cmdline_join ("sleep\0\0\0", 8);
  is_str (s, "sleep", "cmdline: trailing NULs dropped");
  free (s);
  s = proc_cmdline_join ("", 0);
  is_str (s, NULL, "cmdline: empty is NULL");
  s = proc_cmdline_join ("\0\0\0", 3);
  is_str (s, NULL, "cmdline: only NULs is NULL");
  s = proc_cmdline_join ("init", 4);
  is_str (s, "init", "cmdline: a single argument without NUL (setproctitle style)");
  free (s);
  s = proc_cmdline_join ("init\0", 5);
  is_str (s, "init", "cmdline: a single argument");
  free (s);
  s = proc_cmdline_join ("a\0\0b\0", 5);
  is_str (s, "a  b", "cmdline: an empty argument in the middle stays visible");
  free (s);
  s = proc_cmdline_join ("\0a\0", 3);
  is_str (s, " a", "cmdline: an empty first argument");
  free (s);
  s = proc_cmdline_join ("abc\0def", 2);
  is_str (s, "ab", "cmdline: only LEN bytes are used");
  free (s);

  long n;
  char *text = fixture_read ("cmdline-sh.bin", &n);
  is_int (n, 31, "cmdline fixture length");
  s = text ? proc_cmdline_join (text, (size_t)n) : NULL;
  is_str (s, "sh -c sleep 1; echo done  last", "cmdline fixture: sh -c SCRIPT \"\" last");
  free (s);
  free (text);

  text = NULL;
  n = util_read_file_at (AT_FDCWD, "/proc/self/cmdline", &text);
  s = n > 0 ? proc_cmdline_join (text, (size_t)n) : NULL;
  ok (s && strstr (s, "test-proc-status") != NULL, "cmdline: /proc/self/cmdline names this program");
  free (s);
  free (text);
}

int
main (void)
{
  model = iso_model_new ();
  test_defaults ();
  test_real_nested ();
  test_old_kernel ();
  test_sandboxed ();
  test_self ();
  test_partial ();
  test_nspid_cap ();
  test_malformed ();
  test_not_status ();
  test_cmdline ();
  iso_model_free (model);
  return done_testing ();
}
