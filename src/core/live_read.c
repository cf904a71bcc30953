// SPDX-License-Identifier: GPL-2.0-or-later
/* live_read.c: what the live model reads of a process besides its stat (namespaces, status, cgroup, command
 * line), and when each is due. */
#define _GNU_SOURCE
#include "isoscope/container.h"
#include "isoscope/live.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- slow facts: namespaces, status, cgroup, command line ---- */

static bool
is_denied (int e)
{
  return e == EACCES || e == EPERM;
}

static void
read_ns (struct iso_live *l, struct live_proc *lp, bool holders)
{
  struct iso_proc *p = lp->p;
  char path[64], buf[64];
  int base = snprintf (path, sizeof path, "%d/ns/", (int)p->pid);
  int nread = 0, first_err = 0;
  bool retry = false;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      /* A process never leaves its pid or time namespace (setns and unshare change
         only the ones for its children): read those once. */
      if ((t == NS_PID || t == NS_TIME) && p->ns[t])
        {
          nread++;
          continue;
        }
      snprintf (path + base, sizeof path - (size_t)base, "%s", ns_types[t].link);
      ssize_t n = readlinkat (l->procfd, path, buf, sizeof buf - 1);
      enum ns_type ty;
      uint64_t ino;
      if (n < 0)
        {
          if (errno != ENOENT && !first_err)
            first_err = errno;
          p->ns[t] = NULL;
          continue;
        }
      buf[n] = '\0';
      if (ns_parse_link (buf, &ty, &ino) < 0 || ty != (enum ns_type)t)
        continue;
      nread++;
      if (p->ns[t] && p->ns[t]->ino == ino)
        continue;
      struct iso_ns *ns = iso_model_get_ns (l->m, ty, ino, NULL);
      if (ns->type != ty)
        {
          /* The inode of a namespace that is gone, reused by a new one: the old one is
             dropped at the end of this tick; read this link again at the next. */
          p->ns[t] = NULL;
          retry = true;
          continue;
        }
      if (!ns->open_path)
        ns->open_path = xstrdup (path);
      p->ns[t] = ns;
    }
  p->ns_errno = nread ? 0 : first_err;
  if (is_denied (first_err))
    p->errors |= PROC_ERR_DENIED;
  if (holders && nread)
    {
      static const char *const names[2] = { "pid_for_children", "time_for_children" };
      static const enum ns_type types[2] = { NS_PID, NS_TIME };
      for (int i = 0; i < 2; i++)
        {
          struct iso_ns **dst = i ? &p->time_for_children : &p->pid_for_children;
          snprintf (path + base, sizeof path - (size_t)base, "%s", names[i]);
          ssize_t n = readlinkat (l->procfd, path, buf, sizeof buf - 1);
          enum ns_type ty;
          uint64_t ino;
          *dst = NULL;
          if (n <= 0)
            continue;
          buf[n] = '\0';
          if (ns_parse_link (buf, &ty, &ino) == 0 && ty == types[i])
            *dst = iso_model_get_ns (l->m, ty, ino, NULL);
        }
    }
  if (nread && !retry)
    lp->ns_time = l->now;
  l->st.nns++;
}

/* The path a process is shown with: the cgroup2 one when it says something, else the
   memory controller's, a named hierarchy's, any other's (proc.c chooses the same way). */
static const char *
primary_path (const char *v2, const char *memory, const char *named, const char *other)
{
  if (v2 && strcmp (v2, "/") != 0)
    return v2;
  if (memory && strcmp (memory, "/") != 0)
    return memory;
  if (named && strcmp (named, "/") != 0)
    return named;
  if (other)
    return other;
  return v2 ? v2 : memory;
}

static void
parse_cgroup (struct iso_live *l, struct live_proc *lp)
{
  struct iso_proc *p = lp->p;
  free (p->cgroup_text);
  p->cgroup_text = xstrdup (lp->cgroup_raw);
  p->cgroup_len = strlen (p->cgroup_text);
  p->cgroup_path = NULL;
  p->container = NULL;
  const char *v2 = NULL, *memory = NULL, *named = NULL, *other = NULL;
  bool found = false;
  for (char *line = p->cgroup_text; line && *line;)
    {
      char *nl = strchr (line, '\n');
      char *next = nl ? nl + 1 : NULL;
      int id;
      const char *ctrls, *path;
      if (cg_parse_proc_line (line, &id, &ctrls, &path) == 0)
        {
          if (id == 0 && !*ctrls)
            v2 = path;
          else if (strcmp (ctrls, "memory") == 0)
            memory = path;
          else if (strncmp (ctrls, "name=", 5) == 0)
            named = path;
          else if (!other && strcmp (path, "/") != 0)
            other = path;
          struct iso_container c;
          if (!found && container_from_path (path, &c))
            {
              found = true;
              p->container = iso_model_intern_container (l->m, &c);
            }
        }
      line = next;
    }
  p->cgroup_path = primary_path (v2, memory, named, other);
}

