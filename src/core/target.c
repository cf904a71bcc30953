// SPDX-License-Identifier: GPL-2.0-or-later
/* target.c: TARGET arguments to pinned processes or namespace files. */
#define _GNU_SOURCE
#include "isoscope/target.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ISO_PID_FS_MAGIC 0x50494446
#define ISO_NSFS_MAGIC 0x6e736673
#define ISO_NS_GET_NSTYPE _IO (0xb7, 0x3)

int
target_parse_pid (const char *text, pid_t *pid, uint64_t *ino)
{
  const char *colon = strchr (text, ':');
  char buf[32];
  size_t len = colon ? (size_t)(colon - text) : strlen (text);
  if (len == 0 || len >= sizeof buf)
    return -EINVAL;
  memcpy (buf, text, len);
  buf[len] = '\0';
  int v;
  if (util_parse_int (buf, &v) < 0 || v <= 0)
    return -EINVAL;
  *pid = v;
  *ino = 0;
  if (colon && (util_parse_u64 (colon + 1, ino) < 0 || *ino == 0))
    return -EINVAL;
  return 0;
}

uint64_t
target_pidfd_inode (int pidfd)
{
  struct statfs sfs;
  struct stat st;
  if (fstatfs (pidfd, &sfs) < 0 || sfs.f_type != ISO_PID_FS_MAGIC || fstat (pidfd, &st) < 0)
    return 0;
  return (uint64_t)st.st_ino;
}

static int
pin_pid (pid_t pid, struct iso_target *t, iso_error_t *err)
{
  t->pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (t->pidfd < 0)
    return iso_make_error (err, errno, "no process with pid %d", (int)pid);
  char name[16];
  snprintf (name, sizeof name, "/proc/%d", (int)pid);
  t->piddir = open (name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  /* The /proc directory belongs to the pinned process only if it is still alive
     now; EPERM (another user's process) still means alive. */
  if (t->piddir < 0 || (syscall (SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0 && errno == ESRCH))
    return iso_make_error (err, ESRCH, "process %d exited", (int)pid);
  /* A zombie has no namespaces left to enter. */
  char buf[512];
  struct proc_stat st;
  if (util_read_buf_at (t->piddir, "stat", buf, sizeof buf) > 0 && proc_parse_stat (buf, &st) == 0
      && (st.state == 'Z' || st.state == 'X'))
    return iso_make_error (err, ESRCH, "process %d has exited (it is a zombie)", (int)pid);
  t->pid = pid;
  return 0;
}

pid_t
target_cgroup_lowest_pid (const char *dir)
{
  cleanup_free char *path = xasprintf ("%s/cgroup.procs", dir);
  cleanup_free char *text = NULL;
  if (util_read_file_at (AT_FDCWD, path, &text) < 0)
    return -1;
  pid_t best = 0;
  for (char *s = text; *s;)
    {
      char *end;
      long v = strtol (s, &end, 10);
      if (end == s)
        break;
      if (v > 0 && (!best || v < best))
        best = (pid_t)v;
      s = end + (*end != '\0');
    }
  return best;
}

int
target_resolve (const char *text, struct iso_target *t, iso_error_t *err)
{
  memset (t, 0, sizeof *t);
  t->pidfd = t->piddir = t->nsfd = -1;
  if (!text || !*text)
    return iso_make_error (err, EINVAL, "empty target");

  pid_t pid;
  uint64_t ino;
  if (text[0] >= '0' && text[0] <= '9')
    {
      if (target_parse_pid (text, &pid, &ino) < 0)
        return iso_make_error (err, 0, "invalid target '%s': expected PID, PID:INODE, a namespace file or a cgroup",
                               text);
      t->kind = ino ? TARGET_PID_INO : TARGET_PID;
      t->desc = xasprintf ("pid %d", (int)pid);
      int r = pin_pid (pid, t, err);
      if (r < 0)
        return r;
      if (ino)
        {
          uint64_t have = target_pidfd_inode (t->pidfd);
          if (!have)
            return iso_make_error (err, EOPNOTSUPP, "'%s': PID:INODE needs pidfs (Linux 6.9 or later)", text);
          if (have != ino)
            return iso_make_error (err, ESRCH, "'%s': pid %d is now another process (its pidfd inode is %llu)", text,
                                   (int)pid, (unsigned long long)have);
        }
      return 0;
    }

  struct stat st;
  if (stat (text, &st) < 0)
    return iso_make_error (err, errno, "target '%s'", text);
  if (S_ISDIR (st.st_mode))
    {
      struct statfs sfs;
      if (statfs (text, &sfs) < 0 || (sfs.f_type != 0x63677270 /* cgroup2 */ && sfs.f_type != 0x27e0eb /* cgroup */))
        return iso_make_error (err, 0, "target '%s' is a directory but not a cgroup", text);
      pid = target_cgroup_lowest_pid (text);
      if (pid <= 0)
        return iso_make_error (err, ESRCH, "cgroup '%s' has no processes", text);
      t->kind = TARGET_CGROUP;
      t->desc = xasprintf ("pid %d (cgroup %s)", (int)pid, text);
      return pin_pid (pid, t, err);
    }
  t->nsfd = open (text, O_RDONLY | O_CLOEXEC);
  if (t->nsfd < 0)
    return iso_make_error (err, errno, "target '%s'", text);
  struct statfs sfs;
  int nstype = fstatfs (t->nsfd, &sfs) == 0 && sfs.f_type == ISO_NSFS_MAGIC ? ioctl (t->nsfd, ISO_NS_GET_NSTYPE) : -1;
  int type = nstype >= 0 ? ns_type_from_clone_flag (nstype) : -1;
  if (type < 0)
    return iso_make_error (err, 0, "target '%s' is not a pid, a namespace file or a cgroup", text);
  t->kind = TARGET_NSFILE;
  t->nstype = (enum ns_type)type;
  t->desc = xstrdup (text);
  return 0;
}

void
target_release (struct iso_target *t)
{
  if (t->pidfd >= 0)
    close (t->pidfd);
  if (t->piddir >= 0)
    close (t->piddir);
  if (t->nsfd >= 0)
    close (t->nsfd);
  free (t->desc);
  t->pidfd = t->piddir = t->nsfd = -1;
  t->desc = NULL;
}
