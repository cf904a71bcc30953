// SPDX-License-Identifier: GPL-2.0-or-later
/* nserr.c: why the kernel refused to create namespaces, in words a user can act on. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* A numeric sysctl under /proc/sys, or -1 when it is not there. */
static long
nserr_sysctl (const char *path)
{
  char buf[32];
  if (util_read_buf_at (AT_FDCWD, path, buf, sizeof buf) < 0)
    return -1;
  return strtol (buf, NULL, 10);
}

int
nserr_clone (int e, const bool want[NS_TYPE_COUNT], bool privileged, iso_error_t *err)
{
  struct strbuf b = { 0 };
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (want[t])
      strbuf_printf (&b, "%s%s", b.len ? "," : "", ns_types[t].name);
  cleanup_free char *types = b.s ? strbuf_steal (&b) : xstrdup ("none");
  const char *why = strerror (e);

  if (e == ENOSPC || e == EUSERS)
    {
      /* A limit of 0 switches a type off for everybody. */
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        {
          if (!want[t])
            continue;
          char path[64];
          const char *kind = t == NS_MNT ? "mnt" : ns_types[t].name;
          snprintf (path, sizeof path, "/proc/sys/user/max_%s_namespaces", kind);
          if (nserr_sysctl (path) == 0)
            return iso_make_error (err, 0,
                                   "cannot create the %s namespace: %s namespaces are disabled here "
                                   "(user.max_%s_namespaces is 0): raise it, e.g. 'sysctl -w "
                                   "user.max_%s_namespaces=10000'",
                                   ns_types[t].name, ns_types[t].name, kind, kind);
        }
      return iso_make_error (err, 0,
                             "cannot create the namespaces %s: %s: a user.max_*_namespaces limit is reached, or "
                             "user namespaces are nested 32 deep",
                             types, why);
    }
  if (e == EPERM || e == EACCES)
    {
      if (want[NS_USER] && !privileged)
        {
          if (nserr_sysctl ("/proc/sys/kernel/unprivileged_userns_clone") == 0)
            return iso_make_error (err, 0,
                                   "cannot create a user namespace: unprivileged user namespaces are disabled "
                                   "(kernel.unprivileged_userns_clone is 0): 'sysctl -w "
                                   "kernel.unprivileged_userns_clone=1', or run as root");
          if (nserr_sysctl ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
            return iso_make_error (err, 0,
                                   "cannot create a user namespace: AppArmor restricts unprivileged user "
                                   "namespaces (kernel.apparmor_restrict_unprivileged_userns is 1): give isoscope "
                                   "an AppArmor profile with 'userns,', or run as root");
          return iso_make_error (err, 0,
                                 "cannot create a user namespace (with %s): %s: is isoscope in a chroot, or does a "
                                 "seccomp filter or an LSM refuse clone(CLONE_NEWUSER)?",
                                 types, why);
        }
      return iso_make_error (err, 0,
                             "cannot create the namespaces %s: %s: that needs CAP_SYS_ADMIN; as an unprivileged "
                             "user add a user namespace (-U, or -r to be root in it)",
                             types, why);
    }
  if (e == EINVAL)
    return iso_make_error (err, 0, "cannot create the namespaces %s: %s (is a kernel option for one of them off?)",
                           types, why);
  return iso_make_error (err, e, "cannot clone into the namespaces %s", types);
}
