// SPDX-License-Identifier: GPL-2.0-or-later
/* collect.c: runs the collectors in order and fills the scan summary. */
#define _GNU_SOURCE
#include "isoscope/model.h"
#include "isoscope/cgroup.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/security.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The viewer: who we are and what we may do (always the live process). */
static void
scan_viewer (struct iso_scan *s)
{
  s->viewer_uid = (long)geteuid ();
  char buf[8192];
  if (util_read_buf_at (AT_FDCWD, "/proc/self/status", buf, sizeof buf) < 0)
    return;
  const char *c = strstr (buf, "\nCapEff:");
  if (c)
    s->viewer_cap_eff = strtoull (c + 8, NULL, 16);
}

int
iso_model_collect (struct iso_model **out, const struct iso_collect_opts *opts, iso_error_t *err)
{
  if (snapshot_source_check_sysroot (opts ? opts->sysroot : NULL, err) < 0)
    return -1;
  if (snapshot_source_active ())
    return snapshot_source_model (out, opts ? opts->flags : COLLECT_ALL, err);
  double cpu0 = cpu_now ();
  const char *sysroot = opts && opts->sysroot && *opts->sysroot ? opts->sysroot : NULL;
  unsigned flags = opts ? opts->flags : COLLECT_ALL;
  cleanup_free char *procpath = xasprintf ("%s/proc", sysroot ? sysroot : "");
  cleanup_close int procfd = open (procpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0)
    return iso_make_error (err, errno, "cannot open %s", procpath);

  struct iso_model *m = iso_model_new ();
  clock_gettime (CLOCK_REALTIME, &m->scan.time);
  struct utsname u;
  if (!sysroot && uname (&u) == 0)
    snprintf (m->scan.kernel, sizeof m->scan.kernel, "%s", u.release);
  else if (sysroot)
    {
      char buf[256];
      if (util_read_buf_at (procfd, "sys/kernel/osrelease", buf, sizeof buf) > 0)
        {
          buf[strcspn (buf, "\n")] = '\0';
          snprintf (m->scan.kernel, sizeof m->scan.kernel, "%.127s", buf);
        }
      snprintf (m->scan.sysroot, sizeof m->scan.sysroot, "%.250s", sysroot);
    }
  scan_viewer (&m->scan);
  if (sysroot || (flags & COLLECT_SECURITY))
    flags |= COLLECT_STATUS;
  else
    {
      /* Who is looking: our own pid and mount namespaces (never from the scanned /proc). */
      static const struct
      {
        const char *link;
        size_t off;
      } self[] = {
        { "/proc/self/ns/pid", offsetof (struct iso_scan, viewer_pidns) },
        { "/proc/self/ns/mnt", offsetof (struct iso_scan, viewer_mntns) },
      };
      for (size_t i = 0; i < ARRAY_SIZE (self); i++)
        {
          char link[64];
          enum ns_type t;
          uint64_t *dst = (uint64_t *)((char *)&m->scan + self[i].off);
          ssize_t n = readlink (self[i].link, link, sizeof link - 1);
          if (n <= 0)
            continue;
          link[n] = '\0';
          if (ns_parse_link (link, &t, dst) < 0)
            *dst = 0;
        }
    }
  /* Every namespace lives on the one nsfs: learn its device from any of our links. */
  struct stat st;
  for (int t = 0; t < NS_TYPE_COUNT && !sysroot; t++)
    {
      char p[64];
      snprintf (p, sizeof p, "/proc/self/ns/%s", ns_types[t].link);
      if (stat (p, &st) == 0)
        {
          m->nsfs_dev = st.st_dev;
          break;
        }
    }

  if (flags & COLLECT_CGROUPS)
    {
      int r = cg_tree_collect (&m->cg, sysroot, err);
      if (r < 0)
        {
          iso_model_free (m);
          return r;
        }
      m->scan.sources |= SRC_CGROUPS;
    }
  proc_collect_all (m, procfd, flags);
  m->scan.sources |= SRC_PROC;
  if (flags & COLLECT_TASKS)
    m->scan.sources |= SRC_TASKS;
  if (flags & COLLECT_FDS)
    m->scan.sources |= SRC_FDS;
  if (flags & COLLECT_MOUNTS)
    {
      ns_collect_mounts (m, procfd, NULL);
      m->scan.sources |= SRC_MOUNTS;
    }
  ns_resolve_fd_paths (m, procfd);
  if (flags & (COLLECT_RELATIONS | COLLECT_NETNSID))
    {
      ns_collect_relations (m, procfd, flags & COLLECT_NETNSID);
      m->scan.sources |= SRC_RELATIONS | SRC_NSID;
      if (flags & COLLECT_NETNSID)
        m->scan.sources |= SRC_NETNSID;
    }
  iso_model_finish (m);
  m->scan.all_caps = sec_all_caps_at (sysroot);
  m->scan.cpu_seconds = cpu_now () - cpu0;
  *out = m;
  return 0;
}
