// SPDX-License-Identifier: GPL-2.0-or-later
/* view_cgroups.c: the cgroups view (the merged tree with rates, limits and pressure) and the containers view. */
#define _GNU_SOURCE
#include "isoscope/util.h"
#include "isoscope/view.h"

#include <stdlib.h>
#include <string.h>

/* A kernel value as a cell value: absent, "max", a number (PSI in percent). */
static void
cg_value (const struct cg_val *cv, struct view_val *val)
{
  if (cv->state == CGV_MAX)
    {
      val->type = VV_INT;
      val->max = true;
      return;
    }
  if (cv->state != CGV_SET)
    return;
  if (cv->is_float)
    {
      val->type = VV_NUM;
      val->d = (double)cv->v / 100.0;
      return;
    }
  val->type = VV_INT;
  val->i = (int64_t)cv->v;
}

static void
rate_value (bool known, double d, struct view_val *val)
{
  if (!known)
    return;
  val->type = VV_NUM;
  val->d = d;
}

static void
container_text (const struct cg_row *r, struct view_val *val)
{
  if (r->has_container)
    snprintf (val->buf, sizeof val->buf, "%s:%s", r->container.engine, r->container.short_id);
  else if (r->container.pod_uid[0])
    snprintf (val->buf, sizeof val->buf, "pod:%.8s", r->container.pod_uid);
  else
    return;
  val->type = VV_STR;
  val->s = val->buf;
}

/* ---- cgroups ---- */

static void
g_path (const struct view *v, const struct view_row *r, struct view_val *val)
{
  val->type = VV_STR;
  const char *base = strrchr (r->cg->path, '/');
  val->s = v->tree && !v->full_paths && r->depth > 0 && base && base[1] ? base + 1 : r->cg->path;
}

static void
g_container (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  container_text (r->cg, val);
}

static void
g_procs (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  if (r->cg->nprocs < 0)
    return;
  val->type = VV_INT;
  val->i = r->cg->nprocs;
}

#define GRATE(fn, known, field)                                                                                        \
  static void fn (const struct view *v, const struct view_row *r, struct view_val *val)                                \
  {                                                                                                                    \
    (void)v;                                                                                                           \
    rate_value (r->cg->known, r->cg->field, val);                                                                      \
  }
GRATE (g_cpu, has_rates, cpu_pct)
GRATE (g_cpuq, cpu_quota_known, cpu_quota_pct)
GRATE (g_iord, io_known, io_rbps)
GRATE (g_iowr, io_known, io_wbps)
GRATE (g_thr, throttled_known, throttled_pct)
#undef GRATE

#define GFIELD(fn, field)                                                                                              \
  static void fn (const struct view *v, const struct view_row *r, struct view_val *val)                                \
  {                                                                                                                    \
    (void)v;                                                                                                           \
    cg_value (&r->cg->f[field], val);                                                                                  \
  }
GFIELD (g_mem, CGF_MEMORY_CURRENT)
GFIELD (g_wset, CGF_MEMORY_WORKING_SET)
GFIELD (g_memmax, CGF_MEMORY_MAX)
GFIELD (g_pids, CGF_PIDS_CURRENT)
GFIELD (g_pidsmax, CGF_PIDS_MAX)
GFIELD (g_psicpu, CGF_PSI_CPU_SOME_AVG10)
GFIELD (g_psimem, CGF_PSI_MEMORY_SOME_AVG10)
GFIELD (g_psiio, CGF_PSI_IO_SOME_AVG10)
GFIELD (g_oomk, CGF_MEMORY_EVENTS_OOM_KILL)
#undef GFIELD

enum
{
  G_PATH,
  G_CONTAINER,
  G_PROCS,
  G_CPU,
  G_CPUQ,
  G_MEM,
  G_WSET,
  G_MEMMAX,
  G_PIDS,
  G_PIDSMAX,
  G_IORD,
  G_IOWR,
  G_THR,
  G_PSICPU,
  G_PSIMEM,
  G_PSIIO,
  G_OOMK,
  G_COUNT
};

