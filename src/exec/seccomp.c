// SPDX-License-Identifier: GPL-2.0-or-later
/* seccomp.c: the built-in seccomp policy of `isoscope run` as a table, and any policy loaded through libseccomp. */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

/* The built-in policy: everything is allowed but what an unprivileged Docker container
   cannot reach (its default.json without capabilities), plus terminal injection.  A
   blocked call fails with EPERM; clone3 fails with ENOSYS so that libc falls back to
   clone, whose flags can be inspected (as Docker does). */
struct seccomp_default_rule
{
  const char *syscall;
  int errno_ret;
  unsigned ncmp;
  struct seccomp_policy_cmp cmp[1];
  const char *why;
};

#define WHY_NS "new namespaces are isoscope's to make (CVE-2022-0185 class: user namespaces reach kernel code)"
#define WHY_MOUNT "the mount tree is fixed before exec; mounts change what the masks hide"
#define WHY_KEYS "the kernel keyring is not namespaced"
#define WHY_KERNEL "replacing or extending the running kernel"
#define WHY_BPF "bpf and perf expose kernel memory and other processes (Docker gates them on CAP_BPF/CAP_PERFMON)"
#define WHY_PTRACE "reading or changing other processes (Docker gates these on CAP_SYS_PTRACE)"
#define WHY_TTY "terminal input injection (CVE-2017-5226; high bits ignored, CVE-2019-10063)"
#define WHY_HOST "host-wide state: clock, swap, accounting, quotas, kernel log, NUMA policy, raw IO"
#define WHY_OLD "obsolete or rarely needed interfaces with a history of bugs (userfaultfd, io_uring, vm86)"
#define WHY_HANDLE "open_by_handle_at reaches files outside the root (the 2014 'shocker' escape)"
#define WHY_VSOCK "AF_VSOCK reaches the hypervisor (Docker blocks it)"

#define EQ1(a, v)                                                                                                      \
  1,                                                                                                                   \
  {                                                                                                                    \
    {                                                                                                                  \
      (a), SECCOMP_POLICY_EQ, 0, (v)                                                                                   \
    }                                                                                                                  \
  }
#define BIT1(a, b)                                                                                                     \
  1,                                                                                                                   \
  {                                                                                                                    \
    {                                                                                                                  \
      (a), SECCOMP_POLICY_MASKED_EQ, (b), (b)                                                                          \
    }                                                                                                                  \
  }
#define LOW32(a, v)                                                                                                    \
  1,                                                                                                                   \
  {                                                                                                                    \
    {                                                                                                                  \
      (a), SECCOMP_POLICY_MASKED_EQ, 0xffffffffULL, (v)                                                                \
    }                                                                                                                  \
  }
#define NONE                                                                                                           \
  0,                                                                                                                   \
  {                                                                                                                    \
    {                                                                                                                  \
      0, 0, 0, 0                                                                                                       \
    }                                                                                                                  \
  }

/* The CLONE_NEW* flags (clone takes all but CLONE_NEWTIME, whose bit is CSIGNAL's there). */
#define NS_RULES(sc)                                                                                                   \
  { sc, EPERM, BIT1 (0, 0x00020000), WHY_NS }, { sc, EPERM, BIT1 (0, 0x02000000), WHY_NS },                            \
      { sc, EPERM, BIT1 (0, 0x04000000), WHY_NS }, { sc, EPERM, BIT1 (0, 0x08000000), WHY_NS },                        \
      { sc, EPERM, BIT1 (0, 0x10000000), WHY_NS }, { sc, EPERM, BIT1 (0, 0x20000000), WHY_NS },                        \
  {                                                                                                                    \
    sc, EPERM, BIT1 (0, 0x40000000), WHY_NS                                                                            \
  }

