/* SPDX-License-Identifier: GPL-2.0-or-later */
/* enter.h: join a target's namespaces (and cgroup) and run a command there. */
#ifndef ISOSCOPE_ENTER_H
#define ISOSCOPE_ENTER_H

#include <stdbool.h>

#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/target.h"

/* Exit codes of enter (and run): the command's own status passes through. */
enum
{
  ENTER_EXIT_SETUP = 125,    /* isoscope could not set up what was asked */
  ENTER_EXIT_NOEXEC = 126,   /* the command was found but could not be executed */
  ENTER_EXIT_NOTFOUND = 127, /* the command was not found */
};

struct enter_ns
{
  bool want;
  const char *file; /* an explicit namespace file, or NULL for the target's */
  int fd;           /* opened in the prepare phase */
};

struct enter_plan
{
  struct iso_target target;
  bool have_target;
  struct enter_ns ns[NS_TYPE_COUNT];
  bool all, user_parent;
  bool uid_set, gid_set, uid_follow, gid_follow;
  long uid, gid;
  bool preserve_cred, keep_caps;
  bool root_set, wd_set;
  const char *root; /* -r DIR, or NULL for the target's root */
  const char *wd;   /* -w DIR, or NULL for the target's cwd */
  const char *wdns; /* -W DIR, resolved after entering */
  bool env, no_fork, join_cgroup;
  const char *mount_proc; /* where to mount a new /proc, or NULL */
  char **argv;            /* the command, or NULL for a shell */
};

void enter_plan_init (struct enter_plan *p);
void enter_plan_release (struct enter_plan *p);

/* Prepare, join and run.  Returns only in the parent (or on failure): the
   command's exit status, or a negative value with ERR set. */
int enter_run (struct enter_plan *p, iso_error_t *err);

#endif
