// SPDX-License-Identifier: GPL-2.0-or-later
/* view_procs.c: the processes view (flat or a tree by parent) and the process fields every view shows. */
#define _GNU_SOURCE
#include "isoscope/container.h"
#include "isoscope/security.h"
#include "isoscope/util.h"
#include "isoscope/view.h"

#include <stdlib.h>
#include <string.h>

static uint64_t all_caps;

void
view_proc_field (const struct view *v, const struct live_proc *lp, enum view_pfield f, struct view_val *val)
{
  const struct iso_live *l = v->live;
  const struct iso_proc *p = lp->p;
  switch (f)
    {
    case PF_PID:
      val->type = VV_INT;
      val->i = p->pid;
      return;
    case PF_INSIDE:
      if (p->nnspid > 0)
        {
          val->type = VV_INT;
          val->i = p->nspid[p->nnspid - 1];
        }
      return;
    case PF_PPID:
      val->type = VV_INT;
      val->i = p->ppid;
      return;
    case PF_USER:
      if (p->uid >= 0)
        {
          val->type = VV_STR;
          val->s = util_user_name ((unsigned)p->uid);
        }
      val->stale = live_status_stale (l, lp);
      return;
    case PF_STATE:
      val->type = VV_STR;
      val->buf[0] = p->state;
      val->buf[1] = '\0';
      val->s = val->buf;
      return;
    case PF_THREADS:
      val->type = VV_INT;
      val->i = p->nthreads;
      return;
    case PF_CPU:
      if (lp->cpu_pct >= 0 && lp->sample_time >= l->procs_time)
        {
          val->type = VV_NUM;
          val->d = lp->cpu_pct;
        }
      return;
    case PF_RSS:
      val->type = VV_INT;
      val->i = (int64_t)lp->rss;
      return;
    case PF_NS:
      if (!lp->ns_time)
        return;
      val->type = VV_STR;
      val->s = view_ns_flags (l, lp, val->buf);
      val->stale = live_ns_stale (l, lp);
      return;
    case PF_CAPS:
      if (!p->caps_known)
        return;
      if (!all_caps)
        all_caps = sec_all_caps ();
      if (l->replay && l->m->scan.all_caps)
        all_caps = l->m->scan.all_caps; /* the recorded kernel's */
      val->type = VV_STR;
      if ((p->cap_eff & all_caps) == all_caps)
        val->s = "full";
      else if (!p->cap_eff)
        val->s = "none";
      else
        {
          snprintf (val->buf, sizeof val->buf, "%d", sec_cap_count (p->cap_eff));
          val->s = val->buf;
        }
      val->stale = live_status_stale (l, lp);
      return;
    case PF_SECCOMP:
      if (p->seccomp < 0)
        return;
      val->type = VV_STR;
      val->s = p->seccomp == 2 ? "filter" : p->seccomp == 1 ? "strict" : "none";
      val->stale = live_status_stale (l, lp);
      return;
    case PF_NNP:
      if (p->no_new_privs < 0)
        return;
      val->type = VV_BOOL;
      val->i = p->no_new_privs;
      val->stale = live_status_stale (l, lp);
      return;
    case PF_CONTAINER:
      if (p->container)
        {
          val->type = VV_STR;
          snprintf (val->buf, sizeof val->buf, "%s:%s", p->container->engine, p->container->short_id);
          val->s = val->buf;
        }
      val->stale = live_cgroup_stale (l, lp);
      return;
    case PF_CGROUP:
      if (p->cgroup_path)
        {
          val->type = VV_STR;
          val->s = p->cgroup_path;
        }
      val->stale = live_cgroup_stale (l, lp);
      return;
    case PF_COMMAND:
      if (p->cmdline && *p->cmdline)
        val->s = p->cmdline;
      else if (!p->cmdline_read)
        val->s = p->comm; /* not read (yet): the name, without the brackets of a kernel thread */
      else
        {
          snprintf (val->buf, sizeof val->buf, "[%s]", p->comm);
          val->s = val->buf;
        }
      val->type = VV_STR;
      return;
    }
}

void
view_proc_search (const struct live_proc *lp, struct strbuf *out)
{
  const struct iso_proc *p = lp->p;
  strbuf_printf (out, "%d %s %s", (int)p->pid, p->comm, p->cmdline ? p->cmdline : "");
  if (p->container)
    strbuf_printf (out, " %s:%s %s", p->container->engine, p->container->short_id, p->container->id);
  if (p->cgroup_path)
    strbuf_printf (out, " %s", p->cgroup_path);
  if (p->uid >= 0)
    strbuf_printf (out, " %s", util_user_name ((unsigned)p->uid));
}

/* ---- the view ---- */

#define PCOL(fn, field)                                                                                                \
  static void fn (const struct view *v, const struct view_row *r, struct view_val *val)                                \
  {                                                                                                                    \
    view_proc_field (v, r->proc, field, val);                                                                          \
  }