static const struct seccomp_default_rule seccomp_default_rules[] = {
  NS_RULES ("clone"),
  NS_RULES ("unshare"),
  { "unshare", EPERM, BIT1 (0, 0x80), WHY_NS },
  { "clone3", ENOSYS, NONE, WHY_NS },
  { "setns", EPERM, NONE, WHY_NS },
  { "mount", EPERM, NONE, WHY_MOUNT },
  { "umount", EPERM, NONE, WHY_MOUNT },
  { "umount2", EPERM, NONE, WHY_MOUNT },
  { "pivot_root", EPERM, NONE, WHY_MOUNT },
  { "fsopen", EPERM, NONE, WHY_MOUNT },
  { "fsconfig", EPERM, NONE, WHY_MOUNT },
  { "fsmount", EPERM, NONE, WHY_MOUNT },
  { "fspick", EPERM, NONE, WHY_MOUNT },
  { "move_mount", EPERM, NONE, WHY_MOUNT },
  { "open_tree", EPERM, NONE, WHY_MOUNT },
  { "mount_setattr", EPERM, NONE, WHY_MOUNT },
  { "keyctl", EPERM, NONE, WHY_KEYS },
  { "add_key", EPERM, NONE, WHY_KEYS },
  { "request_key", EPERM, NONE, WHY_KEYS },
  { "kexec_load", EPERM, NONE, WHY_KERNEL },
  { "kexec_file_load", EPERM, NONE, WHY_KERNEL },
  { "reboot", EPERM, NONE, WHY_KERNEL },
  { "init_module", EPERM, NONE, WHY_KERNEL },
  { "finit_module", EPERM, NONE, WHY_KERNEL },
  { "delete_module", EPERM, NONE, WHY_KERNEL },
  { "create_module", EPERM, NONE, WHY_KERNEL },
  { "bpf", EPERM, NONE, WHY_BPF },
  { "perf_event_open", EPERM, NONE, WHY_BPF },
  { "ptrace", EPERM, NONE, WHY_PTRACE },
  { "process_vm_readv", EPERM, NONE, WHY_PTRACE },
  { "process_vm_writev", EPERM, NONE, WHY_PTRACE },
  { "kcmp", EPERM, NONE, WHY_PTRACE },
  { "pidfd_getfd", EPERM, NONE, WHY_PTRACE },
  { "process_madvise", EPERM, NONE, WHY_PTRACE },
  { "ioctl", EPERM, LOW32 (1, 0x5412), WHY_TTY }, /* TIOCSTI */
  { "ioctl", EPERM, LOW32 (1, 0x541C), WHY_TTY }, /* TIOCLINUX */
  { "settimeofday", EPERM, NONE, WHY_HOST },
  { "stime", EPERM, NONE, WHY_HOST },
  { "clock_settime", EPERM, NONE, WHY_HOST },
  { "clock_adjtime", EPERM, NONE, WHY_HOST },
  { "swapon", EPERM, NONE, WHY_HOST },
  { "swapoff", EPERM, NONE, WHY_HOST },
  { "acct", EPERM, NONE, WHY_HOST },
  { "quotactl", EPERM, NONE, WHY_HOST },
  { "quotactl_fd", EPERM, NONE, WHY_HOST },
  { "syslog", EPERM, NONE, WHY_HOST },
  { "sethostname", EPERM, NONE, WHY_HOST },
  { "setdomainname", EPERM, NONE, WHY_HOST },
  { "iopl", EPERM, NONE, WHY_HOST },
  { "ioperm", EPERM, NONE, WHY_HOST },
  { "mbind", EPERM, NONE, WHY_HOST },
  { "set_mempolicy", EPERM, NONE, WHY_HOST },
  { "get_mempolicy", EPERM, NONE, WHY_HOST },
  { "set_mempolicy_home_node", EPERM, NONE, WHY_HOST },
  { "move_pages", EPERM, NONE, WHY_HOST },
  { "lookup_dcookie", EPERM, NONE, WHY_HOST },
  { "fanotify_init", EPERM, NONE, WHY_HOST },
  { "userfaultfd", EPERM, NONE, WHY_OLD },
  { "io_uring_setup", EPERM, NONE, WHY_OLD },
  { "io_uring_enter", EPERM, NONE, WHY_OLD },
  { "io_uring_register", EPERM, NONE, WHY_OLD },
  { "vm86", EPERM, NONE, WHY_OLD },
  { "vm86old", EPERM, NONE, WHY_OLD },
  { "uselib", EPERM, NONE, WHY_OLD },
  { "ustat", EPERM, NONE, WHY_OLD },
  { "sysfs", EPERM, NONE, WHY_OLD },
  { "_sysctl", EPERM, NONE, WHY_OLD },
  { "nfsservctl", EPERM, NONE, WHY_OLD },
  { "open_by_handle_at", EPERM, NONE, WHY_HANDLE },
  { "socket", EPERM, EQ1 (0, 40), WHY_VSOCK }, /* AF_VSOCK */
};

