// SPDX-License-Identifier: GPL-2.0-or-later
/* command.c: the phases of `isoscope run` in the process that becomes the command: root, limits, ids, environment,
 * exec. */
#define _GNU_SOURCE
#include "isoscope/sandbox-int.h"
#include "isoscope/util.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

bool
command_want_rlimits (const struct run_plan *p)
{
  return p->limits.nrlimits > 0;
}

bool
command_want_credentials (const struct run_plan *p)
{
  return p->uid_set || p->gid_set;
}

int
command_chdir (struct sandbox *sb, iso_error_t *err)
{
  const struct run_plan *p = sb->p;
  if (p->root && chroot (p->root) < 0)
    return iso_make_error (err, errno, "cannot change the root directory to %s", p->root);
  const char *dir = p->chdir ? p->chdir : p->wd;
  if (dir)
    {
      if (chdir (dir) < 0)
        return iso_make_error (err, errno, "cannot change the working directory to %s", dir);
      return 0;
    }
  if (p->root)
    return chdir ("/") < 0 ? iso_make_error (err, errno, "chdir /") : 0;
  /* Below a new root: the caller's directory if the new root has it, else "/". */
  if (run_plan_new_root (p) && (!sb->cwd || chdir (sb->cwd) < 0) && chdir ("/") < 0)
    return iso_make_error (err, errno, "chdir /");
  return 0;
}

int
command_rlimits (struct sandbox *sb, iso_error_t *err)
{
  return limits_apply_rlimits (&sb->p->limits, err);
}

int
command_credentials (struct sandbox *sb, iso_error_t *err)
{
  const struct run_plan *p = sb->p;
  /* The caller's supplementary groups mean nothing here (refused once setgroups is denied). */
  if (setgroups (0, NULL) < 0 && errno != EPERM)
    return iso_make_error (err, errno, "setgroups");
  if (p->gid_set && setgid ((gid_t)p->gid) < 0)
    return iso_make_error (err, errno, "cannot set the gid to %ld (is it mapped in the user namespace?)", p->gid);
  if (p->uid_set && setuid ((uid_t)p->uid) < 0)
    return iso_make_error (err, errno, "cannot set the uid to %ld (is it mapped in the user namespace?)", p->uid);
  /* A change of credentials clears the parent-death signal: arm it again. */
  if (p->kill_signal && !(p->ns[NS_PID].want && !p->as_pid1) && prctl (PR_SET_PDEATHSIG, p->kill_signal, 0, 0, 0) < 0)
    return iso_make_error (err, errno, "prctl(PR_SET_PDEATHSIG)");
  return 0;
}

int
command_env (struct sandbox *sb, iso_error_t *err)
{
  const struct run_plan *p = sb->p;
  int r = harden_env_reduce (p, err);
  if (r < 0)
    return r;
  for (size_t i = 0; i < p->nenv; i++)
    {
      const struct run_env *e = &p->env[i];
      r = e->kind == RUN_ENV_CLEAR   ? clearenv ()
          : e->kind == RUN_ENV_UNSET ? unsetenv (e->name)
                                     : setenv (e->name, e->value, 1);
      if (r < 0)
        return iso_make_error (err, errno, "cannot change the environment (%s)", e->name ? e->name : "clear");
    }
  return 0;
}

int
command_exec (struct sandbox *sb, iso_error_t *err)
{
  /* The descriptors and the signal mask were settled by the fds phase: after the seccomp
     filter only the calls a policy file must allow are made (seccomp_policy_needs). */
  execvp (sb->argv[0], sb->argv);
  int e = errno;
  sb->fail_code = e == ENOENT ? ENTER_EXIT_NOTFOUND : ENTER_EXIT_NOEXEC;
  const struct run_plan *p = sb->p;
  const char *where = p->rootfs ? p->rootfs : p->overlay ? p->overlay : p->root;
  if (e == ENOENT && where)
    return iso_make_error (err, e, "cannot run %s (looked for in the new root %s)", sb->argv[0], where);
  return iso_make_error (err, e, "cannot run %s", sb->argv[0]);
}