/* clang-format off */
static const struct view_col cg_cols[G_COUNT] = {
  [G_PATH] = { "CGROUP", "path", 0, true, 0, true, VF_STR, "cgroup path (its last part in the tree); one row per path, merged across the v1 and v2 hierarchies", g_path },
  [G_CONTAINER] = { "CONTAINER", "container", 19, true, 150, false, VF_STR, "container (engine:id) or pod named by the path", g_container },
  [G_PROCS] = { "PROCS", "procs", 5, false, 0, false, VF_INT, "processes in the cgroup itself", g_procs },
  [G_CPU] = { "CPU%", "cpu_percent", 6, false, 0, false, VF_PCT, "CPU use over the last interval, 100 = one CPU", g_cpu },
  [G_CPUQ] = { "CPUQ%", "cpu_quota_percent", 6, false, 100, false, VF_PCT, "CPU use as a share of the cgroup's CPU quota", g_cpuq },
  [G_MEM] = { "MEM", "memory_current", 6, false, 0, false, VF_BYTES, "memory in use, page cache included", g_mem },
  [G_WSET] = { "WSET", "memory_working_set", 6, false, 90, false, VF_BYTES, "working set: memory in use minus inactive page cache", g_wset },
  [G_MEMMAX] = { "MEMMAX", "memory_max", 6, false, 0, false, VF_BYTES, "memory limit (max: none)", g_memmax },
  [G_PIDS] = { "PIDS", "pids_current", 5, false, 0, false, VF_INT, "tasks counted by the pids controller", g_pids },
  [G_PIDSMAX] = { "PIDSMAX", "pids_max", 7, false, 100, false, VF_INT, "task limit (max: none)", g_pidsmax },
  [G_IORD] = { "IO-R/s", "io_read_bytes_per_sec", 7, false, 130, false, VF_RATE, "bytes read per second", g_iord },
  [G_IOWR] = { "IO-W/s", "io_write_bytes_per_sec", 7, false, 130, false, VF_RATE, "bytes written per second", g_iowr },
  [G_THR] = { "THR%", "throttled_percent", 5, false, 100, false, VF_PCT, "share of CPU periods throttled over the last interval", g_thr },
  [G_PSICPU] = { "PSI-CPU", "psi_cpu_some_avg10", 7, false, 140, false, VF_PSI, "CPU pressure: some tasks stalled, % of the last 10 s", g_psicpu },
  [G_PSIMEM] = { "PSI-MEM", "psi_memory_some_avg10", 7, false, 90, false, VF_PSI, "memory pressure, some, avg10", g_psimem },
  [G_PSIIO] = { "PSI-IO", "psi_io_some_avg10", 6, false, 140, false, VF_PSI, "IO pressure, some, avg10", g_psiio },
  [G_OOMK] = { "OOMK", "oom_kills", 5, false, 100, false, VF_INT, "processes the OOM killer killed in it", g_oomk },
};
/* clang-format on */

static void
cg_build (struct view *v)
{
  const struct cg_rows *rows = &v->live->cg;
  for (size_t i = 0; i < rows->nrows; i++)
    rows->rows[i]->out = NULL;
  for (size_t i = 0; i < rows->nrows; i++)
    {
      struct cg_row *r = rows->rows[i];
      /* Without --all (a), only cgroups with processes in their subtree. */
      if (!v->all && r->subtree_procs == 0 && r->depth > 0)
        continue;
      int parent = r->parent && r->parent->out ? (int)(intptr_t)r->parent->out - 1 : -1;
      int node = view_add (v, ROW_CGROUP, r, parent, 0);
      r->out = (void *)(intptr_t)(node + 1);
    }
}

static void
cg_search (const struct view *v, const struct view_row *r, struct strbuf *out)
{
  (void)v;
  strbuf_puts (out, r->cg->path);
  if (r->cg->has_container)
    strbuf_printf (out, " %s:%s %s", r->cg->container.engine, r->cg->container.short_id, r->cg->container.id);
}

const struct view_def view_cgroups_def = {
  .name = "cgroups",
  .title = "Cgroups",
  .cols = cg_cols,
  .ncols = G_COUNT,
  .sort_col = G_PATH,
  .sort_desc = false,
  .tree = true,
  .want = LIVE_CGTREE,
  .help = "the cgroup tree with CPU, memory, pids, IO, throttling, pressure and OOM kills; + and - open and close "
          "a subtree, [ and ] change the depth shown, a shows empty cgroups too",
  .build = cg_build,
  .search_text = cg_search,
};