void
seccomp_policy_add_default (struct seccomp_policy *pol)
{
  size_t n = ARRAY_SIZE (seccomp_default_rules);
  pol->rules = xreallocarray (pol->rules, pol->nrules + n, sizeof *pol->rules);
  for (size_t i = 0; i < n; i++)
    {
      const struct seccomp_default_rule *d = &seccomp_default_rules[i];
      struct seccomp_policy_rule *r = &pol->rules[pol->nrules++];
      memset (r, 0, sizeof *r);
      r->syscall = xstrdup (d->syscall);
      r->action = SECCOMP_POLICY_ERRNO;
      r->errno_ret = d->errno_ret;
      r->ncmp = d->ncmp;
      memcpy (r->cmp, d->cmp, d->ncmp * sizeof d->cmp[0]);
      r->why = d->why;
    }
}

struct seccomp_policy *
seccomp_policy_default (void)
{
  struct seccomp_policy *pol = xzalloc (sizeof *pol);
  pol->source = xstrdup ("default");
  pol->def_action = SECCOMP_POLICY_ALLOW;
  seccomp_policy_add_default (pol);
  return pol;
}

void
seccomp_policy_free (struct seccomp_policy *pol)
{
  if (!pol)
    return;
  for (size_t i = 0; i < pol->nrules; i++)
    free (pol->rules[i].syscall);
  free (pol->rules);
  free (pol->source);
  free (pol);
}

/* ---- the filter: classic BPF written here (libseccomp only names the calls) ----

   For each architecture the process may call the kernel through (the native one, and
   i386 beside x86_64), the numbers of the calls with rules are compared one after the
   other; a call's block tries its rules in order (each a run of argument tests) and
   ends with the default action.  x32 calls (x86_64 with bit 30 set) are refused with
   EPERM as a whole; any other architecture is refused too.  Writing the program here
   costs microseconds; libseccomp took about a millisecond for the built-in policy. */

#define SECCOMP_X32_BIT 0x40000000U
#define SECCOMP_OFF_NR offsetof (struct seccomp_data, nr)
#define SECCOMP_OFF_ARCH offsetof (struct seccomp_data, arch)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SECCOMP_OFF_LO(i) (offsetof (struct seccomp_data, args) + 8 * (i))
#define SECCOMP_OFF_HI(i) (offsetof (struct seccomp_data, args) + 8 * (i) + 4)
#else
#define SECCOMP_OFF_LO(i) (offsetof (struct seccomp_data, args) + 8 * (i) + 4)
#define SECCOMP_OFF_HI(i) (offsetof (struct seccomp_data, args) + 8 * (i))
#endif

struct seccomp_prog
{
  struct sock_filter *ins;
  size_t n;
  /* the jumps that fail the current rule, patched to its end */
  struct
  {
    size_t at;
    bool on_true;
  } fail[64];
  size_t nfail;
};

static size_t
seccomp_emit (struct seccomp_prog *pr, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
  pr->ins = xreallocarray (pr->ins, pr->n + 1, sizeof *pr->ins);
  pr->ins[pr->n] = (struct sock_filter){ code, jt, jf, k };
  return pr->n++;
}

