// SPDX-License-Identifier: GPL-2.0-or-later
/* detail.c: the detail pane: the selected namespace, cgroup or container, then the explain report of its process. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/report.h"
#include "isoscope/tui.h"
#include "isoscope/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
tui_detail_clear (struct tui_detail *d)
{
  for (size_t i = 0; i < d->nlines; i++)
    free (d->lines[i]);
  free (d->lines);
  d->lines = NULL;
  d->nlines = 0;
}

static void line (struct tui_detail *d, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
line (struct tui_detail *d, const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    s = xstrdup ("?");
  va_end (ap);
  /* One screen line each: no control bytes from process names or paths. */
  for (char *c = s; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  d->lines = xreallocarray (d->lines, d->nlines + 1, sizeof *d->lines);
  d->lines[d->nlines++] = s;
}

static void
age (char *buf, size_t size, const struct iso_live *l, double t)
{
  if (t <= 0)
    snprintf (buf, size, "not read");
  else if (l->now - t < 0.5)
    snprintf (buf, size, "this tick");
  else
    snprintf (buf, size, "%.0f s ago", l->now - t);
}

static void
report_lines (struct tui *t, struct live_proc *lp, const char *target)
{
  struct tui_detail *d = &t->detail;
  struct iso_live *l = t->live;
  live_load_security (l, lp);
  struct report r;
  char name[32];
  snprintf (name, sizeof name, "pid %d", (int)lp->p->pid);
  live_report (l, lp, target ? target : name, &r);
  char ns[32], st[32], cg[32];
  age (ns, sizeof ns, l, lp->ns_time);
  age (st, sizeof st, l, lp->status_time);
  age (cg, sizeof cg, l, lp->cgroup_time);
  if (target)
    line (d, "%s: pid %d (%s)", target, (int)lp->p->pid, lp->p->comm);
  else
    line (d, "pid %d (%s)", (int)lp->p->pid, lp->p->comm);
  line (d, "  read: namespaces %s, status %s, cgroup %s%s", ns, st, cg,
        l->cg.t ? "" : "; cgroup values come with the next refresh");
  for (int layer = 0; layer < REPORT_LAYER_COUNT; layer++)
    {
      line (d, "%s", report_layer_name ((enum report_layer)layer));
      for (size_t i = 0; i < r.nfacts; i++)
        {
          const struct report_fact *f = &r.facts[i];
          if (f->layer != (enum report_layer)layer)
            continue;
          if (f->host && strcmp (f->host, f->value) != 0 && f->layer != REPORT_NAMESPACES)
            line (d, "  %-24s %s  (host: %s)", f->field, f->value, f->host);
          else
            line (d, "  %-24s %s", f->field, f->value);
        }
    }
  line (d, "findings%s", r.nfindings ? "" : ": none");
  for (size_t i = 0; i < r.nfindings; i++)
    line (d, "  ! %-18s %s", r.findings[i].id, r.findings[i].text);
  report_free (&r);
}

static void
cgroup_lines (struct tui *t, const struct cg_row *g)
{
  struct tui_detail *d = &t->detail;
  const struct cg_tree *tree = t->live->cg.t;
  line (d, "cgroup %s", g->path);
  for (size_t h = 0; tree && h < tree->nh; h++)
    if (g->per_h[h])
      line (d, "  %-24s %s inode %llu", tree->h[h].v2 ? "cgroup2" : tree->h[h].controllers, tree->h[h].dir,
            (unsigned long long)g->per_h[h]->ino);
  if (g->has_container)
    line (d, "  %-24s %s %s", "container", g->container.engine, g->container.id);
  line (d, "  %-24s %d here, %d in the subtree", "processes", g->nprocs, g->subtree_procs);
  if (g->frozen >= 0)
    line (d, "  %-24s %s", "frozen", g->frozen ? "yes" : "no");
  if (g->recreated)
    line (d, "  %-24s %s", "recreated", "yes: removed and made again since the last tick (no rates)");
  if (g->has_rates)
    line (d, "  %-24s %.1f", "cpu_percent", g->cpu_pct);
  if (g->throttled_known)
    line (d, "  %-24s %.1f", "throttled_percent", g->throttled_pct);
  if (g->io_known)
    line (d, "  %-24s %.0f / %.0f", "io bytes/s read / write", g->io_rbps, g->io_wbps);
  for (int f = 0; f < CGF_COUNT; f++)
    {
      const struct cg_val *v = &g->f[f];
      if (v->state == CGV_ABSENT)
        continue;
      if (v->state == CGV_MAX)
        line (d, "  %-24s max", cg_fields[f].json);
      else if (v->is_float)
        line (d, "  %-24s %llu.%02llu", cg_fields[f].json, (unsigned long long)(v->v / 100),
              (unsigned long long)(v->v % 100));
      else
        line (d, "  %-24s %llu", cg_fields[f].json, (unsigned long long)v->v);
    }
}

static void
ns_lines (struct tui *t, const struct iso_ns *ns)
{
  struct tui_detail *d = &t->detail;
  line (d, "%s namespace %llu", ns_types[ns->type].name, (unsigned long long)ns->ino);
  if (ns->nsid)
    line (d, "  %-24s %llu", "nsid", (unsigned long long)ns->nsid);
  line (d, "  %-24s %s", "host's", ns->ino == t->live->host_ns[ns->type] ? "yes" : "no");
  if (ns->owner_ino)
    line (d, "  %-24s user:[%llu]", "owner", (unsigned long long)ns->owner_ino);
  if (ns->parent_ino)
    line (d, "  %-24s %s:[%llu]", "parent", ns_types[ns->type].name, (unsigned long long)ns->parent_ino);
  if (ns->owner_uid >= 0)
    line (d, "  %-24s %ld", "created by uid", ns->owner_uid);
  line (d, "  %-24s %d (%d threads)", "processes", ns->nprocs, ns->nthreads);
}

void
tui_detail_update (struct tui *t)
{
  struct tui_detail *d = &t->detail;
  tui_detail_clear (d);
  const struct view_row *r = tui_selected (t);
  if (!r)
    return;
  const char *target = "its first process";
  switch (r->kind)
    {
    case ROW_PROC:
      target = NULL;
      break;
    case ROW_NS:
      ns_lines (t, r->ns);
      break;
    case ROW_CGROUP:
      cgroup_lines (t, r->cg);
      break;
    case ROW_CONTAINER:
      line (d, "container %s %s", r->ct->c->engine, r->ct->c->id);
      line (d, "  %-24s %s", "cgroup", r->ct->c->cgroup);
      if (r->ct->c->pod_uid[0])
        line (d, "  %-24s %s (%s)", "pod", r->ct->c->pod_uid, r->ct->c->qos);
      line (d, "  %-24s %d", "processes", r->ct->nprocs);
      if (r->ct->row)
        cgroup_lines (t, r->ct->row);
      break;
    }
  struct live_proc *lp = tui_row_process (t, r);
  if (lp)
    lp = live_ensure (t->live, lp->p->pid);
  if (!lp)
    {
      line (d, "%s", r->kind == ROW_PROC ? "the process is gone" : "no process to explain");
      return;
    }
  report_lines (t, lp, target);
}