/* ---- containers ---- */

static const struct cg_row *
ct_row (const struct view_row *r)
{
  return r->kind == ROW_CONTAINER ? r->ct->row : NULL;
}

static void
k_container (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  val->type = VV_STR;
  if (r->kind != ROW_CONTAINER)
    {
      val->s = "";
      return;
    }
  snprintf (val->buf, sizeof val->buf, "%s:%s", r->ct->c->engine, r->ct->c->short_id);
  val->s = val->buf;
}

static void
k_procs (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  if (r->kind != ROW_CONTAINER)
    return;
  val->type = VV_INT;
  val->i = r->ct->nprocs;
}

static void
k_ns (const struct view *v, const struct view_row *r, struct view_val *val)
{
  const struct live_proc *lp = r->kind == ROW_PROC ? r->proc : r->ct->main;
  if (lp)
    view_proc_field (v, lp, PF_NS, val);
}

static void
k_cpu (const struct view *v, const struct view_row *r, struct view_val *val)
{
  if (r->kind == ROW_PROC)
    view_proc_field (v, r->proc, PF_CPU, val);
  else if (ct_row (r))
    rate_value (ct_row (r)->has_rates, ct_row (r)->cpu_pct, val);
}

static void
k_mem (const struct view *v, const struct view_row *r, struct view_val *val)
{
  if (r->kind == ROW_PROC)
    view_proc_field (v, r->proc, PF_RSS, val);
  else if (ct_row (r))
    cg_value (&ct_row (r)->f[CGF_MEMORY_CURRENT], val);
}

static void
k_cpumax (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  const struct cg_row *g = ct_row (r);
  if (!g)
    return;
  const struct cg_val *q = &g->f[CGF_CPU_MAX_QUOTA_USEC], *p = &g->f[CGF_CPU_MAX_PERIOD_USEC];
  if (q->state == CGV_MAX)
    {
      val->type = VV_NUM;
      val->max = true;
    }
  else if (q->state == CGV_SET && p->state == CGV_SET && p->v > 0)
    {
      val->type = VV_NUM;
      val->d = (double)q->v / (double)p->v;
    }
}

#define KFIELD(fn, field)                                                                                              \
  static void fn (const struct view *v, const struct view_row *r, struct view_val *val)                                \
  {                                                                                                                    \
    (void)v;                                                                                                           \
    if (ct_row (r))                                                                                                    \
      cg_value (&ct_row (r)->f[field], val);                                                                           \
  }
KFIELD (k_memmax, CGF_MEMORY_MAX)
KFIELD (k_pids, CGF_PIDS_CURRENT)
KFIELD (k_pidsmax, CGF_PIDS_MAX)
KFIELD (k_psicpu, CGF_PSI_CPU_SOME_AVG10)
KFIELD (k_psimem, CGF_PSI_MEMORY_SOME_AVG10)
KFIELD (k_psiio, CGF_PSI_IO_SOME_AVG10)
KFIELD (k_oomk, CGF_MEMORY_EVENTS_OOM_KILL)
#undef KFIELD

static void
k_cgroup (const struct view *v, const struct view_row *r, struct view_val *val)
{
  if (r->kind == ROW_PROC)
    {
      view_proc_field (v, r->proc, PF_CGROUP, val);
      return;
    }
  val->type = VV_STR;
  val->s = r->ct->c->cgroup;
}

static void
k_command (const struct view *v, const struct view_row *r, struct view_val *val)
{
  const struct live_proc *lp = r->kind == ROW_PROC ? r->proc : r->ct->main;
  if (lp)
    view_proc_field (v, lp, PF_COMMAND, val);
}

enum
{
  K_CONTAINER,
  K_PROCS,
  K_NS,
  K_CPU,
  K_MEM,
  K_MEMMAX,
  K_PIDS,
  K_PIDSMAX,
  K_CPUMAX,
  K_PSICPU,
  K_PSIMEM,
  K_PSIIO,
  K_OOMK,
  K_CGROUP,
  K_COMMAND,
  K_COUNT
};

