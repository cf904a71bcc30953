// SPDX-License-Identifier: GPL-2.0-or-later
/* live_ext.c: the live model's namespaces, containers and cgroup rows, and what a detail pane needs of one process. */
#define _GNU_SOURCE
#include "isoscope/live.h"
#include "isoscope/target.h"
#include "isoscope/ns.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- namespaces and containers: counts, holders, what is left ---- */

static void
ns_open_path (struct iso_ns *ns)
{
  /* Relations are read through a process in the namespace; that process may be gone. */
  if (ns->relations_read || !ns->proc)
    return;
  free (ns->open_path);
  ns->open_path = xasprintf ("%d/ns/%s", (int)ns->proc->pid, ns_types[ns->type].link);
  ns->open_errno = 0;
}

static bool
ns_marked_gone (const struct iso_ns *ns, void *arg)
{
  (void)arg;
  return ns->nthreads < 0;
}

static void
keep_chain (struct iso_model *m, struct iso_ns *ns)
{
  /* Owners and parents stay as long as something below them does. */
  for (int depth = 0; ns && depth < 64; depth++)
    {
      struct iso_ns *o = ns->owner_ino ? iso_model_find_ns (m, ns->owner_ino) : NULL;
      struct iso_ns *p = ns->parent_ino ? iso_model_find_ns (m, ns->parent_ino) : NULL;
      if (o && o->nthreads < 0)
        {
          o->nthreads = 0;
          keep_chain (m, o);
        }
      if (p && p->nthreads < 0)
        p->nthreads = 0;
      ns = p;
    }
}

void
live_prune_ns (struct iso_live *l)
{
  struct iso_model *m = l->m;
  for (size_t i = 0; i < m->nns; i++)
    {
      struct iso_ns *ns = m->ns[i];
      for (size_t h = 0; h < ns->nholders; h++)
        free (ns->holders[h].path);
      free (ns->holders);
      ns->holders = NULL;
      ns->nholders = 0;
      ns->nprocs = 0;
      ns->nthreads = -1; /* "not kept yet" until something counts in it */
      ns->proc = NULL;
    }
  for (size_t i = 0; i < l->nprocs; i++)
    {
      struct iso_proc *p = l->procs[i]->p;
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        {
          struct iso_ns *ns = p->ns[t];
          if (!ns)
            continue;
          if (ns->nthreads < 0)
            ns->nthreads = 0;
          ns->nprocs++;
          ns->nthreads += p->nthreads;
          if (!ns->proc)
            ns->proc = p; /* the procs are in pid order: the first is the lowest */
        }
      struct iso_ns *fc[2] = { p->pid_for_children, p->time_for_children };
      for (int i2 = 0; i2 < 2; i2++)
        if (fc[i2] && fc[i2] != p->ns[i2 ? NS_TIME : NS_PID])
          {
            if (fc[i2]->nthreads < 0)
              fc[i2]->nthreads = 0;
            struct ns_holder *h = iso_ns_add_holder (fc[i2], HOLDER_FOR_CHILDREN);
            h->pid = p->pid;
          }
    }
  for (size_t i = 0; i < m->nns; i++)
    if (m->ns[i]->nthreads >= 0)
      keep_chain (m, m->ns[i]);
  iso_model_drop_ns (m, ns_marked_gone, NULL);
}

void
live_refresh_ns (struct iso_live *l, unsigned want)
{
  struct iso_model *m = l->m;
  live_prune_ns (l);
  if (want & LIVE_RELATIONS)
    {
      bool unread = false;
      for (size_t i = 0; i < m->nns; i++)
        if (!m->ns[i]->relations_read)
          {
            ns_open_path (m->ns[i]);
            unread = true;
          }
      if (unread)
        {
          size_t before = m->nns;
          ns_collect_relations (m, l->procfd, false);
          /* Ancestors it added have no processes: they are kept through their children. */
          for (size_t i = before; i < m->nns; i++)
            if (m->ns[i]->nthreads < 0)
              m->ns[i]->nthreads = 0;
          for (size_t i = 0; i < m->nns; i++)
            {
              /* relate() records parent-of/owner-of holders; they are rebuilt below. */
              struct iso_ns *ns = m->ns[i];
              size_t k = 0;
              for (size_t h = 0; h < ns->nholders; h++)
                if (ns->holders[h].kind != HOLDER_CHILD)
                  ns->holders[k++] = ns->holders[h];
              ns->nholders = k;
            }
        }
    }
  for (size_t i = 0; i < m->nns; i++)
    {
      struct iso_ns *ns = m->ns[i];
      uint64_t up[2] = { ns->owner_ino, ns->parent_ino };
      for (int j = 0; j < 2; j++)
        {
          struct iso_ns *rel = up[j] ? iso_model_find_ns (m, up[j]) : NULL;
          if (rel)
            iso_ns_add_holder (rel, HOLDER_CHILD)->child = ns->ino;
        }
    }
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    l->host_ns[t] = iso_model_host_ns (m, (enum ns_type)t);
}

static int
cmp_container_ptr (const void *a, const void *b)
{
  const struct live_container *x = a, *y = b;
  return (x->c > y->c) - (x->c < y->c);
}

