// SPDX-License-Identifier: GPL-2.0-or-later
/* cgrows.c: merge the cgroups of every hierarchy into one row per path, link the rows as a tree, compute rates. */
#define _GNU_SOURCE
#include "isoscope/cgrows.h"
#include "isoscope/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
cg_path_cmp (const char *a, const char *b)
{
  const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
  while (*p && *p == *q)
    p++, q++;
  /* The end of a path first, then '/', then every other byte: "/a", "/a/b", "/a-b". */
  int cp = !*p ? 0 : *p == '/' ? 1 : *p + 1;
  int cq = !*q ? 0 : *q == '/' ? 1 : *q + 1;
  return cp - cq;
}

struct cg_ref
{
  struct iso_cgroup *cg;
  size_t h;
};

static int
cmp_ref (const void *a, const void *b)
{
  const struct cg_ref *x = a, *y = b;
  int c = cg_path_cmp (x->cg->path, y->cg->path);
  if (c)
    return c;
  return (x->h > y->h) - (x->h < y->h);
}

struct cg_row *
cg_rows_find (const struct cg_rows *v, const char *path)
{
  size_t lo = 0, hi = v->nrows;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      int c = cg_path_cmp (v->rows[mid]->path, path);
      if (c == 0)
        return v->rows[mid];
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

uint64_t
cg_row_ino (const struct cg_row *r)
{
  for (size_t i = 0; r->per_h && r->per_h[i] != (void *)-1; i++)
    if (r->per_h[i])
      return r->per_h[i]->ino;
  return 0;
}

/* Each value from the first hierarchy that has it: v1 controllers, then cgroup2. */
static void
merge_row (const struct cg_tree *t, struct cg_row *r)
{
  r->nprocs = r->nthreads = r->frozen = r->populated = -1;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < t->nh; i++)
      {
        struct iso_cgroup *cg = r->per_h[i];
        if (!cg || cg->h->v2 != (pass == 1))
          continue;
        for (int f = 0; f < CGF_COUNT; f++)
          if (r->f[f].state == CGV_ABSENT && cg->f[f].state != CGV_ABSENT)
            r->f[f] = cg->f[f];
        if (cg->nprocs > r->nprocs)
          r->nprocs = cg->nprocs;
        if (cg->nthreads > r->nthreads)
          r->nthreads = cg->nthreads;
        if (r->frozen < 0)
          r->frozen = cg->frozen;
        if (r->populated < 0)
          r->populated = cg->populated;
        if (!r->cpuset_cpus)
          r->cpuset_cpus = cg->cpuset_cpus;
        if (!r->iodev_of && cg->niodev)
          r->iodev_of = cg;
        r->errors |= cg->errors;
      }
  /* The working set again, from the merged values (they may come from two files). */
  struct cg_val *cur = &r->f[CGF_MEMORY_CURRENT], *in = &r->f[CGF_MEMORY_STAT_INACTIVE_FILE];
  if (cur->state == CGV_SET && in->state == CGV_SET)
    r->f[CGF_MEMORY_WORKING_SET] = (struct cg_val){ .state = CGV_SET, .v = cur->v > in->v ? cur->v - in->v : 0 };
  r->has_container = container_from_path (r->path, &r->container);
}

/* --controller NAME: the hierarchy named so, or one whose controller list has NAME
   as a whole entry ("cpu" is not "cpuset"); cgroup2 answers to "unified" and "cgroup2"
   and, on a pure v2 host, to every controller. */
static bool
hier_selected (const struct cg_hierarchy *h, const char *name)
{
  if (!name || strcmp (h->name, name) == 0)
    return true;
  if (h->v2)
    return strcmp (name, "unified") == 0 || strcmp (name, "cgroup2") == 0 || strcmp (h->name, "") == 0;
  size_t n = strlen (name);
  for (const char *s = h->controllers; *s;)
    {
      size_t l = strcspn (s, ",");
      if (l == n && strncmp (s, name, n) == 0)
        return true;
      s += l + (s[l] == ',');
    }
  return false;
}

