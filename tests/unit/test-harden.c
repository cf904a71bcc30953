// SPDX-License-Identifier: GPL-2.0-or-later
/* test-harden.c: the seccomp policy file parser (good and malformed input), capability names and the
   profiles of `isoscope run` (resolution, flags beside a profile, weakenings, the plan's expectation). */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/security.h"
#include "isoscope/util.h"
#include "isoscope/verify.h"
#include "tap.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- seccomp policy files ---- */

static struct seccomp_policy *
parse_ok (const char *text, const char *what)
{
  struct seccomp_policy *pol = NULL;
  cleanup_error iso_error_t err = NULL;
  int r = seccomp_policy_parse (text, "t.policy", &pol, &err);
  ok (r == 0 && pol, "parses: %s", what);
  if (err)
    diag ("%s", err->msg);
  return pol;
}

static void
parse_bad (const char *text, const char *want_in_msg, const char *what)
{
  struct seccomp_policy *pol = NULL;
  cleanup_error iso_error_t err = NULL;
  int r = seccomp_policy_parse (text, "t.policy", &pol, &err);
  bool named = err && strstr (err->msg, want_in_msg);
  ok (r < 0 && !pol && named, "refused, message has '%s': %s", want_in_msg, what);
  if (!named)
    diag ("message: %s", err ? err->msg : "(none)");
  seccomp_policy_free (pol);
}