static void
seccomp_ld (struct seccomp_prog *pr, size_t off)
{
  seccomp_emit (pr, BPF_LD | BPF_W | BPF_ABS, (uint32_t)off, 0, 0);
}

/* A comparison of A with K whose ON_TRUE branch fails the rule; the other goes on. */
static void
seccomp_fail_if (struct seccomp_prog *pr, bool on_true, uint16_t op, uint32_t k)
{
  size_t at = seccomp_emit (pr, BPF_JMP | op | BPF_K, k, 0, 0);
  pr->fail[pr->nfail].at = at;
  pr->fail[pr->nfail++].on_true = on_true;
}

static uint32_t
seccomp_ret (enum seccomp_policy_action a, int errno_ret)
{
  static const uint32_t map[] = {
    [SECCOMP_POLICY_ALLOW] = SECCOMP_RET_ALLOW,
    [SECCOMP_POLICY_KILL] = SECCOMP_RET_KILL_PROCESS,
    [SECCOMP_POLICY_LOG] = SECCOMP_RET_LOG,
  };
  return a == SECCOMP_POLICY_ERRNO ? SECCOMP_RET_ERRNO | ((uint32_t)errno_ret & SECCOMP_RET_DATA) : map[a];
}

/* One 64-bit comparison: falls through when it holds, else fails the rule. */
static void
seccomp_cmp (struct seccomp_prog *pr, const struct seccomp_policy_cmp *c)
{
  uint32_t vhi = (uint32_t)(c->value >> 32), vlo = (uint32_t)c->value;
  bool masked = c->op == SECCOMP_POLICY_MASKED_EQ;
  switch (c->op)
    {
    case SECCOMP_POLICY_MASKED_EQ:
    case SECCOMP_POLICY_EQ:
      if (!masked || (c->mask >> 32) != 0 || vhi != 0) /* a zero mask and value there: nothing to test */
        {
          seccomp_ld (pr, SECCOMP_OFF_HI (c->arg));
          if (masked)
            seccomp_emit (pr, BPF_ALU | BPF_AND | BPF_K, (uint32_t)(c->mask >> 32), 0, 0);
          seccomp_fail_if (pr, false, BPF_JEQ, vhi);
        }
      seccomp_ld (pr, SECCOMP_OFF_LO (c->arg));
      if (masked)
        seccomp_emit (pr, BPF_ALU | BPF_AND | BPF_K, (uint32_t)c->mask, 0, 0);
      seccomp_fail_if (pr, false, BPF_JEQ, vlo);
      return;
    case SECCOMP_POLICY_NE:
      /* a different high word holds at once (over the two low-word instructions) */
      seccomp_ld (pr, SECCOMP_OFF_HI (c->arg));
      seccomp_emit (pr, BPF_JMP | BPF_JEQ | BPF_K, vhi, 0, 2);
      seccomp_ld (pr, SECCOMP_OFF_LO (c->arg));
      seccomp_fail_if (pr, true, BPF_JEQ, vlo);
      return;
    case SECCOMP_POLICY_GT:
    case SECCOMP_POLICY_GE:
      /* hi > vhi holds (jump over 3); hi != vhi fails; then the low word decides */
      seccomp_ld (pr, SECCOMP_OFF_HI (c->arg));
      seccomp_emit (pr, BPF_JMP | BPF_JGT | BPF_K, vhi, 3, 0);
      seccomp_fail_if (pr, false, BPF_JEQ, vhi);
      seccomp_ld (pr, SECCOMP_OFF_LO (c->arg));
      seccomp_fail_if (pr, false, c->op == SECCOMP_POLICY_GT ? BPF_JGT : BPF_JGE, vlo);
      return;
    case SECCOMP_POLICY_LT:
    case SECCOMP_POLICY_LE:
      /* the opposites: hi > vhi fails; hi < vhi holds (jump over 2); then the low word */
      seccomp_ld (pr, SECCOMP_OFF_HI (c->arg));
      seccomp_fail_if (pr, true, BPF_JGT, vhi);
      seccomp_emit (pr, BPF_JMP | BPF_JEQ | BPF_K, vhi, 0, 2);
      seccomp_ld (pr, SECCOMP_OFF_LO (c->arg));
      seccomp_fail_if (pr, true, c->op == SECCOMP_POLICY_LT ? BPF_JGE : BPF_JGT, vlo);
      return;
    }
}