static void
add_child (struct cg_row *parent, struct cg_row *child)
{
  if ((parent->nchildren & (parent->nchildren - 1)) == 0)
    parent->children
        = xreallocarray (parent->children, parent->nchildren ? parent->nchildren * 2 : 4, sizeof *parent->children);
  parent->children[parent->nchildren++] = child;
  child->parent = parent;
}

int
cg_rows_collect (struct cg_rows *v, const char *sysroot, const char *controller, iso_error_t *err)
{
  return cg_rows_collect_fields (v, sysroot, controller, 0, err);
}

int
cg_rows_collect_fields (struct cg_rows *v, const char *sysroot, const char *controller, uint64_t fields,
                        iso_error_t *err)
{
  memset (v, 0, sizeof *v);
  struct cg_tree *t = NULL;
  int r = cg_tree_collect_fields (&t, sysroot, fields, err);
  if (r < 0)
    return r;
  return cg_rows_from_tree (v, t, controller, err);
}

int
cg_rows_from_tree (struct cg_rows *v, struct cg_tree *t, const char *controller, iso_error_t *err)
{
  memset (v, 0, sizeof *v);
  v->t = t;
  if (t->mode == CG_MODE_NONE)
    return iso_make_error (err, ENOENT, "no cgroup filesystem under %s", t->root);

  /* Every (path, hierarchy) pair in path order; equal paths become one row. */
  struct cg_ref *refs = xcalloc (t->nall ? t->nall : 1, sizeof *refs);
  size_t nrefs = 0;
  for (size_t i = 0; i < t->nall; i++)
    if (hier_selected (t->all[i]->h, controller))
      refs[nrefs++] = (struct cg_ref){ t->all[i], (size_t)(t->all[i]->h - t->h) };
  if (controller && nrefs == 0)
    {
      free (refs);
      return iso_make_error (err, ENOENT, "no hierarchy with the controller '%s'", controller);
    }
  qsort (refs, nrefs, sizeof *refs, cmp_ref);
  v->rows = xcalloc (nrefs ? nrefs : 1, sizeof *v->rows);
  for (size_t i = 0; i < nrefs; i++)
    {
      struct cg_row *row = v->nrows ? v->rows[v->nrows - 1] : NULL;
      if (!row || strcmp (row->path, refs[i].cg->path) != 0)
        {
          row = xzalloc (sizeof *row);
          row->path = xstrdup (refs[i].cg->path);
          row->per_h = xcalloc (t->nh + 1, sizeof *row->per_h);
          row->per_h[t->nh] = (void *)-1; /* the end, for cg_row_ino */
          v->rows[v->nrows++] = row;
        }
      row->per_h[refs[i].h] = refs[i].cg;
    }
  free (refs);

  for (size_t i = 0; i < v->nrows; i++)
    {
      struct cg_row *row = v->rows[i];
      merge_row (t, row);
      /* Members are counted in one hierarchy per path (cgroup.c); with --controller the
         members are those of the chosen hierarchy, so count them there. */
      if (controller && row->nprocs < 0)
        for (size_t k = 0; k < t->nh && row->nprocs < 0; k++)
          if (row->per_h[k])
            {
              v->t->nvanished += (unsigned)cg_count_members (row->per_h[k]);
              row->nprocs = row->per_h[k]->nprocs;
              row->nthreads = row->per_h[k]->nthreads;
            }
      if (strcmp (row->path, "/") == 0)
        continue;
      for (const char *s = row->path; *s; s++)
        row->depth += *s == '/';
      cleanup_free char *dir = xstrdup (row->path);
      char *slash = strrchr (dir, '/');
      slash[slash == dir ? 1 : 0] = '\0';
      struct cg_row *parent = cg_rows_find (v, dir);
      if (parent)
        add_child (parent, row);
    }
  /* Processes in each subtree: children come after their parents, so walk backwards. */
  for (size_t i = v->nrows; i-- > 0;)
    {
      struct cg_row *row = v->rows[i];
      row->subtree_procs += row->nprocs > 0 ? row->nprocs : 0;
      if (row->parent)
        row->parent->subtree_procs += row->subtree_procs;
    }
  return 0;
}