/* clang-format off */
static const struct view_col ct_cols[K_COUNT] = {
  [K_CONTAINER] = { "CONTAINER", "container", 20, true, 0, true, VF_STR, "engine:id of a container found from cgroup paths (its processes are listed under it)", k_container },
  [K_PROCS] = { "PROCS", "procs", 5, false, 0, false, VF_INT, "processes in it", k_procs },
  [K_NS] = { "NS", "namespaces", 8, true, 0, false, VF_STR, "namespaces of its first process, as in the processes view", k_ns },
  [K_CPU] = { "CPU%", "cpu_percent", 6, false, 0, false, VF_PCT, "CPU use of its cgroup (of the process, for a process row)", k_cpu },
  [K_MEM] = { "MEM", "memory_current", 6, false, 0, false, VF_BYTES, "memory of its cgroup (RSS, for a process row)", k_mem },
  [K_MEMMAX] = { "MEMMAX", "memory_max", 6, false, 0, false, VF_BYTES, "memory limit", k_memmax },
  [K_PIDS] = { "PIDS", "pids_current", 5, false, 90, false, VF_INT, "tasks counted by the pids controller", k_pids },
  [K_PIDSMAX] = { "PIDSMAX", "pids_max", 7, false, 90, false, VF_INT, "task limit", k_pidsmax },
  [K_CPUMAX] = { "CPUMAX", "cpu_max", 6, false, 100, false, VF_PSI, "CPU quota in CPUs (quota / period)", k_cpumax },
  [K_PSICPU] = { "PSI-CPU", "psi_cpu_some_avg10", 7, false, 130, false, VF_PSI, "CPU pressure, some, avg10", k_psicpu },
  [K_PSIMEM] = { "PSI-MEM", "psi_memory_some_avg10", 7, false, 110, false, VF_PSI, "memory pressure, some, avg10", k_psimem },
  [K_PSIIO] = { "PSI-IO", "psi_io_some_avg10", 6, false, 130, false, VF_PSI, "IO pressure, some, avg10", k_psiio },
  [K_OOMK] = { "OOMK", "oom_kills", 5, false, 110, false, VF_INT, "OOM kills in its cgroup", k_oomk },
  [K_CGROUP] = { "CGROUP", "cgroup", 28, true, 150, false, VF_STR, "its cgroup path", k_cgroup },
  [K_COMMAND] = { "COMMAND", "command", 0, true, 0, false, VF_STR, "command of its first process", k_command },
};
/* clang-format on */

static void
ct_build (struct view *v)
{
  const struct iso_live *l = v->live;
  size_t n = l->ncontainers;
  for (size_t i = 0; i < n; i++)
    view_add (v, ROW_CONTAINER, &l->containers[i], -1, ROWF_KIDS);
  for (size_t i = 0; i < n; i++)
    {
      if (!view_procs_shown (v, &v->nodes[i].row))
        continue;
      for (size_t k = 0; k < l->nprocs; k++)
        if (l->procs[k]->p->container == l->containers[i].c)
          view_add (v, ROW_PROC, l->procs[k], (int)i, ROWF_ATTACHED);
    }
}

static void
ct_search (const struct view *v, const struct view_row *r, struct strbuf *out)
{
  (void)v;
  if (r->kind == ROW_PROC)
    {
      view_proc_search (r->proc, out);
      return;
    }
  const struct iso_container *c = r->ct->c;
  strbuf_printf (out, "%s:%s %s %s %s", c->engine, c->short_id, c->id, c->cgroup, c->pod_uid);
  if (r->ct->main)
    {
      strbuf_puts (out, " ");
      view_proc_search (r->ct->main, out);
    }
}

const struct view_def view_containers_def = {
  .name = "containers",
  .title = "Containers",
  .cols = ct_cols,
  .ncols = K_COUNT,
  .sort_col = K_CONTAINER,
  .sort_desc = false,
  .tree = false,
  .want = LIVE_PROCS | LIVE_NS | LIVE_CGROUP | LIVE_CMDLINE | LIVE_CGTREE,
  .help = "one row per container found from cgroup paths, with its namespaces, limits and pressure; + lists its "
          "processes",
  .build = ct_build,
  .search_text = ct_search,
};
