// SPDX-License-Identifier: GPL-2.0-or-later
/* model.c: the host model's storage, lookups and final ordering. */
#include "isoscope/model.h"
#include "isoscope/hash.h"
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <stdlib.h>
#include <string.h>

struct iso_model *
iso_model_new (void)
{
  struct iso_model *m = xzalloc (sizeof *m);
  m->proc_by_pid = iso_hash_new ();
  m->ns_by_ino = iso_hash_new ();
  m->scan.viewer_uid = -1;
  return m;
}

static void
proc_free (struct iso_proc *p)
{
  free (p->cmdline);
  free (p->nspid);
  free (p->cgroup_text);
  free (p->cgroups);
  sec_free (p->sec);
  free (p);
}

static void
ns_free (struct iso_ns *ns)
{
  for (size_t i = 0; i < ns->nholders; i++)
    free (ns->holders[i].path);
  free (ns->holders);
  free (ns->open_path);
  if (ns->mntview)
    {
      sec_mntview_free (ns->mntview);
      free (ns->mntview);
    }
  free (ns);
}

void
iso_model_free (struct iso_model *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->nprocs; i++)
    proc_free (m->procs[i]);
  for (size_t i = 0; i < m->nns; i++)
    ns_free (m->ns[i]);
  for (size_t i = 0; i < m->ncontainers; i++)
    free (m->containers[i]);
  free (m->containers);
  cg_tree_free (m->cg);
  iso_model_drop_fdpaths (m);
  free (m->procs);
  free (m->ns);
  iso_hash_free (m->proc_by_pid);
  iso_hash_free (m->ns_by_ino);
  free (m);
}

struct iso_proc *
iso_model_add_proc (struct iso_model *m, pid_t pid)
{
  struct iso_proc *p = xzalloc (sizeof *p);
  p->pid = pid;
  p->uid = p->euid = p->gid = p->egid = -1;
  p->no_new_privs = p->seccomp = p->seccomp_filters = -1;
  if ((m->nprocs & (m->nprocs - 1)) == 0)
    m->procs = xreallocarray (m->procs, m->nprocs ? m->nprocs * 2 : 64, sizeof *m->procs);
  m->procs[m->nprocs++] = p;
  iso_hash_put (m->proc_by_pid, (uint64_t)pid, p);
  return p;
}

void
iso_model_remove_last_proc (struct iso_model *m)
{
  if (!m->nprocs)
    return;
  struct iso_proc *p = m->procs[--m->nprocs];
  iso_hash_del (m->proc_by_pid, (uint64_t)p->pid);
  proc_free (p);
}

struct iso_ns *
iso_model_get_ns (struct iso_model *m, enum ns_type type, uint64_t ino, bool *created)
{
  struct iso_ns *ns = iso_hash_get (m->ns_by_ino, ino);
  if (created)
    *created = !ns;
  if (ns)
    return ns;
  ns = xzalloc (sizeof *ns);
  ns->type = type;
  ns->ino = ino;
  ns->dev = m->nsfs_dev;
  ns->owner_uid = -1;
  ns->netnsid = NETNSID_UNKNOWN;
  if ((m->nns & (m->nns - 1)) == 0)
    m->ns = xreallocarray (m->ns, m->nns ? m->nns * 2 : 64, sizeof *m->ns);
  m->ns[m->nns++] = ns;
  iso_hash_put (m->ns_by_ino, ino, ns);
  return ns;
}

struct ns_holder *
iso_ns_add_holder (struct iso_ns *ns, enum ns_holder_kind kind)
{
  ns->holders = xreallocarray (ns->holders, ns->nholders + 1, sizeof *ns->holders);
  struct ns_holder *h = &ns->holders[ns->nholders++];
  memset (h, 0, sizeof *h);
  h->kind = kind;
  return h;
}

struct iso_proc *
iso_model_find_proc (const struct iso_model *m, pid_t pid)
{
  return iso_hash_get (m->proc_by_pid, (uint64_t)pid);
}

struct iso_ns *
iso_model_find_ns (const struct iso_model *m, uint64_t ino)
{
  return iso_hash_get (m->ns_by_ino, ino);
}

static int
cmp_proc (const void *a, const void *b)
{
  const struct iso_proc *x = *(struct iso_proc *const *)a, *y = *(struct iso_proc *const *)b;
  return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
cmp_ns (const void *a, const void *b)
{
  const struct iso_ns *x = *(struct iso_ns *const *)a, *y = *(struct iso_ns *const *)b;
  return (x->ino > y->ino) - (x->ino < y->ino);
}

void
iso_model_finish (struct iso_model *m)
{
  if (m->nprocs)
    qsort (m->procs, m->nprocs, sizeof *m->procs, cmp_proc);
  if (m->nns)
    qsort (m->ns, m->nns, sizeof *m->ns, cmp_ns);
  for (size_t i = 0; i < m->nprocs; i++)
    {
      struct iso_proc *p = m->procs[i];
      p->parent = p->ppid > 0 ? iso_model_find_proc (m, p->ppid) : NULL;
    }
}

void
iso_model_drop_fdpaths (struct iso_model *m)
{
  for (size_t i = 0; i < m->nfdpaths; i++)
    free (m->fdpaths[i].path);
  free (m->fdpaths);
  m->fdpaths = NULL;
  m->nfdpaths = 0;
}

struct iso_container *
iso_model_intern_container (struct iso_model *m, const struct iso_container *c)
{
  for (size_t i = 0; i < m->ncontainers; i++)
    if (strcmp (m->containers[i]->id, c->id) == 0 && strcmp (m->containers[i]->engine, c->engine) == 0)
      return m->containers[i];
  m->containers = xreallocarray (m->containers, m->ncontainers + 1, sizeof *m->containers);
  struct iso_container *n = xmalloc (sizeof *n);
  *n = *c;
  m->containers[m->ncontainers++] = n;
  return n;
}

void
iso_model_drop_procs (struct iso_model *m, bool (*gone) (const struct iso_proc *, void *), void *arg)
{
  size_t k = 0;
  for (size_t i = 0; i < m->nprocs; i++)
    {
      struct iso_proc *p = m->procs[i];
      if (!gone (p, arg))
        {
          m->procs[k++] = p;
          continue;
        }
      if (iso_hash_get (m->proc_by_pid, (uint64_t)p->pid) == p)
        iso_hash_del (m->proc_by_pid, (uint64_t)p->pid);
      proc_free (p);
    }
  m->nprocs = k;
}

void
iso_model_drop_ns (struct iso_model *m, bool (*gone) (const struct iso_ns *, void *), void *arg)
{
  size_t k = 0;
  for (size_t i = 0; i < m->nns; i++)
    {
      struct iso_ns *ns = m->ns[i];
      if (!gone (ns, arg))
        {
          m->ns[k++] = ns;
          continue;
        }
      if (iso_hash_get (m->ns_by_ino, ns->ino) == ns)
        iso_hash_del (m->ns_by_ino, ns->ino);
      ns_free (ns);
    }
  m->nns = k;
}