void
cg_rows_free (struct cg_rows *v)
{
  for (size_t i = 0; i < v->nrows; i++)
    {
      free (v->rows[i]->path);
      free (v->rows[i]->per_h);
      free (v->rows[i]->children);
      free (v->rows[i]);
    }
  free (v->rows);
  cg_tree_free (v->t);
  memset (v, 0, sizeof *v);
}

static bool
both_set (const struct cg_val *a, const struct cg_val *b)
{
  return a->state == CGV_SET && b->state == CGV_SET;
}

void
cg_rows_rates (struct cg_rows *now, const struct cg_rows *before, double seconds)
{
  if (!before || !before->t)
    return;
  for (size_t i = 0; i < now->nrows; i++)
    {
      struct cg_row *r = now->rows[i];
      const struct cg_row *o = cg_rows_find (before, r->path);
      if (!o)
        continue;
      /* The hierarchies are the same mounts in both samples, so their indexes match. */
      for (size_t h = 0; h < now->t->nh && h < before->t->nh; h++)
        if (r->per_h[h] && o->per_h[h] && r->per_h[h]->ino != o->per_h[h]->ino)
          r->recreated = true;
      if (r->recreated || seconds <= 0)
        continue;
      const struct cg_val *u1 = &r->f[CGF_CPU_STAT_USAGE_USEC], *u0 = &o->f[CGF_CPU_STAT_USAGE_USEC];
      if (both_set (u1, u0) && u1->v >= u0->v)
        {
          r->has_rates = true;
          r->cpu_pct = 100.0 * (double)(u1->v - u0->v) / 1e6 / seconds;
          const struct cg_val *q = &r->f[CGF_CPU_MAX_QUOTA_USEC], *p = &r->f[CGF_CPU_MAX_PERIOD_USEC];
          if (both_set (q, p) && p->v > 0 && q->v > 0)
            {
              r->cpu_quota_pct = r->cpu_pct / (100.0 * (double)q->v / (double)p->v) * 100.0;
              r->cpu_quota_known = true;
            }
        }
      const struct cg_val *np1 = &r->f[CGF_CPU_STAT_NR_PERIODS], *np0 = &o->f[CGF_CPU_STAT_NR_PERIODS];
      const struct cg_val *nt1 = &r->f[CGF_CPU_STAT_NR_THROTTLED], *nt0 = &o->f[CGF_CPU_STAT_NR_THROTTLED];
      if (both_set (np1, np0) && both_set (nt1, nt0) && np1->v > np0->v && nt1->v >= nt0->v)
        {
          r->throttled_pct = 100.0 * (double)(nt1->v - nt0->v) / (double)(np1->v - np0->v);
          r->throttled_known = true;
        }
      const struct cg_val *rb1 = &r->f[CGF_IO_STAT_RBYTES], *rb0 = &o->f[CGF_IO_STAT_RBYTES];
      const struct cg_val *wb1 = &r->f[CGF_IO_STAT_WBYTES], *wb0 = &o->f[CGF_IO_STAT_WBYTES];
      if (both_set (rb1, rb0) && both_set (wb1, wb0) && rb1->v >= rb0->v && wb1->v >= wb0->v)
        {
          r->io_rbps = (double)(rb1->v - rb0->v) / seconds;
          r->io_wbps = (double)(wb1->v - wb0->v) / seconds;
          r->io_known = true;
        }
      const struct cg_val *k1 = &r->f[CGF_MEMORY_EVENTS_OOM_KILL], *k0 = &o->f[CGF_MEMORY_EVENTS_OOM_KILL];
      if (both_set (k1, k0) && k1->v >= k0->v)
        {
          r->oom_kill_delta = k1->v - k0->v;
          r->oom_delta_known = true;
        }
    }
}
