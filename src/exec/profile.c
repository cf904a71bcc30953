// SPDX-License-Identifier: GPL-2.0-or-later
/* profile.c: the hardening profiles of `isoscope run` (strict, default, compat), their weakenings and the plan's
 * expectation. */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/security.h"
#include "isoscope/util.h"
#include "isoscope/verify.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* What a profile bundles.  Each setting an option on the command line chose stays as chosen. */
struct run_profile
{
  const char *name;
  const char *summary;
  bool caps_unchanged;
  enum run_seccomp seccomp;
  bool nnp;
  enum run_session session;
  bool keep_env;
  bool masks;
  bool all_ns;  /* every namespace and a new /proc */
  bool rlimits; /* core=0, nofile=1024 */
};

static const struct run_profile run_profiles[] = {
  { "strict", "default, plus every namespace, a new /proc, a new session always, core=0 and nofile=1024", false,
    RUN_SECCOMP_DEFAULT, true, RUN_SESSION_ALWAYS, false, true, true, true },
  { "default",
    "no capabilities, the built-in seccomp policy, no_new_privs, a new session on a terminal, "
    "the environment's allowlist, Docker's masked paths",
    false, RUN_SECCOMP_DEFAULT, true, RUN_SESSION_TTY, false, true, false, false },
  { "compat", "what unshare(1) does: capabilities, privileges, session and environment as they are; no seccomp", true,
    RUN_SECCOMP_UNCONFINED, false, RUN_SESSION_NEVER, true, false, false, false },
};

const char *
run_profile_names (void)
{
  return "strict, default, compat";
}

static const struct run_profile *
run_profile_find (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (run_profiles); i++)
    if (strcmp (run_profiles[i].name, name) == 0)
      return &run_profiles[i];
  return NULL;
}

static bool
run_flagged (const struct run_plan *p, enum run_setting s)
{
  return (p->harden.flagged >> s) & 1;
}

static void
run_profile_rlimit (struct run_plan *p, int resource, rlim_t value)
{
  for (size_t i = 0; i < p->limits.nrlimits; i++)
    if (p->limits.rlimits[i].resource == resource)
      return; /* --rlimit said otherwise */
  p->limits.rlimits = xreallocarray (p->limits.rlimits, p->limits.nrlimits + 1, sizeof *p->limits.rlimits);
  p->limits.rlimits[p->limits.nrlimits++] = (struct run_rlimit){ resource, value, value };
}

int
run_profile_apply (struct run_plan *p, const char *name, iso_error_t *err)
{
  const struct run_profile *prof = run_profile_find (name);
  if (!prof)
    return iso_make_error (err, 0, "unknown profile '%s' (known: %s)", name, run_profile_names ());
  struct run_harden *h = &p->harden;
  h->profile = prof->name;
  h->masks = prof->masks;
  if (!run_flagged (p, RUN_SET_CAPS))
    {
      h->caps_unchanged = prof->caps_unchanged;
      h->caps_keep = 0;
    }
  else
    {
      /* --cap-add / --cap-drop apply to the profile's set: nothing, or everything (compat). */
      h->caps_unchanged = false;
      h->caps_keep = caps_resolve (prof->caps_unchanged ? sec_all_caps () : 0, h->cap_add, h->cap_drop);
    }
  if (!run_flagged (p, RUN_SET_SECCOMP))
    h->seccomp = prof->seccomp;
  if (!run_flagged (p, RUN_SET_NNP))
    h->nnp = prof->nnp;
  if (!run_flagged (p, RUN_SET_SESSION))
    h->session = prof->session;
  if (!run_flagged (p, RUN_SET_ENV))
    h->keep_env = prof->keep_env;
  if (prof->all_ns && !run_flagged (p, RUN_SET_NAMESPACES))
    {
      static const enum ns_type all[] = { NS_MNT, NS_PID, NS_UTS, NS_IPC, NS_NET, NS_CGROUP };
      for (size_t i = 0; i < ARRAY_SIZE (all); i++)
        p->ns[all[i]].want = true;
      if (!p->mount_proc)
        p->mount_proc = "/proc";
    }
  if (prof->rlimits && !run_flagged (p, RUN_SET_RLIMITS))
    {
      run_profile_rlimit (p, RLIMIT_CORE, 0);
      run_profile_rlimit (p, RLIMIT_NOFILE, 1024);
    }
  return 0;
}

char *
run_profile_origin (const struct run_plan *p, enum run_setting s, const char *flag)
{
  return run_flagged (p, s) ? xasprintf ("%s", flag) : xasprintf ("profile %s", p->harden.profile);
}

static void
run_weak (char ***v, size_t *n, char *line)
{
  *v = xreallocarray (*v, *n + 2, sizeof **v);
  (*v)[(*n)++] = line;
  (*v)[*n] = NULL;
}

