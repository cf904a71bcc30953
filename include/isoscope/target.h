/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.h: resolve a TARGET argument (pid, pid:inode, namespace file, cgroup) to a pinned process. */
#ifndef ISOSCOPE_TARGET_H
#define ISOSCOPE_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "isoscope/error.h"
#include "isoscope/model.h"

enum target_kind
{
  TARGET_PID,     /* "1234" */
  TARGET_PID_INO, /* "1234:987654": the pid checked against its pidfd's inode */
  TARGET_NSFILE,  /* a path to a namespace file (/proc/PID/ns/net, /run/netns/x) */
  TARGET_CGROUP,  /* a cgroup directory: its lowest pid is the target */
};

struct iso_target
{
  enum target_kind kind;
  pid_t pid;           /* 0 for an NSFILE */
  int pidfd;           /* pins the process; -1 for an NSFILE */
  int piddir;          /* /proc/PID, opened after the pidfd and checked against it; -1 for an NSFILE */
  int nsfd;            /* NSFILE: the open namespace */
  enum ns_type nstype; /* NSFILE: its type */
  char *desc;          /* how to name it in messages, e.g. "pid 1234" (owned) */
};

/* Resolve TEXT.  On success *T is filled and owns its fds (target_release).
   No match gives status ESRCH (or ENOENT), and the message names TEXT. */
int target_resolve (const char *text, struct iso_target *t, iso_error_t *err);
void target_release (struct iso_target *t);

/* The inode of a pidfd on pidfs (Linux 6.9+), 0 when pidfds are not on pidfs. */
uint64_t target_pidfd_inode (int pidfd);

/* The lowest pid in DIR/cgroup.procs: 0 when it has none, -1 when it cannot be read. */
pid_t target_cgroup_lowest_pid (const char *dir);

/* Parse "PID" or "PID:INODE".  0, or -EINVAL. */
int target_parse_pid (const char *text, pid_t *pid, uint64_t *ino);

#endif