static void
read_slow (struct iso_live *l, struct live_proc *lp, unsigned want)
{
  struct iso_proc *p = lp->p;
  char path[48], buf[8192];
  if (want & LIVE_STATUS)
    {
      snprintf (path, sizeof path, "%d/status", (int)p->pid);
      long n = util_read_buf_at (l->procfd, path, buf, sizeof buf);
      p->status_read = true;
      if (n > 0)
        proc_parse_status (buf, p);
      else if (n < 0 && is_denied ((int)-n))
        p->errors |= PROC_ERR_DENIED;
      lp->status_time = l->now;
    }
  if (want & LIVE_CGROUP)
    {
      snprintf (path, sizeof path, "%d/cgroup", (int)p->pid);
      long n = util_read_buf_at (l->procfd, path, buf, sizeof buf);
      if (n >= 0 && (!lp->cgroup_raw || strcmp (lp->cgroup_raw, buf) != 0))
        {
          free (lp->cgroup_raw);
          lp->cgroup_raw = xstrdup (buf);
          parse_cgroup (l, lp);
        }
      else if (n < 0 && is_denied ((int)-n))
        p->errors |= PROC_ERR_DENIED;
      lp->cgroup_time = l->now;
    }
  l->st.nslow++;
}

static void
read_cmdline (struct iso_live *l, struct live_proc *lp)
{
  struct iso_proc *p = lp->p;
  char path[48];
  snprintf (path, sizeof path, "%d/cmdline", (int)p->pid);
  char *text;
  long n = util_read_file_at (l->procfd, path, &text);
  if (n >= 0)
    {
      char *joined = proc_cmdline_join (text, (size_t)n);
      free (text);
      if (!p->cmdline || !joined || strcmp (joined, p->cmdline) != 0)
        {
          free (p->cmdline);
          p->cmdline = joined;
        }
      else
        free (joined);
    }
  p->cmdline_read = true;
  lp->cmd_time = l->now;
  l->st.ncmd++;
}

/* Is a fact read at T (with PERIOD) due at this tick?  Facts that only the process
   itself can change wait IDLE_FACTOR periods when it has not run since. */
static bool
due (const struct iso_live *l, const struct live_proc *lp, double t, int period, bool self_changed, unsigned offset)
{
  if (t <= 0)
    return true;
  unsigned long slot = l->st.tick + lp->phase + offset;
  if (slot % (unsigned)period != 0)
    return false;
  if (!self_changed || lp->active_time >= t)
    return true;
  return slot % ((unsigned)period * LIVE_IDLE_FACTOR) == 0;
}

bool
live_ns_stale (const struct iso_live *l, const struct live_proc *lp)
{
  double tick = l->tick_interval > 0 ? l->tick_interval : 1.0;
  int period = l->opts.ns_period * (lp->active_time >= lp->ns_time ? 1 : LIVE_IDLE_FACTOR);
  return lp->ns_time <= 0 || l->now - lp->ns_time > ((double)period + 0.5) * tick;
}

bool
live_status_stale (const struct iso_live *l, const struct live_proc *lp)
{
  double tick = l->tick_interval > 0 ? l->tick_interval : 1.0;
  int period = l->opts.slow_period * (lp->active_time >= lp->status_time ? 1 : LIVE_IDLE_FACTOR);
  return lp->status_time <= 0 || l->now - lp->status_time > ((double)period + 0.5) * tick;
}

bool
live_cgroup_stale (const struct iso_live *l, const struct live_proc *lp)
{
  double tick = l->tick_interval > 0 ? l->tick_interval : 1.0;
  return lp->cgroup_time <= 0 || l->now - lp->cgroup_time > ((double)l->opts.slow_period + 0.5) * tick;
}

/* Read every slow fact WANT names that is due for LP (FORCE: all of them). */
void
live_read_due (struct iso_live *l, struct live_proc *lp, unsigned want, bool force)
{
  struct iso_proc *p = lp->p;
  if (p->state == 'Z' || p->state == 'X')
    return; /* a zombie has no namespaces, and its status says little */
  bool now = force || lp->exec_seen;
  if ((want & LIVE_NS) && (now || due (l, lp, lp->ns_time, l->opts.ns_period, true, 0)))
    read_ns (l, lp, want & LIVE_HOLDERS);
  unsigned slow = 0;
  if ((want & LIVE_STATUS) && (now || !p->status_read || due (l, lp, lp->status_time, l->opts.slow_period, true, 0)))
    slow |= LIVE_STATUS;
  if ((want & LIVE_CGROUP) && (now || !lp->cgroup_raw || due (l, lp, lp->cgroup_time, l->opts.slow_period, false, 0)))
    slow |= LIVE_CGROUP;
  if (slow)
    read_slow (l, lp, slow);
  if ((want & LIVE_CMDLINE) && (now || !p->cmdline_read || due (l, lp, lp->cmd_time, l->opts.slow_period, true, 1)))
    read_cmdline (l, lp);
  if (!p->status_read && !p->nspid && p->ns[NS_PID] && p->ns[NS_PID]->ino == l->m->scan.viewer_pidns)
    {
      /* Without status, a process in our own pid namespace needs no translation. */
      p->nspid = xmalloc (sizeof *p->nspid);
      p->nspid[0] = p->pid;
      p->nnspid = 1;
    }
}