PCOL (c_pid, PF_PID)
PCOL (c_inside, PF_INSIDE)
PCOL (c_ppid, PF_PPID)
PCOL (c_user, PF_USER)
PCOL (c_state, PF_STATE)
PCOL (c_threads, PF_THREADS)
PCOL (c_cpu, PF_CPU)
PCOL (c_rss, PF_RSS)
PCOL (c_ns, PF_NS)
PCOL (c_caps, PF_CAPS)
PCOL (c_seccomp, PF_SECCOMP)
PCOL (c_nnp, PF_NNP)
PCOL (c_container, PF_CONTAINER)
PCOL (c_cgroup, PF_CGROUP)
PCOL (c_command, PF_COMMAND)
#undef PCOL

enum
{
  C_PID,
  C_INSIDE,
  C_PPID,
  C_USER,
  C_STATE,
  C_THREADS,
  C_CPU,
  C_RSS,
  C_NS,
  C_CAPS,
  C_SECCOMP,
  C_NNP,
  C_CONTAINER,
  C_CGROUP,
  C_COMMAND,
  C_COUNT
};

/* clang-format off */
static const struct view_col procs_cols[C_COUNT] = {
  [C_PID] = { "PID", "pid", 7, false, 0, false, VF_INT, "process id, as the host sees it", c_pid },
  [C_INSIDE] = { "INSIDE", "pid_inside", 6, false, 0, false, VF_INT, "process id inside its own pid namespace", c_inside },
  [C_PPID] = { "PPID", "ppid", 7, false, 180, false, VF_INT, "parent process id", c_ppid },
  [C_USER] = { "USER", "user", 8, true, 0, false, VF_STR, "user name of the real uid", c_user },
  [C_STATE] = { "S", "state", 1, true, 100, false, VF_STR, "state: R running, S sleeping, D disk wait, Z zombie, T stopped", c_state },
  [C_THREADS] = { "THR", "threads", 4, false, 160, false, VF_INT, "threads", c_threads },
  [C_CPU] = { "CPU%", "cpu_percent", 5, false, 0, false, VF_PCT, "CPU use over the last interval, 100 = one CPU", c_cpu },
  [C_RSS] = { "RSS", "rss_bytes", 6, false, 0, false, VF_BYTES, "resident memory", c_rss },
  [C_NS] = { "NS", "namespaces", 8, true, 0, false, VF_STR, "namespaces in the order m n p u i U C T (mnt net pid uts ipc user cgroup time): its letter when the process has its own, . when it shares the host's, ? unknown", c_ns },
  [C_CAPS] = { "CAPS", "caps", 4, false, 90, false, VF_STR, "effective capabilities: full, none, or how many", c_caps },
  [C_SECCOMP] = { "SECCOMP", "seccomp", 7, true, 100, false, VF_STR, "seccomp mode: none, strict or filter", c_seccomp },
  [C_NNP] = { "NNP", "no_new_privs", 3, false, 100, false, VF_INT, "no_new_privs: 1 set, 0 not", c_nnp },
  [C_CONTAINER] = { "CONTAINER", "container", 19, true, 120, false, VF_STR, "container (engine:id) named by its cgroup path", c_container },
  [C_CGROUP] = { "CGROUP", "cgroup", 28, true, 150, false, VF_STR, "cgroup path (cgroup2, else the memory hierarchy)", c_cgroup },
  [C_COMMAND] = { "COMMAND", "command", 0, true, 0, true, VF_STR, "command line ([comm] when it has none)", c_command },
};
/* clang-format on */

/* Index of the process with PID in the pid-ordered array, or -1. */
static int
proc_index (const struct iso_live *l, pid_t pid)
{
  size_t lo = 0, hi = l->nprocs;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      pid_t m = l->procs[mid]->p->pid;
      if (m == pid)
        return (int)mid;
      if (m < pid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

static void
procs_build (struct view *v)
{
  const struct iso_live *l = v->live;
  /* Nodes in the order of l->procs, so node i is process i. */
  for (size_t i = 0; i < l->nprocs; i++)
    view_add (v, ROW_PROC, l->procs[i], -1, 0);
  if (!v->tree)
    return;
  for (size_t i = 0; i < l->nprocs; i++)
    {
      const struct iso_proc *p = l->procs[i]->p;
      int parent = p->parent && p->parent != p ? proc_index (l, p->parent->pid) : -1;
      v->nodes[i].parent = parent == (int)i ? -1 : parent;
    }
}

static void
procs_search (const struct view *v, const struct view_row *r, struct strbuf *out)
{
  (void)v;
  view_proc_search (r->proc, out);
}

const struct view_def view_procs_def = {
  .name = "processes",
  .title = "Processes",
  .cols = procs_cols,
  .ncols = C_COUNT,
  .sort_col = C_CPU,
  .sort_desc = true,
  .tree = false,
  .want = LIVE_PROCS | LIVE_NS | LIVE_STATUS | LIVE_CGROUP | LIVE_CMDLINE,
  .help = "one row per process: its isolation (namespaces, container, cgroup, capabilities, seccomp) and its "
          "CPU and memory; t shows the tree by parent",
  .build = procs_build,
  .search_text = procs_search,
};