static void
test_policy_good (void)
{
  struct seccomp_policy *pol = parse_ok ("", "an empty file");
  if (pol)
    {
      is_int (pol->nrules, 0, "an empty file: no rules");
      is_int (pol->def_action, SECCOMP_POLICY_ALLOW, "an empty file: everything allowed");
    }
  seccomp_policy_free (pol);

  pol = parse_ok ("# a policy\n"
                  "default errno:ENOSYS\n"
                  "  allow read   # trailing comment\n"
                  "\n"
                  "deny mount\n"
                  "errno:EACCES ioctl arg1 & 0xffffffff == 0x5412\n"
                  "kill ptrace\n"
                  "log openat arg2 >= 0x10 arg0 != 5\n"
                  "errno:38 keyctl\n",
                  "every statement");
  if (pol && pol->nrules == 6)
    {
      is_int (pol->def_action, SECCOMP_POLICY_ERRNO, "default errno:ENOSYS: an errno action");
      is_int (pol->def_errno, ENOSYS, "default errno:ENOSYS: ENOSYS");
      is_str (pol->rules[0].syscall, "read", "rule 1: read");
      is_int (pol->rules[0].action, SECCOMP_POLICY_ALLOW, "rule 1: allow");
      is_int (pol->rules[1].action, SECCOMP_POLICY_ERRNO, "deny: an errno action");
      is_int (pol->rules[1].errno_ret, EPERM, "deny: EPERM");
      const struct seccomp_policy_rule *io = &pol->rules[2];
      ok (io->ncmp == 1 && io->cmp[0].arg == 1 && io->cmp[0].op == SECCOMP_POLICY_MASKED_EQ
              && io->cmp[0].mask == 0xffffffffULL && io->cmp[0].value == 0x5412 && io->errno_ret == EACCES,
          "ioctl arg1 & 0xffffffff == 0x5412 with errno:EACCES");
      is_int (pol->rules[3].action, SECCOMP_POLICY_KILL, "kill ptrace: kill");
      const struct seccomp_policy_rule *op = &pol->rules[4];
      ok (op->action == SECCOMP_POLICY_LOG && op->ncmp == 2 && op->cmp[0].arg == 2 && op->cmp[0].op == SECCOMP_POLICY_GE
              && op->cmp[0].value == 16 && op->cmp[1].arg == 0 && op->cmp[1].op == SECCOMP_POLICY_NE
              && op->cmp[1].value == 5,
          "two conditions, hex and decimal, in the order given");
      is_int (pol->rules[5].errno_ret, 38, "errno:38: a number");
      /* Each rule printed is a line of the format again, and reads back as the same rule. */
      bool same = true;
      for (size_t i = 0; i < pol->nrules; i++)
        {
          cleanup_free char *line = seccomp_policy_rule_text (&pol->rules[i]);
          struct seccomp_policy *back = NULL;
          cleanup_error iso_error_t err = NULL;
          if (seccomp_policy_parse (line, "back", &back, &err) < 0 || back->nrules != 1)
            same = false;
          else
            {
              const struct seccomp_policy_rule *a = &pol->rules[i], *b = &back->rules[0];
              same = same && strcmp (a->syscall, b->syscall) == 0 && a->action == b->action && a->ncmp == b->ncmp
                     && (a->action != SECCOMP_POLICY_ERRNO || a->errno_ret == b->errno_ret)
                     && memcmp (a->cmp, b->cmp, a->ncmp * sizeof a->cmp[0]) == 0;
            }
          if (!same)
            diag ("rule %zu printed as '%s'", i, line);
          seccomp_policy_free (back);
        }
      ok (same, "every rule printed reads back as itself");
    }
  else
    ok (0, "six rules (got %zu)", pol ? pol->nrules : 0);
  seccomp_policy_free (pol);

  static const char *const needs[][2] = {
    { "", NULL },
    { "default kill\nallow sendto\nallow recvfrom\nallow execve\nallow exit_group\n", NULL },
    { "deny recvfrom\n", "recvfrom" },
    { "default errno\nallow sendto\n", "recvfrom" },
    { "kill execve\nallow execve\n", "execve" },
    { "deny exit_group arg0 == 1\n", NULL },
    { "log sendto\ndeny sendto\n", NULL },
    { "include default\n", NULL },
  };
  for (size_t i = 0; i < ARRAY_SIZE (needs); i++)
    {
      struct seccomp_policy *np = NULL;
      if (seccomp_policy_parse (needs[i][0], "n", &np, NULL) < 0)
        {
          ok (0, "needs case %zu parses", i);
          continue;
        }
      is_str (seccomp_policy_blocks_needed (np, false), needs[i][1],
              "the calls isoscope needs after the filter, case %zu", i);
      seccomp_policy_free (np);
    }
  struct seccomp_policy *early = NULL;
  seccomp_policy_parse ("deny setsid\n", "e", &early, NULL);
  ok (early && !seccomp_policy_blocks_needed (early, false) && seccomp_policy_blocks_needed (early, true)
          && strcmp (seccomp_policy_blocks_needed (early, true), "setsid") == 0,
      "installed early (without no_new_privs), setsid is needed too");
  seccomp_policy_free (early);
  struct seccomp_policy *def = seccomp_policy_default ();
  pol = parse_ok ("include default\nallow keyctl\n", "include default");
  if (pol)
    {
      is_int (pol->nrules, def->nrules + 1, "include default: the built-in rules, then the file's");
      is_str (pol->rules[pol->nrules - 1].syscall, "keyctl", "include default: the file's rule comes last");
    }
  seccomp_policy_free (pol);
  /* The built-in policy itself holds the calls the issue names, each refused with EPERM
     (clone3 with ENOSYS, so that libc falls back to clone). */
  static const char *const must[]
      = { "unshare",          "setns",   "mount",           "umount2",    "pivot_root",
          "keyctl",           "add_key", "request_key",     "kexec_load", "init_module",
          "finit_module",     "bpf",     "perf_event_open", "ptrace",     "process_vm_readv",
          "open_by_handle_at" };
  size_t found = 0;
  for (size_t k = 0; k < ARRAY_SIZE (must); k++)
    for (size_t i = 0; i < def->nrules; i++)
      if (strcmp (def->rules[i].syscall, must[k]) == 0 && def->rules[i].errno_ret == EPERM)
        {
          found++;
          break;
        }
  is_int (found, ARRAY_SIZE (must), "the built-in policy refuses each named call with EPERM");
  int tiocsti = 0;
  for (size_t i = 0; i < def->nrules; i++)
    if (strcmp (def->rules[i].syscall, "ioctl") == 0 && def->rules[i].cmp[0].op == SECCOMP_POLICY_MASKED_EQ
        && def->rules[i].cmp[0].mask == 0xffffffffULL
        && (def->rules[i].cmp[0].value == 0x5412 || def->rules[i].cmp[0].value == 0x541C))
      tiocsti++;
  is_int (tiocsti, 2, "TIOCSTI and TIOCLINUX compared on the low 32 bits only (CVE-2019-10063)");
  seccomp_policy_free (def);
}