void
live_refresh_containers (struct iso_live *l)
{
  struct iso_model *m = l->m;
  l->containers = xreallocarray (l->containers, m->ncontainers ? m->ncontainers : 1, sizeof *l->containers);
  l->ncontainers = m->ncontainers;
  for (size_t i = 0; i < m->ncontainers; i++)
    l->containers[i] = (struct live_container){ .c = m->containers[i] };
  /* By address, to find each process's container with a binary search. */
  qsort (l->containers, l->ncontainers, sizeof *l->containers, cmp_container_ptr);
  for (size_t i = 0; i < l->nprocs; i++)
    {
      struct live_proc *lp = l->procs[i];
      struct live_container key = { .c = lp->p->container };
      struct live_container *lc
          = key.c ? bsearch (&key, l->containers, l->ncontainers, sizeof key, cmp_container_ptr) : NULL;
      if (lc && !lc->nprocs++)
        lc->main = lp; /* in pid order: the first is the lowest */
    }
  /* Containers without a process are forgotten (no process points at them). */
  size_t k = 0;
  for (size_t i = 0; i < l->ncontainers; i++)
    if (l->containers[i].nprocs > 0)
      l->containers[k++] = l->containers[i];
    else
      {
        for (size_t j = 0; j < m->ncontainers; j++)
          if (m->containers[j] == l->containers[i].c)
            {
              m->containers[j] = m->containers[--m->ncontainers];
              break;
            }
        free (l->containers[i].c);
      }
  l->ncontainers = k;
  for (size_t i = 0; i < l->ncontainers; i++)
    l->containers[i].row = l->cg.t ? cg_rows_find (&l->cg, l->containers[i].c->cgroup) : NULL;
}

void
live_refresh_cgroups (struct iso_live *l)
{
  struct cg_rows next;
  cleanup_error iso_error_t err = NULL;
  if (cg_rows_collect (&next, l->opts.sysroot, NULL, &err) < 0)
    {
      snprintf (l->error, sizeof l->error, "cgroups: %s", err->msg);
      cg_rows_free (&next);
      return;
    }
  l->cg_interval = l->cg_time > 0 ? l->now - l->cg_time : 0;
  cg_rows_rates (&next, &l->cg, l->cg_interval);
  cg_rows_free (&l->cg);
  l->cg = next;
  l->cg_time = l->now;
  l->cg_mode = l->cg.t->mode;
  l->st.cg_ndenied = l->cg.t->ndenied;
}

static double
mono_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
live_load_security (struct iso_live *l, struct live_proc *lp)
{
  struct iso_proc *p = lp->p;
  double now = mono_now ();
  if (l->replay || (p->sec && now - lp->sec_time < l->opts.slow_period))
    return;
  char name[16];
  snprintf (name, sizeof name, "%d", (int)p->pid);
  cleanup_close int piddir = openat (l->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (piddir < 0)
    return;
  /* The directory is this process's only if the start time still matches. */
  char buf[1024];
  long n = util_read_buf_at (piddir, "stat", buf, sizeof buf);
  struct live_stat st;
  if (n <= 0 || live_parse_stat (buf, (size_t)n, &st) < 0 || st.start_time != p->start_time)
    return;
  sec_free (p->sec);
  p->sec = NULL;
  sec_collect_proc (piddir, p);
  lp->sec_time = now;
  sec_collect_mntview (piddir, p);
}

void
live_report (struct iso_live *l, struct live_proc *lp, const char *target, struct report *r)
{
  struct iso_proc *p = lp->p;
  struct cg_tree *t = l->cg.t;
  /* Link the process to this tick's cgroups for the report, and unlink it again:
     the tree is replaced at the next tick. */
  if (t && p->cgroup_text && lp->cgroup_raw)
    {
      p->cgroups = xcalloc (t->nh ? t->nh : 1, sizeof *p->cgroups);
      cleanup_free char *text = xstrdup (lp->cgroup_raw);
      for (char *line = text; line && *line;)
        {
          char *nl = strchr (line, '\n');
          char *next = nl ? nl + 1 : NULL;
          int id;
          const char *ctrls, *path;
          if (cg_parse_proc_line (line, &id, &ctrls, &path) == 0)
            {
              struct cg_hierarchy *h = cg_tree_find_hierarchy (t, ctrls, id == 0 && !*ctrls);
              if (h)
                p->cgroups[h - t->h] = cg_tree_find (t, h, path);
            }
          line = next;
        }
      l->m->cg = t;
    }
  report_build (l->m, p, target, r);
  l->m->cg = NULL;
  free (p->cgroups);
  p->cgroups = NULL;
}

int
live_shares_host (const struct iso_live *l, const struct live_proc *lp, enum ns_type type)
{
  const struct iso_ns *ns = lp->p->ns[type];
  if (!ns)
    return -1;
  return ns->ino == l->host_ns[type];
}

pid_t
live_cgroup_first_pid (const struct iso_live *l, const struct cg_row *r)
{
  pid_t best = 0;
  if (!l->cg.t)
    return 0;
  for (size_t h = 0; h < l->cg.t->nh; h++)
    {
      const struct iso_cgroup *cg = r->per_h[h];
      if (!cg || cg->nprocs == 0)
        continue;
      cleanup_free char *dir = xasprintf ("%s%s", cg->h->dir, strcmp (cg->path, "/") ? cg->path : "");
      best = target_cgroup_lowest_pid (dir);
      if (best > 0)
        break;
      best = 0;
    }
  return best;
}
