// SPDX-License-Identifier: GPL-2.0-or-later
/* model.c: the host model's storage, lookups and final ordering. */
#include "isoscope/model.h"
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <stdlib.h>
#include <string.h>

/* Open-addressing hash from a 64-bit key to a pointer. */
struct iso_hash
{
  uint64_t *keys;
  void **vals;
  size_t cap, len;
};

static struct iso_hash *
hash_new (void)
{
  struct iso_hash *h = xzalloc (sizeof *h);
  h->cap = 1024;
  h->keys = xcalloc (h->cap, sizeof *h->keys);
  h->vals = xcalloc (h->cap, sizeof *h->vals);
  return h;
}

static void
hash_free (struct iso_hash *h)
{
  if (!h)
    return;
  free (h->keys);
  free (h->vals);
  free (h);
}

static size_t
hash_slot (uint64_t k, size_t cap)
{
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (size_t)k & (cap - 1);
}

static void *
hash_get (const struct iso_hash *h, uint64_t k)
{
  for (size_t i = hash_slot (k, h->cap);; i = (i + 1) & (h->cap - 1))
    {
      if (!h->vals[i])
        return NULL;
      if (h->keys[i] == k)
        return h->vals[i];
    }
}

static void hash_put (struct iso_hash *h, uint64_t k, void *v);

static void
hash_grow (struct iso_hash *h)
{
  struct iso_hash old = *h;
  h->cap *= 2;
  h->len = 0;
  h->keys = xcalloc (h->cap, sizeof *h->keys);
  h->vals = xcalloc (h->cap, sizeof *h->vals);
  for (size_t i = 0; i < old.cap; i++)
    if (old.vals[i])
      hash_put (h, old.keys[i], old.vals[i]);
  free (old.keys);
  free (old.vals);
}

/* Insert or replace; V must not be NULL. */
static void
hash_put (struct iso_hash *h, uint64_t k, void *v)
{
  if ((h->len + 1) * 2 > h->cap)
    hash_grow (h);
  size_t i = hash_slot (k, h->cap);
  while (h->vals[i] && h->keys[i] != k)
    i = (i + 1) & (h->cap - 1);
  if (!h->vals[i])
    h->len++;
  h->keys[i] = k;
  h->vals[i] = v;
}

/* Remove K, re-inserting the rest of its cluster. */
static void
hash_del (struct iso_hash *h, uint64_t k)
{
  size_t i = hash_slot (k, h->cap);
  while (h->vals[i] && h->keys[i] != k)
    i = (i + 1) & (h->cap - 1);
  if (!h->vals[i])
    return;
  h->vals[i] = NULL;
  h->len--;
  for (size_t j = (i + 1) & (h->cap - 1); h->vals[j]; j = (j + 1) & (h->cap - 1))
    {
      uint64_t kk = h->keys[j];
      void *vv = h->vals[j];
      h->vals[j] = NULL;
      h->len--;
      hash_put (h, kk, vv);
    }
}

struct iso_model *
iso_model_new (void)
{
  struct iso_model *m = xzalloc (sizeof *m);
  m->proc_by_pid = hash_new ();
  m->ns_by_ino = hash_new ();
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
  hash_free (m->proc_by_pid);
  hash_free (m->ns_by_ino);
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
  hash_put (m->proc_by_pid, (uint64_t)pid, p);
  return p;
}

void
iso_model_remove_last_proc (struct iso_model *m)
{
  if (!m->nprocs)
    return;
  struct iso_proc *p = m->procs[--m->nprocs];
  hash_del (m->proc_by_pid, (uint64_t)p->pid);
  proc_free (p);
}

struct iso_ns *
iso_model_get_ns (struct iso_model *m, enum ns_type type, uint64_t ino, bool *created)
{
  struct iso_ns *ns = hash_get (m->ns_by_ino, ino);
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
  hash_put (m->ns_by_ino, ino, ns);
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
  return hash_get (m->proc_by_pid, (uint64_t)pid);
}

struct iso_ns *
iso_model_find_ns (const struct iso_model *m, uint64_t ino)
{
  return hash_get (m->ns_by_ino, ino);
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
      if (hash_get (m->proc_by_pid, (uint64_t)p->pid) == p)
        hash_del (m->proc_by_pid, (uint64_t)p->pid);
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
      if (hash_get (m->ns_by_ino, ns->ino) == ns)
        hash_del (m->ns_by_ino, ns->ino);
      ns_free (ns);
    }
  m->nns = k;
}