char **
run_profile_weakenings (const struct run_plan *p)
{
  const struct run_harden *h = &p->harden;
  char **v = xcalloc (1, sizeof *v);
  size_t n = 0;
  cleanup_free char *o = NULL;
#define ORIGIN(s, f) (free (o), o = run_profile_origin (p, s, f))
  if (h->caps_unchanged)
    run_weak (&v, &n,
              xasprintf ("the command keeps the capabilities it would get from exec (%s)",
                         ORIGIN (RUN_SET_CAPS, "--cap-add")));
  else if (h->caps_keep)
    {
      cleanup_free char *names = caps_text (h->caps_keep);
      run_weak (&v, &n, xasprintf ("capabilities kept: %s (%s)", names, ORIGIN (RUN_SET_CAPS, "--cap-add")));
    }
  if (h->seccomp == RUN_SECCOMP_UNCONFINED)
    run_weak (&v, &n, xasprintf ("no seccomp filter (%s)", ORIGIN (RUN_SET_SECCOMP, "--seccomp unconfined")));
  else if (h->seccomp == RUN_SECCOMP_FILE)
    run_weak (
        &v, &n,
        xasprintf ("the seccomp policy %s replaces the built-in one and may allow more (--seccomp)", h->seccomp_file));
  if (!h->nnp)
    run_weak (&v, &n,
              xasprintf ("no_new_privs is not set: setuid files and file capabilities work in the sandbox (%s)",
                         ORIGIN (RUN_SET_NNP, "--allow-new-privs")));
  if (h->session == RUN_SESSION_NEVER)
    run_weak (&v, &n,
              xasprintf ("the command shares isoscope's session and terminal (%s)",
                         ORIGIN (RUN_SET_SESSION, "--session never")));
  if (h->keep_env)
    run_weak (&v, &n, xasprintf ("the whole environment reaches the command (%s)", ORIGIN (RUN_SET_ENV, "--keep-env")));
  for (size_t i = 0; i < h->npass_fds; i++)
    run_weak (&v, &n, xasprintf ("fd %d stays open in the command (--pass-fd)", h->pass_fds[i]));
  if (!h->masks)
    run_weak (&v, &n,
              xasprintf ("a new /proc shows what Docker masks (kcore, keys, timer_list...) (profile %s)", h->profile));
#undef ORIGIN
  return v;
}

/* ---- the expectation of a resolved plan ---- */

/* The part of Docker's lists a new /proc carries (the /sys entries need a new sysfs). */
static const char *const run_masked_proc[] = {
  "/proc/acpi",        "/proc/asound", "/proc/interrupts", "/proc/kcore",       "/proc/keys", "/proc/latency_stats",
  "/proc/sched_debug", "/proc/scsi",   "/proc/timer_list", "/proc/timer_stats", NULL,
};
static const char *const run_readonly_proc[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

const char *const sandbox_masked_paths[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/sys/devices/virtual/powercap",
  "/sys/firmware",
  NULL,
};
const char *const sandbox_readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* Is a new proc mounted on /proc of the sandbox? */
static bool
run_new_proc_at_root (const struct run_plan *p)
{
  if (p->mount_proc && strcmp (p->mount_proc, "/proc") == 0)
    return true;
  for (size_t i = 0; i < p->nmounts; i++)
    if (p->mounts[i].kind == RUN_MOUNT_PROC && strcmp (p->mounts[i].dst, "/proc") == 0)
      return true;
  /* A new root gets a proc where it has the directory. */
  if (p->rootfs)
    {
      cleanup_free char *dir = xasprintf ("%s/proc", p->rootfs);
      return access (dir, F_OK) == 0;
    }
  return false;
}

void
sandbox_expect (const struct run_plan *p, struct verify_expect *e)
{
  const struct run_harden *h = &p->harden;
  memset (e, 0, sizeof *e);
  e->source = "the run plan";
  e->check_caps = !h->caps_unchanged;
  e->caps_max = h->caps_keep;
  e->nnp = h->nnp ? 1 : -1;
  e->seccomp_mode = h->seccomp != RUN_SECCOMP_UNCONFINED ? 2 : -1;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    e->new_ns[t] = p->ns[t].want ? 1 : 0;
  /* The command enters the new time namespace only at exec (a clone with CLONE_VM, as
     init's, keeps the old one until then). */
  if (p->ns[NS_TIME].want)
    e->new_ns[NS_TIME] = -1;
  e->masked = h->masks && run_new_proc_at_root (p) ? run_masked_proc : NULL;
  e->readonly = h->masks && run_new_proc_at_root (p) ? run_readonly_proc : NULL;
  e->check_fds = true;
  e->allowed_fds = h->pass_fds;
  e->nallowed_fds = h->npass_fds;
  e->new_session = h->new_session ? 1 : -1;
  /* A working directory outside the root (--wd /proc/self/fd/N on a leaked fd) is refused. */
  e->check_cwd = true;
  e->memory_max = p->limits.memory;
  e->pids_max = p->limits.pids;
  for (size_t i = 0; i < p->limits.nrlimits && e->nrlimits < ARRAY_SIZE (e->rlimits); i++)
    e->rlimits[e->nrlimits++]
        = (struct verify_rlimit){ p->limits.rlimits[i].resource, p->limits.rlimits[i].soft, p->limits.rlimits[i].hard };
}