/* The rule's failing jumps go to TARGET.  -1 when one is too far for an 8-bit offset. */
static int
seccomp_patch_fails (struct seccomp_prog *pr, size_t target)
{
  for (size_t i = 0; i < pr->nfail; i++)
    {
      size_t d = target - pr->fail[i].at - 1;
      if (d > 255)
        return -1;
      if (pr->fail[i].on_true)
        pr->ins[pr->fail[i].at].jt = (uint8_t)d;
      else
        pr->ins[pr->fail[i].at].jf = (uint8_t)d;
    }
  pr->nfail = 0;
  return 0;
}

/* The bit of a rule "argN & BIT == BIT" with one bit in the low word, else 0. */
static uint32_t
seccomp_bit_rule (const struct seccomp_policy_rule *r)
{
  const struct seccomp_policy_cmp *c = &r->cmp[0];
  if (r->ncmp != 1 || c->op != SECCOMP_POLICY_MASKED_EQ || c->mask != c->value || c->mask > 0xffffffffULL)
    return 0;
  return (c->mask & (c->mask - 1)) == 0 ? (uint32_t)c->mask : 0;
}

/* One call of an architecture: its number, its first rule and, when that rule has no test
   (it always decides), what it returns. */
struct seccomp_entry
{
  uint32_t nr;
  size_t first;
  bool simple;
  uint32_t ret;
};

static int
seccomp_entry_cmp (const void *a, const void *b)
{
  const struct seccomp_entry *x = a, *y = b;
  if (x->nr != y->nr)
    return x->nr < y->nr ? -1 : 1;
  return x->first < y->first ? -1 : x->first > y->first; /* the first rule of an alias wins */
}

/* The rules of the call whose first rule is FIRST, A holding the call's number; ends with
   the default.  -1 when a failing test cannot reach the next rule with an 8-bit jump. */
static int
seccomp_call_block (struct seccomp_prog *pr, const struct seccomp_policy *pol, size_t first, uint32_t def)
{
  const char *name = pol->rules[first].syscall;
  bool *merged = xcalloc (pol->nrules + 1, sizeof *merged);
  int r = 0;
  for (size_t j = first; j < pol->nrules; j++)
    {
      const struct seccomp_policy_rule *rule = &pol->rules[j];
      if (merged[j] || strcmp (rule->syscall, name) != 0)
        continue;
      uint32_t bits = seccomp_bit_rule (rule);
      if (bits)
        {
          /* Rules "argN & BIT == BIT" of one action in a row: one test of any of the bits. */
          for (size_t k = j + 1; k < pol->nrules; k++)
            {
              const struct seccomp_policy_rule *o = &pol->rules[k];
              if (strcmp (o->syscall, name) != 0)
                continue;
              if (!seccomp_bit_rule (o) || o->cmp[0].arg != rule->cmp[0].arg
                  || seccomp_ret (o->action, o->errno_ret) != seccomp_ret (rule->action, rule->errno_ret))
                break;
              bits |= seccomp_bit_rule (o);
              merged[k] = true;
            }
          seccomp_ld (pr, SECCOMP_OFF_LO (rule->cmp[0].arg));
          seccomp_fail_if (pr, false, BPF_JSET, bits);
        }
      else
        for (unsigned k = 0; k < rule->ncmp; k++)
          seccomp_cmp (pr, &rule->cmp[k]);
      seccomp_emit (pr, BPF_RET | BPF_K, seccomp_ret (rule->action, rule->errno_ret), 0, 0);
      if (seccomp_patch_fails (pr, pr->n) < 0)
        r = -1;
      if (rule->ncmp == 0)
        break;                         /* the later rules of this call are never reached */
      seccomp_ld (pr, SECCOMP_OFF_NR); /* the next rule starts from the call's number again */
    }
  free (merged);
  seccomp_emit (pr, BPF_RET | BPF_K, def, 0, 0);
  return r;
}