static void
test_policy_bad (void)
{
  parse_bad ("frobnicate mount\n", "'frobnicate' is not an action", "an unknown action");
  parse_bad ("deny not_a_syscall\n", "'not_a_syscall' is not a system call", "an unknown system call");
  parse_bad ("deny\n", "needs a system call", "an action alone");
  parse_bad ("deny mount arg6 == 1\n", "'arg6' is not an argument", "arg6");
  parse_bad ("deny mount argx == 1\n", "'argx' is not an argument", "argx");
  parse_bad ("deny mount arg0 ~ 1\n", "'~' is not a comparison", "an unknown comparison");
  parse_bad ("deny mount arg0 == x\n", "'x' is not a number", "a value that is not a number");
  parse_bad ("deny mount arg0 == -1\n", "'-1' is not a number", "a negative value");
  parse_bad ("deny mount arg0 == 99999999999999999999999\n", "is not a number", "a value beyond 64 bits");
  parse_bad ("deny mount arg0 == 0x\n", "'0x' is not a number", "0x alone");
  parse_bad ("deny mount arg0 == 1 arg0 == 2\n", "compared twice", "one argument twice");
  parse_bad ("deny mount arg0 ==\n", "incomplete", "a condition without its value");
  parse_bad ("deny mount arg0 & 1 != 1\n", "only == is allowed", "a mask with !=");
  parse_bad ("deny mount arg0 & z == 1\n", "not numbers", "a mask that is not a number");
  parse_bad ("default allow\ndefault kill\n", "t.policy:2: a second 'default'", "two default lines");
  parse_bad ("default\n", "'default' takes one action", "default without an action");
  parse_bad ("default allow kill\n", "'default' takes one action", "default with two actions");
  parse_bad ("errno:0 mount\n", "is not an action", "errno 0");
  parse_bad ("errno:4096 mount\n", "is not an action", "errno 4096");
  parse_bad ("errno:EBOGUS mount\n", "is not an action", "an unknown errno name");
  parse_bad ("include other\n", "only 'include default'", "include of something else");
  parse_bad ("allow read\n\n# a comment\ndeny bogus_call\n", "t.policy:4:", "the line number counts every line");
  parse_bad ("deny mount arg0 == 1 arg1 == 1 arg2 == 1 arg3 == 1 arg4 == 1 arg5 == 1 arg5 == 2\n", "compared twice",
             "a seventh condition");

  cleanup_error iso_error_t err = NULL;
  struct seccomp_policy *pol = NULL;
  ok (seccomp_policy_load ("/nonexistent/isoscope.policy", &pol, &err) < 0 && err
          && strstr (err->msg, "/nonexistent/isoscope.policy"),
      "a missing file: the error names it");
  char tmpl[] = "/tmp/isoscope-policy.XXXXXX";
  int fd = mkstemp (tmpl);
  if (fd >= 0 && write (fd, "deny mount\0deny bpf\n", 20) == 20)
    {
      iso_error_release (&err);
      ok (seccomp_policy_load (tmpl, &pol, &err) < 0 && err && strstr (err->msg, "NUL"),
          "a file with a NUL byte is refused");
    }
  else
    ok (0, "cannot write %s", tmpl);
  if (fd >= 0)
    close (fd);
  unlink (tmpl);
}

/* ---- capability names ---- */

