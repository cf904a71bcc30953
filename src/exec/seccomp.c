// SPDX-License-Identifier: GPL-2.0-or-later
/* seccomp.c: the built-in seccomp policy of `isoscope run` as a table, and any policy loaded through libseccomp. */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <errno.h>
#include <seccomp.h>
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

static uint32_t
seccomp_policy_scmp_action (enum seccomp_policy_action a, int errno_ret)
{
  static const uint32_t map[] = {
    [SECCOMP_POLICY_ALLOW] = SCMP_ACT_ALLOW,
    [SECCOMP_POLICY_KILL] = SCMP_ACT_KILL_PROCESS,
    [SECCOMP_POLICY_LOG] = SCMP_ACT_LOG,
  };
  return a == SECCOMP_POLICY_ERRNO ? SCMP_ACT_ERRNO ((uint32_t)errno_ret) : map[a];
}

int
seccomp_policy_install (const struct seccomp_policy *pol, iso_error_t *err)
{
  static const enum scmp_compare ops[] = {
    [SECCOMP_POLICY_EQ] = SCMP_CMP_EQ,
    [SECCOMP_POLICY_NE] = SCMP_CMP_NE,
    [SECCOMP_POLICY_LT] = SCMP_CMP_LT,
    [SECCOMP_POLICY_LE] = SCMP_CMP_LE,
    [SECCOMP_POLICY_GT] = SCMP_CMP_GT,
    [SECCOMP_POLICY_GE] = SCMP_CMP_GE,
    [SECCOMP_POLICY_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
  };
  uint32_t def = seccomp_policy_scmp_action (pol->def_action, pol->def_errno);
  scmp_filter_ctx ctx = seccomp_init (def);
  if (!ctx)
    return iso_make_error (err, 0, "cannot make a seccomp filter");
  int r = 0;
  /* no_new_privs is isoscope's own decision (--allow-new-privs), not libseccomp's. */
  if ((r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
    goto fail;
#if defined(__x86_64__)
  /* The 32-bit entry points reach the same kernel: filter them by the same rules. */
  if ((r = seccomp_arch_add (ctx, SCMP_ARCH_X86)) < 0 && r != -EEXIST)
    goto fail;
  if ((r = seccomp_arch_add (ctx, SCMP_ARCH_X32)) < 0 && r != -EEXIST)
    goto fail;
#endif
  for (size_t i = 0; i < pol->nrules; i++)
    {
      const struct seccomp_policy_rule *rule = &pol->rules[i];
      int nr = seccomp_syscall_resolve_name (rule->syscall);
      if (nr == __NR_SCMP_ERROR)
        continue; /* a name libseccomp does not know here (checked when a file is read) */
      uint32_t act = seccomp_policy_scmp_action (rule->action, rule->errno_ret);
      if (act == def)
        continue; /* libseccomp refuses a rule that repeats the default */
      struct scmp_arg_cmp c[6];
      for (unsigned k = 0; k < rule->ncmp; k++)
        c[k] = (struct scmp_arg_cmp){ rule->cmp[k].arg, ops[rule->cmp[k].op],
                                      rule->cmp[k].op == SECCOMP_POLICY_MASKED_EQ ? rule->cmp[k].mask
                                                                                  : rule->cmp[k].value,
                                      rule->cmp[k].value };
      r = seccomp_rule_add_array (ctx, act, nr, rule->ncmp, c);
      if (r < 0)
        {
          cleanup_free char *text = seccomp_policy_rule_text (rule);
          seccomp_release (ctx);
          return iso_make_error (err, -r, "seccomp policy %s: cannot add the rule '%s'", pol->source, text);
        }
    }
  r = seccomp_load (ctx);
  if (r < 0)
    {
      seccomp_release (ctx);
      return iso_make_error (err, -r, "cannot load the seccomp filter%s",
                             r == -EACCES ? " (it needs no_new_privs or CAP_SYS_ADMIN)" : "");
    }
  seccomp_release (ctx);
  return 0;
fail:
  seccomp_release (ctx);
  return iso_make_error (err, -r, "cannot make a seccomp filter");
}
