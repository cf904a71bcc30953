// SPDX-License-Identifier: GPL-2.0-or-later
/* live_replay.c: the live model filled from the samples of a record (or a snapshot) instead of /proc, with rates
 * between consecutive samples. */
#define _GNU_SOURCE
#include "isoscope/cgrows.h"
#include "isoscope/hash.h"
#include "isoscope/live.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <stdlib.h>
#include <string.h>

int
live_replay_init (struct iso_live *l, iso_error_t *err)
{
  size_t n, cur;
  if (snapshot_source_samples (&n, &cur, err) < 0)
    return -1;
  l->replay = true;
  l->replay_n = n;
  /* A replay starts where --at says, else at the beginning. */
  l->replay_at = snapshot_source_at () ? cur : 0;
  return 0;
}

double
live_replay_time (const struct iso_live *l, size_t i)
{
  (void)l;
  return snapshot_source_time (i);
}

bool
live_replay_seek (struct iso_live *l, long steps, double seconds)
{
  size_t old = l->replay_at;
  if (seconds != 0)
    {
      double want = live_replay_time (l, l->replay_at) + seconds;
      size_t i = l->replay_at;
      if (seconds > 0)
        while (i + 1 < l->replay_n && live_replay_time (l, i + 1) <= want + 1e-6)
          i++;
      else
        while (i > 0 && live_replay_time (l, i) > want + 1e-6)
          i--;
      /* at least one sample, when there is one that way */
      if (i == l->replay_at)
        i = seconds > 0 ? (i + 1 < l->replay_n ? i + 1 : i) : (i > 0 ? i - 1 : i);
      l->replay_at = i;
    }
  long to = (long)l->replay_at + steps;
  l->replay_at = to < 0 ? 0 : (size_t)to >= l->replay_n ? l->replay_n - 1 : (size_t)to;
  return l->replay_at != old;
}

static void
drop_procs (struct iso_live *l)
{
  for (size_t i = 0; i < l->nprocs; i++)
    free (l->procs[i]); /* replayed processes hold no fd and no cgroup text */
  free (l->procs);
  l->procs = NULL;
  l->nprocs = 0;
  iso_hash_free (l->by_pid);
  l->by_pid = iso_hash_new ();
}

/* The model of the selected sample, its cgroups taken out of it as in a live model (the
   views read l->cg).  A sample without cgroups is no error (the status line says it). */
static int
load_sample (struct iso_live *l, struct iso_model **m, struct cg_rows *rows, iso_error_t *err)
{
  if (snapshot_source_model (m, COLLECT_ALL | COLLECT_NETNSID, err) < 0)
    return -1;
  for (size_t i = 0; i < (*m)->nprocs; i++)
    {
      free ((*m)->procs[i]->cgroups);
      (*m)->procs[i]->cgroups = NULL;
    }
  cg_tree_free ((*m)->cg);
  (*m)->cg = NULL;
  cleanup_error iso_error_t cgerr = NULL;
  if (cg_rows_collect (rows, NULL, NULL, &cgerr) < 0)
    {
      snprintf (l->error, sizeof l->error, "cgroups: %s", cgerr->msg);
      cg_rows_free (rows);
    }
  return 0;
}

int
live_replay_refresh (struct iso_live *l, unsigned want, iso_error_t *err)
{
  if (want & (LIVE_NS | LIVE_STATUS | LIVE_CGROUP | LIVE_CMDLINE | LIVE_RELATIONS | LIVE_HOLDERS))
    want |= LIVE_PROCS;
  size_t at = l->replay_at;
  struct iso_model *prev = NULL, *m = NULL;
  struct cg_rows prev_rows = { 0 }, rows = { 0 };
  double t = live_replay_time (l, at), t0 = at > 0 ? live_replay_time (l, at - 1) : 0;
  /* The sample before first: the source steps forward one patch to the one shown. */
  if (at > 0 && (snapshot_source_select (at - 1, err) < 0 || load_sample (l, &prev, &prev_rows, err) < 0))
    goto fail;
  if (snapshot_source_select (at, err) < 0 || load_sample (l, &m, &rows, err) < 0)
    goto fail;

  drop_procs (l);
  l->st = (struct live_stats){ .tick = l->st.tick + 1 };
  l->tick_interval = at > 0 ? t - t0 : 0;
  l->now = t;
  l->procs_time = (want & LIVE_PROCS) ? t : 0;
  l->cg_time = (want & LIVE_CGTREE) ? t : 0;
  size_t nprocs = (want & LIVE_PROCS) ? m->nprocs : 0;
  l->procs = xcalloc (nprocs ? nprocs : 1, sizeof *l->procs);
  for (size_t i = 0; i < nprocs; i++)
    {
      struct iso_proc *p = m->procs[i];
      if (!(want & LIVE_CGROUP))
        {
          p->container = NULL;
          p->cgroup_path = NULL;
        }
      struct live_proc *lp = xzalloc (sizeof *lp);
      lp->p = p;
      lp->fd = -1;
      lp->cpu_ticks = p->cpu_ticks;
      lp->rss = p->rss_pages * (uint64_t)l->pagesize;
      lp->cpu_pct = -1;
      /* Every fact is as fresh as the sample. */
      lp->sample_time = lp->stat_time = lp->status_time = lp->cgroup_time = lp->cmd_time = lp->sec_time = lp->ticks_time
          = t;
      /* Namespaces count as read when any link was (as a live tick counts them). */
      for (int ty = 0; ty < NS_TYPE_COUNT && !lp->ns_time; ty++)
        if (p->ns[ty])
          lp->ns_time = t;
      const struct iso_proc *q = prev ? iso_model_find_proc (prev, p->pid) : NULL;
      if (q && q->start_time == p->start_time && t > t0 && p->cpu_ticks >= q->cpu_ticks)
        lp->cpu_pct = 100.0 * (double)(p->cpu_ticks - q->cpu_ticks) / (double)l->hz / (t - t0);
      if (lp->cpu_pct > 0 || !q)
        lp->active_time = t;
      if (p->errors & PROC_ERR_DENIED)
        l->st.ndenied++;
      l->procs[l->nprocs++] = lp;
      iso_hash_put (l->by_pid, (uint64_t)p->pid, lp);
    }
  l->st.nnew = m->nprocs;
  if (!(want & LIVE_CGTREE))
    cg_rows_free (&rows);
  else if (prev)
    cg_rows_rates (&rows, &prev_rows, t - t0);
  cg_rows_free (&l->cg);
  l->cg = rows;
  l->cg_interval = l->tick_interval;
  l->cg_mode = rows.t ? rows.t->mode : CG_MODE_NONE;
  l->st.cg_ndenied = rows.t ? rows.t->ndenied : 0;
  iso_model_free (l->m);
  l->m = m;
  for (int ty = 0; ty < NS_TYPE_COUNT; ty++)
    l->host_ns[ty] = iso_model_host_ns (m, (enum ns_type)ty);
  if (want & LIVE_PROCS)
    live_refresh_containers (l);
  l->want = want;
  iso_model_free (prev);
  cg_rows_free (&prev_rows);
  return 0;

fail:
  iso_model_free (prev);
  iso_model_free (m);
  cg_rows_free (&prev_rows);
  cg_rows_free (&rows);
  return -1;
}