static void
test_caps (void)
{
  uint64_t m = 0;
  char *bad = NULL;
  ok (caps_parse_list ("CAP_NET_RAW", &m, &bad) == 0 && m == 1ULL << CAP_NET_RAW, "CAP_NET_RAW");
  ok (caps_parse_list ("net_raw", &m, &bad) == 0 && m == 1ULL << CAP_NET_RAW, "net_raw (no prefix, lower case)");
  ok (caps_parse_list ("Net_Raw,chown,,SYS_ADMIN", &m, &bad) == 0
          && m == ((1ULL << CAP_NET_RAW) | (1ULL << CAP_CHOWN) | (1ULL << CAP_SYS_ADMIN)),
      "a list in mixed case, an empty item skipped");
  ok (caps_parse_list ("ALL", &m, &bad) == 0 && m == CAPS_ALL, "ALL");
  ok (caps_parse_list ("all,kill", &m, &bad) == 0 && m == (CAPS_ALL | (1ULL << CAP_KILL)), "all with a name");
  static const char *const wrong[][2] = {
    { "bogus", "bogus" }, { "13", "13" }, { "cap_", "cap_" }, { "chown,nope", "nope" }, { "", "" }, { ",", "," },
  };
  for (size_t i = 0; i < ARRAY_SIZE (wrong); i++)
    {
      int r = caps_parse_list (wrong[i][0], &m, &bad);
      ok (r == -EINVAL && bad && strcmp (bad, wrong[i][1]) == 0, "'%s' refused, naming '%s'", wrong[i][0], wrong[i][1]);
      free (bad);
      bad = NULL;
    }
  uint64_t all = sec_all_caps (), raw = 1ULL << CAP_NET_RAW, kill = 1ULL << CAP_KILL;
  is_u64 (caps_resolve (0, raw, 0), raw, "nothing, --cap-add NET_RAW: NET_RAW");
  is_u64 (caps_resolve (all, 0, raw), all & ~raw, "everything, --cap-drop NET_RAW: all but it");
  is_u64 (caps_resolve (0, CAPS_ALL, raw), all & ~raw, "--cap-add ALL --cap-drop NET_RAW: all but it");
  is_u64 (caps_resolve (all, kill, CAPS_ALL), kill, "--cap-drop ALL --cap-add KILL: KILL only");
  is_u64 (caps_resolve (0, raw, raw), raw, "a capability added and dropped is kept (adds win)");
  cleanup_free char *none = caps_text (0), *every = caps_text (all), *two = caps_text (raw | kill);
  is_str (none, "none", "no capabilities: 'none'");
  is_str (every, "ALL", "every capability: 'ALL'");
  is_str (two, "cap_kill,cap_net_raw", "two capabilities by name, in bit order");
}

/* ---- profiles ---- */

static void
plan_init (struct run_plan *p)
{
  memset (p, 0, sizeof *p);
  p->limits.memory = p->limits.memory_swap = p->limits.pids = -1;
}

static void
plan_free (struct run_plan *p)
{
  free (p->limits.rlimits);
  seccomp_policy_free (p->harden.policy);
}

static size_t
count_weak (const struct run_plan *p, const char *must_have)
{
  char **w = run_profile_weakenings (p);
  size_t n = 0, with = 0;
  for (char **l = w; *l; l++, n++)
    {
      with += must_have && strstr (*l, must_have) != NULL;
      free (*l);
    }
  free (w);
  return must_have ? (with == n ? n : (size_t)-1) : n;
}