enum
{
  SECCOMP_LEAF = 4, /* calls compared one by one at the bottom of the search tree */
};

/* A leaf: the simple calls jump to their returns (just after them); the others have
   a block each; a call not among them gets the default. */
static int
seccomp_leaf (struct seccomp_prog *pr, const struct seccomp_policy *pol, const struct seccomp_entry *e, size_t n,
              uint32_t def)
{
  size_t at[SECCOMP_LEAF], which[SECCOMP_LEAF], ns = 0, nrets = 0;
  uint32_t rets[SECCOMP_LEAF];
  for (size_t i = 0; i < n; i++)
    {
      if (!e[i].simple)
        continue;
      size_t w;
      for (w = 0; w < nrets && rets[w] != e[i].ret; w++)
        ;
      if (w == nrets)
        rets[nrets++] = e[i].ret;
      which[ns] = w;
      at[ns++] = seccomp_emit (pr, BPF_JMP | BPF_JEQ | BPF_K, e[i].nr, 0, 0);
    }
  if (ns)
    {
      seccomp_emit (pr, BPF_JMP | BPF_JA, (uint32_t)nrets, 0, 0);
      size_t first_ret = pr->n;
      for (size_t w = 0; w < nrets; w++)
        seccomp_emit (pr, BPF_RET | BPF_K, rets[w], 0, 0);
      for (size_t i = 0; i < ns; i++)
        pr->ins[at[i]].jt = (uint8_t)(first_ret + which[i] - at[i] - 1);
    }
  for (size_t i = 0; i < n; i++)
    {
      if (e[i].simple)
        continue;
      size_t head = seccomp_emit (pr, BPF_JMP | BPF_JEQ | BPF_K, e[i].nr, 0, 0);
      if (seccomp_call_block (pr, pol, e[i].first, def) < 0 || pr->n - head - 1 > 255)
        return -1;
      pr->ins[head].jf = (uint8_t)(pr->n - head - 1);
    }
  seccomp_emit (pr, BPF_RET | BPF_K, def, 0, 0);
  return 0;
}

/* A binary search over the sorted calls E: a few comparisons find a call's rules, for the
   kernel's action cache (which runs the filter for every call number) and for every call
   the sandbox makes. */
static int
seccomp_tree (struct seccomp_prog *pr, const struct seccomp_policy *pol, const struct seccomp_entry *e, size_t n,
              uint32_t def)
{
  if (n <= SECCOMP_LEAF)
    return seccomp_leaf (pr, pol, e, n, def);
  size_t mid = n / 2;
  /* nr >= e[mid].nr: on to the right half (a long jump), else the left half follows */
  seccomp_emit (pr, BPF_JMP | BPF_JGE | BPF_K, e[mid].nr, 0, 1);
  size_t to_right = seccomp_emit (pr, BPF_JMP | BPF_JA, 0, 0, 0);
  if (seccomp_tree (pr, pol, e, mid, def) < 0)
    return -1;
  pr->ins[to_right].k = (uint32_t)(pr->n - to_right - 1);
  return seccomp_tree (pr, pol, e + mid, n - mid, def);
}