static void
test_profiles (void)
{
  struct run_plan p;
  plan_init (&p);
  cleanup_error iso_error_t err = NULL;
  ok (run_profile_apply (&p, "nope", &err) < 0 && err && strstr (err->msg, "'nope'")
          && strstr (err->msg, "strict, default, compat"),
      "an unknown profile: named, with the known ones");

  plan_init (&p);
  ok (run_profile_apply (&p, "default", NULL) == 0, "default applies");
  const struct run_harden *h = &p.harden;
  ok (!h->caps_unchanged && h->caps_keep == 0 && h->seccomp == RUN_SECCOMP_DEFAULT && h->nnp
          && h->session == RUN_SESSION_TTY && !h->keep_env && h->masks,
      "default: no capabilities, the built-in seccomp, nnp, a session on a tty, the allowlist, masks");
  bool any_ns = false;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    any_ns |= p.ns[t].want;
  ok (!any_ns && !p.mount_proc && p.limits.nrlimits == 0, "default: adds no namespace, proc or rlimit");
  is_int (count_weak (&p, NULL), 0, "default: no weakening");
  struct verify_expect e;
  sandbox_expect (&p, &e);
  ok (e.check_caps && e.caps_max == 0 && e.nnp == 1 && e.seccomp_mode == 2 && e.check_fds && e.nallowed_fds == 0
          && !e.masked && e.memory_max == -1 && e.pids_max == -1 && e.new_ns[NS_NET] == 0,
      "default: the expectation (no caps, nnp 1, seccomp 2, fds 0-2, our namespaces, no limits)");

  plan_init (&p);
  run_profile_apply (&p, "strict", NULL);
  ok (p.ns[NS_MNT].want && p.ns[NS_PID].want && p.ns[NS_UTS].want && p.ns[NS_IPC].want && p.ns[NS_NET].want
          && p.ns[NS_CGROUP].want && p.mount_proc && strcmp (p.mount_proc, "/proc") == 0,
      "strict: every namespace and a new /proc");
  ok (p.harden.session == RUN_SESSION_ALWAYS, "strict: a new session always");
  ok (p.limits.nrlimits == 2 && p.limits.rlimits[0].resource == RLIMIT_CORE && p.limits.rlimits[0].hard == 0
          && p.limits.rlimits[1].resource == RLIMIT_NOFILE && p.limits.rlimits[1].soft == 1024,
      "strict: core=0 and nofile=1024");
  sandbox_expect (&p, &e);
  bool kcore = false;
  for (const char *const *m = e.masked; m && *m; m++)
    kcore |= strcmp (*m, "/proc/kcore") == 0;
  ok (kcore && e.readonly && e.new_ns[NS_PID] == 1 && e.new_ns[NS_NET] == 1,
      "strict: the expectation has /proc/kcore masked, new pid and net namespaces");
  plan_free (&p);

  plan_init (&p);
  p.limits.rlimits = xcalloc (1, sizeof *p.limits.rlimits);
  p.limits.rlimits[0] = (struct run_rlimit){ RLIMIT_NOFILE, 10, 20 };
  p.limits.nrlimits = 1;
  run_profile_apply (&p, "strict", NULL);
  ok (p.limits.nrlimits == 2 && p.limits.rlimits[0].soft == 10 && p.limits.rlimits[1].resource == RLIMIT_CORE,
      "strict beside --rlimit nofile=10:20: the option's nofile stays, core=0 is added");
  plan_free (&p);

  plan_init (&p);
  run_profile_apply (&p, "compat", NULL);
  h = &p.harden;
  ok (h->caps_unchanged && h->seccomp == RUN_SECCOMP_UNCONFINED && !h->nnp && h->session == RUN_SESSION_NEVER
          && h->keep_env && !h->masks,
      "compat: capabilities, privileges, session and environment left alone; no seccomp, no masks");
  is_int (count_weak (&p, "(profile compat)"), 6, "compat: six weakenings, each saying it came from the profile");
  sandbox_expect (&p, &e);
  ok (!e.check_caps && e.nnp == -1 && e.seccomp_mode == -1, "compat: caps, nnp and seccomp not checked");

  /* Options beside a profile win, whichever order they came in. */
  plan_init (&p);
  p.harden.flagged = 1U << RUN_SET_SECCOMP | 1U << RUN_SET_NNP;
  p.harden.seccomp = RUN_SECCOMP_UNCONFINED;
  p.harden.nnp = false;
  run_profile_apply (&p, "strict", NULL);
  ok (p.harden.seccomp == RUN_SECCOMP_UNCONFINED && !p.harden.nnp && p.harden.masks,
      "strict beside --seccomp unconfined --allow-new-privs: those two stay, the rest is strict's");
  is_int (count_weak (&p, NULL), 2, "two weakenings");
  is_int (count_weak (&p, "--"), 2, "each names its option");
  plan_free (&p);

  plan_init (&p);
  p.harden.flagged = 1U << RUN_SET_CAPS;
  p.harden.cap_add = 1ULL << CAP_NET_RAW;
  run_profile_apply (&p, "default", NULL);
  is_u64 (p.harden.caps_keep, 1ULL << CAP_NET_RAW, "default beside --cap-add NET_RAW: NET_RAW only");
  is_int (count_weak (&p, "cap_net_raw"), 1, "the kept capability is a weakening, by name");
  plan_init (&p);
  p.harden.flagged = 1U << RUN_SET_CAPS;
  p.harden.cap_drop = 1ULL << CAP_NET_RAW;
  run_profile_apply (&p, "compat", NULL);
  ok (!p.harden.caps_unchanged && p.harden.caps_keep == (sec_all_caps () & ~(1ULL << CAP_NET_RAW)),
      "compat beside --cap-drop NET_RAW: everything but NET_RAW, applied to every set");

  plan_init (&p);
  int fds[] = { 7, 9 };
  p.harden.pass_fds = fds;
  p.harden.npass_fds = 2;
  p.limits.memory = 1 << 20;
  run_profile_apply (&p, "default", NULL);
  sandbox_expect (&p, &e);
  ok (e.nallowed_fds == 2 && e.allowed_fds[0] == 7 && e.allowed_fds[1] == 9 && e.memory_max == 1 << 20,
      "--pass-fd 7 --pass-fd 9 --memory 1M: allowed fds and the memory limit in the expectation");
  is_int (count_weak (&p, "--pass-fd"), 2, "each passed fd is a weakening");
}

int
main (void)
{
  test_policy_good ();
  test_policy_bad ();
  test_caps ();
  test_profiles ();
  return done_testing ();
}