/* The calls of POL for architecture ARCH, A holding the call's number. */
static int
seccomp_arch_block (struct seccomp_prog *pr, const struct seccomp_policy *pol, uint32_t arch, iso_error_t *err)
{
  uint32_t def = seccomp_ret (pol->def_action, pol->def_errno);
  struct seccomp_entry *e = xcalloc (pol->nrules + 1, sizeof *e);
  size_t n = 0;
  for (size_t i = 0; i < pol->nrules; i++)
    {
      bool seen = false;
      for (size_t k = 0; k < i && !seen; k++)
        seen = strcmp (pol->rules[k].syscall, pol->rules[i].syscall) == 0;
      int nr = seen ? -1 : seccomp_syscall_resolve_name_arch (arch, pol->rules[i].syscall);
      if (nr < 0)
        continue; /* a call met before, or not one of this architecture */
      e[n++] = (struct seccomp_entry){ (uint32_t)nr, i, pol->rules[i].ncmp == 0,
                                       seccomp_ret (pol->rules[i].action, pol->rules[i].errno_ret) };
    }
  qsort (e, n, sizeof *e, seccomp_entry_cmp);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || e[u - 1].nr != e[i].nr)
      e[u++] = e[i];
  int r = seccomp_tree (pr, pol, e, u, def);
  free (e);
  if (r < 0)
    return iso_make_error (err, 0,
                           "seccomp policy %s: the rules of one call do not fit a filter block (255 "
                           "instructions)",
                           pol->source);
  return 0;
}

int
seccomp_policy_compile (const struct seccomp_policy *pol, struct sock_fprog *out, iso_error_t *err)
{
  struct seccomp_prog pr = { 0 };
  uint32_t native = seccomp_arch_native ();
  uint32_t eperm = SECCOMP_RET_ERRNO | EPERM;
  seccomp_ld (&pr, SECCOMP_OFF_ARCH);
  seccomp_emit (&pr, BPF_JMP | BPF_JEQ | BPF_K, native, 0, 1);
  size_t to_native = seccomp_emit (&pr, BPF_JMP | BPF_JA, 0, 0, 0);
  size_t to_compat = 0;
  bool compat = native == SCMP_ARCH_X86_64;
  if (compat)
    {
      seccomp_emit (&pr, BPF_JMP | BPF_JEQ | BPF_K, SCMP_ARCH_X86, 0, 1);
      to_compat = seccomp_emit (&pr, BPF_JMP | BPF_JA, 0, 0, 0);
    }
  seccomp_emit (&pr, BPF_RET | BPF_K, eperm, 0, 0); /* another architecture */
  pr.ins[to_native].k = (uint32_t)(pr.n - to_native - 1);
  seccomp_ld (&pr, SECCOMP_OFF_NR);
  if (compat)
    {
      seccomp_emit (&pr, BPF_JMP | BPF_JGE | BPF_K, SECCOMP_X32_BIT, 0, 1);
      seccomp_emit (&pr, BPF_RET | BPF_K, eperm, 0, 0); /* x32 */
    }
  int r = seccomp_arch_block (&pr, pol, native, err);
  if (r == 0 && compat)
    {
      pr.ins[to_compat].k = (uint32_t)(pr.n - to_compat - 1);
      seccomp_ld (&pr, SECCOMP_OFF_NR);
      r = seccomp_arch_block (&pr, pol, SCMP_ARCH_X86, err);
    }
  if (r == 0 && pr.n > BPF_MAXINSNS)
    r = iso_make_error (err, 0, "seccomp policy %s: %zu instructions, more than a filter may have (%d)", pol->source,
                        pr.n, BPF_MAXINSNS);
  if (r < 0)
    {
      free (pr.ins);
      return r;
    }
  out->len = (unsigned short)pr.n;
  out->filter = pr.ins;
  return 0;
}

int
seccomp_policy_install (const struct seccomp_policy *pol, iso_error_t *err)
{
  struct sock_fprog prog;
  int r = seccomp_policy_compile (pol, &prog, err);
  if (r < 0)
    return r;
  r = prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
  int e = errno;
  free (prog.filter);
  if (r < 0)
    return iso_make_error (err, e, "cannot load the seccomp filter%s",
                           e == EACCES ? " (it needs no_new_privs or CAP_SYS_ADMIN)" : "");
  return 0;
}
