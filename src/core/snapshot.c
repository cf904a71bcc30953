// SPDX-License-Identifier: GPL-2.0-or-later
/* snapshot.c: the model as one JSON document (the writer and the field tables the loader shares). */
#define _GNU_SOURCE
#include "isoscope/snapshot.h"
#include "isoscope/cgroup.h"
#include "isoscope/cli.h"
#include "isoscope/container.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/security.h"
#include "isoscope/snapfield.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- field tables ---- */

/* clang-format off */
const struct snap_field snap_scan_fields[] = {
  SNAP_F (struct iso_scan, "kernel", ST_STR, kernel),
  SNAP_F (struct iso_scan, "viewer_uid", ST_LONG, viewer_uid),
  SNAP_F (struct iso_scan, "viewer_pidns", ST_U64, viewer_pidns),
  SNAP_F (struct iso_scan, "viewer_mntns", ST_U64, viewer_mntns),
  SNAP_F (struct iso_scan, "viewer_cap_eff", ST_U64, viewer_cap_eff),
  SNAP_F (struct iso_scan, "all_caps", ST_U64, all_caps),
  SNAP_F (struct iso_scan, "sysroot", ST_STR, sysroot),
  SNAP_F (struct iso_scan, "sources", ST_UINT, sources),
  SNAP_F (struct iso_scan, "nvanished", ST_UINT, nvanished),
  SNAP_F (struct iso_scan, "ndenied", ST_UINT, ndenied),
  SNAP_F (struct iso_scan, "nmntns_unreached", ST_UINT, nmntns_unreached),
  SNAP_F (struct iso_scan, "cpu_seconds", ST_DOUBLE, cpu_seconds),
  SNAP_END,
};

const struct snap_field snap_proc_fields[] = {
  SNAP_F (struct iso_proc, "pid", ST_INT, pid),
  SNAP_F (struct iso_proc, "ppid", ST_INT, ppid),
  SNAP_F (struct iso_proc, "start_time", ST_U64, start_time),
  SNAP_F (struct iso_proc, "cpu_ticks", ST_U64, cpu_ticks),
  SNAP_F (struct iso_proc, "rss_pages", ST_U64, rss_pages),
  SNAP_F (struct iso_proc, "state", ST_CHAR, state),
  SNAP_F (struct iso_proc, "comm", ST_STR, comm),
  SNAP_F (struct iso_proc, "cmdline", ST_STRP, cmdline),
  SNAP_F (struct iso_proc, "cmdline_read", ST_BOOL, cmdline_read),
  SNAP_F (struct iso_proc, "status_read", ST_BOOL, status_read),
  SNAP_F (struct iso_proc, "uid", ST_LONG, uid),
  SNAP_F (struct iso_proc, "euid", ST_LONG, euid),
  SNAP_F (struct iso_proc, "gid", ST_LONG, gid),
  SNAP_F (struct iso_proc, "egid", ST_LONG, egid),
  SNAP_F (struct iso_proc, "nthreads", ST_INT, nthreads),
  SNAP_F (struct iso_proc, "cap_inh", ST_U64, cap_inh),
  SNAP_F (struct iso_proc, "cap_prm", ST_U64, cap_prm),
  SNAP_F (struct iso_proc, "cap_eff", ST_U64, cap_eff),
  SNAP_F (struct iso_proc, "cap_bnd", ST_U64, cap_bnd),
  SNAP_F (struct iso_proc, "cap_amb", ST_U64, cap_amb),
  SNAP_F (struct iso_proc, "caps_known", ST_BOOL, caps_known),
  SNAP_F (struct iso_proc, "no_new_privs", ST_INT, no_new_privs),
  SNAP_F (struct iso_proc, "seccomp", ST_INT, seccomp),
  SNAP_F (struct iso_proc, "seccomp_filters", ST_INT, seccomp_filters),
  SNAP_F (struct iso_proc, "errors", ST_UINT, errors),
  SNAP_F (struct iso_proc, "ns_errno", ST_INT, ns_errno),
  SNAP_END,
};

const struct snap_field snap_ns_fields[] = {
  SNAP_F (struct iso_ns, "ino", ST_U64, ino),
  SNAP_F (struct iso_ns, "dev", ST_U64, dev),
  SNAP_F (struct iso_ns, "nsid", ST_U64, nsid),
  SNAP_F (struct iso_ns, "parent_ino", ST_U64, parent_ino),
  SNAP_F (struct iso_ns, "owner_ino", ST_U64, owner_ino),
  SNAP_F (struct iso_ns, "parent_unknown", ST_BOOL, parent_unknown),
  SNAP_F (struct iso_ns, "relations_read", ST_BOOL, relations_read),
  SNAP_F (struct iso_ns, "owner_uid", ST_LONG, owner_uid),
  SNAP_F (struct iso_ns, "netnsid", ST_INT, netnsid),
  SNAP_F (struct iso_ns, "nprocs", ST_INT, nprocs),
  SNAP_F (struct iso_ns, "nthreads", ST_INT, nthreads),
  SNAP_F (struct iso_ns, "open_path", ST_STRP, open_path),
  SNAP_F (struct iso_ns, "open_errno", ST_INT, open_errno),
  SNAP_END,
};

const struct snap_field snap_holder_fields[] = {
  SNAP_F (struct ns_holder, "pid", ST_INT, pid),
  SNAP_F (struct ns_holder, "num", ST_INT, num),
  SNAP_F (struct ns_holder, "mntns", ST_U64, mntns),
  SNAP_F (struct ns_holder, "path", ST_STRP, path),
  SNAP_F (struct ns_holder, "child", ST_U64, child),
  SNAP_END,
};

const struct snap_field snap_sec_fields[] = {
  SNAP_F (struct iso_sec, "lsm", ST_STR, lsm),
  SNAP_F (struct iso_sec, "label", ST_STRP, label),
  SNAP_F (struct iso_sec, "uid_map", ST_STRP, uid_map),
  SNAP_F (struct iso_sec, "gid_map", ST_STRP, gid_map),
  SNAP_F (struct iso_sec, "setgroups_deny", ST_INT, setgroups_deny),
  SNAP_F (struct iso_sec, "root", ST_STRP, root),
  SNAP_F (struct iso_sec, "cwd", ST_STRP, cwd),
  SNAP_F (struct iso_sec, "exe", ST_STRP, exe),
  SNAP_F (struct iso_sec, "exe_caps", ST_STRP, exe_caps),
  SNAP_F (struct iso_sec, "chrooted", ST_BOOL, chrooted),
  SNAP_F (struct iso_sec, "denied", ST_UINT, denied),
  SNAP_END,
};

const struct snap_field snap_mntview_fields[] = {
  SNAP_F (struct iso_mntview, "root_fstype", ST_STRP, root_fstype),
  SNAP_F (struct iso_mntview, "root_source", ST_STRP, root_source),
  SNAP_F (struct iso_mntview, "root_options", ST_STRP, root_options),
  SNAP_F (struct iso_mntview, "overlay_lower", ST_STRP, overlay_lower),
  SNAP_F (struct iso_mntview, "overlay_upper", ST_STRP, overlay_upper),
  SNAP_F (struct iso_mntview, "cgroupfs_writable", ST_BOOL, cgroupfs_writable),
  SNAP_F (struct iso_mntview, "proc_ro", ST_BOOL, proc_ro),
  SNAP_F (struct iso_mntview, "nmounts", ST_INT, nmounts),
  SNAP_END,
};

const struct snap_field snap_container_fields[] = {
  SNAP_F (struct iso_container, "engine", ST_STR, engine),
  SNAP_F (struct iso_container, "id", ST_STR, id),
  SNAP_F (struct iso_container, "short_id", ST_STR, short_id),
  SNAP_F (struct iso_container, "pod_uid", ST_STR, pod_uid),
  SNAP_F (struct iso_container, "qos", ST_STR, qos),
  SNAP_F (struct iso_container, "cgroup", ST_STR, cgroup),
  SNAP_END,
};

const struct snap_field snap_cgroup_fields[] = {
  SNAP_F (struct iso_cgroup, "ino", ST_U64, ino),
  SNAP_F (struct iso_cgroup, "nprocs", ST_INT, nprocs),
  SNAP_F (struct iso_cgroup, "nthreads", ST_INT, nthreads),
  SNAP_F (struct iso_cgroup, "populated", ST_INT, populated),
  SNAP_F (struct iso_cgroup, "frozen", ST_INT, frozen),
  SNAP_F (struct iso_cgroup, "type", ST_STR, type),
  SNAP_F (struct iso_cgroup, "cpuset_cpus", ST_STRP, cpuset_cpus),
  SNAP_F (struct iso_cgroup, "cpuset_mems", ST_STRP, cpuset_mems),
  SNAP_F (struct iso_cgroup, "errors", ST_UINT, errors),
  SNAP_END,
};

const struct snap_field snap_cgtree_fields[] = {
  SNAP_F (struct cg_tree, "root", ST_STRP, root),
  SNAP_F (struct cg_tree, "nvanished", ST_UINT, nvanished),
  SNAP_F (struct cg_tree, "ndenied", ST_UINT, ndenied),
  SNAP_END,
};
/* clang-format on */

const char *const snap_holder_kinds[5] = {
  [HOLDER_TASK] = "task",   [HOLDER_FOR_CHILDREN] = "for_children", [HOLDER_FD] = "fd", [HOLDER_BIND] = "bind",
  [HOLDER_CHILD] = "child",
};
const char *const snap_cg_modes[4]
    = { [CG_MODE_NONE] = "none", [CG_MODE_V1] = "v1", [CG_MODE_HYBRID] = "hybrid", [CG_MODE_V2] = "v2" };

/* ---- writing ---- */

#define SNAP_EXACT_MAX (1ULL << 53) /* doubles hold every integer up to here */

void
snap_put_u64 (cJSON *o, const char *key, uint64_t v)
{
  if (v <= SNAP_EXACT_MAX)
    cJSON_AddNumberToObject (o, key, (double)v);
  else
    {
      char buf[24];
      snprintf (buf, sizeof buf, "%llu", (unsigned long long)v);
      cJSON_AddStringToObject (o, key, buf);
    }
}

/* Is the member F of S the same as in DEF? */
static bool
same_as_default (const struct snap_field *f, const void *s, const void *def)
{
  if (!def)
    return false;
  const char *p = (const char *)s + f->off, *d = (const char *)def + f->off;
  switch (f->type)
    {
    case ST_STR:
      return strcmp (p, d) == 0;
    case ST_STRP:
      return !*(char *const *)p && !*(char *const *)d;
    case ST_DOUBLE:
      return *(const double *)p == *(const double *)d;
    default:
      return memcmp (p, d, f->size) == 0;
    }
}

void
snap_put_fields (cJSON *o, const struct snap_field *fields, const void *s, const void *def)
{
  for (const struct snap_field *f = fields; f->key; f++)
    {
      const char *p = (const char *)s + f->off;
      if (same_as_default (f, s, def))
        continue;
      switch (f->type)
        {
        case ST_INT:
          cJSON_AddNumberToObject (o, f->key, *(const int *)p);
          break;
        case ST_UINT:
          cJSON_AddNumberToObject (o, f->key, *(const unsigned *)p);
          break;
        case ST_LONG:
          cJSON_AddNumberToObject (o, f->key, (double)*(const long *)p);
          break;
        case ST_U64:
          snap_put_u64 (o, f->key, *(const uint64_t *)p);
          break;
        case ST_BOOL:
          cJSON_AddBoolToObject (o, f->key, *(const bool *)p);
          break;
        case ST_CHAR:
          if (*p)
            {
              char c[2] = { *p, '\0' };
              cJSON_AddStringToObject (o, f->key, c);
            }
          break;
        case ST_STR:
          cJSON_AddStringToObject (o, f->key, p);
          break;
        case ST_STRP:
          if (*(char *const *)p)
            cJSON_AddStringToObject (o, f->key, *(char *const *)p);
          break;
        case ST_DOUBLE:
          cJSON_AddNumberToObject (o, f->key, *(const double *)p);
          break;
        }
    }
}

static void
put_strings (cJSON *o, const char *key, char **v, size_t n)
{
  if (!n)
    return;
  cJSON *a = cJSON_AddArrayToObject (o, key);
  for (size_t i = 0; i < n; i++)
    cJSON_AddItemToArray (a, cJSON_CreateString (v[i]));
}

/* What the loader starts each object from: members equal to these are left out. */
struct snap_defaults
{
  struct iso_model *m;
  const struct iso_proc *proc;
  const struct iso_ns *ns;
  struct iso_sec sec;
  struct ns_holder holder;
  struct cg_tree *t;
  const struct iso_cgroup *cg;
  struct iso_mntview mntview;
};

static void
defaults_init (struct snap_defaults *d, const struct iso_model *m)
{
  memset (d, 0, sizeof *d);
  d->m = iso_model_new ();
  d->m->nsfs_dev = m->nsfs_dev;
  /* pid and inode 0: never a real one, so those are always written */
  d->proc = iso_model_add_proc (d->m, 0);
  d->ns = iso_model_get_ns (d->m, NS_NET, 0, NULL);
  snap_sec_defaults (&d->sec);
  d->t = xzalloc (sizeof *d->t);
  d->t->root = xstrdup ("");
  struct cg_hierarchy *h = cg_tree_add_hierarchy (d->t, true, "");
  d->cg = cg_tree_add (d->t, h, NULL, "/");
}

static void
defaults_free (struct snap_defaults *d)
{
  iso_model_free (d->m);
  cg_tree_free (d->t);
}

void
snap_sec_defaults (struct iso_sec *s)
{
  memset (s, 0, sizeof *s);
  s->setgroups_deny = -1;
}

static cJSON *
proc_json (const struct iso_proc *p, const struct snap_defaults *def)
{
  cJSON *o = cJSON_CreateObject ();
  snap_put_fields (o, snap_proc_fields, p, def->proc);
  cleanup_free char *cgtext = proc_cgroup_text (p);
  if (cgtext)
    cJSON_AddStringToObject (o, "cgroup_text", cgtext);
  if (p->nnspid)
    {
      cJSON *a = cJSON_AddArrayToObject (o, "nspid");
      for (int i = 0; i < p->nnspid; i++)
        cJSON_AddItemToArray (a, cJSON_CreateNumber (p->nspid[i]));
    }
  cJSON *ns = cJSON_AddObjectToObject (o, "ns");
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p->ns[t])
      snap_put_u64 (ns, ns_types[t].name, p->ns[t]->ino);
  if (p->pid_for_children)
    snap_put_u64 (o, "pid_for_children", p->pid_for_children->ino);
  if (p->time_for_children)
    snap_put_u64 (o, "time_for_children", p->time_for_children->ino);
  if (p->sec)
    snap_put_fields (cJSON_AddObjectToObject (o, "security"), snap_sec_fields, p->sec, &def->sec);
  return o;
}

static cJSON *
ns_json (const struct iso_ns *ns, const struct snap_defaults *def)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "type", ns_types[ns->type].name);
  snap_put_fields (o, snap_ns_fields, ns, def->ns);
  if (ns->proc)
    cJSON_AddNumberToObject (o, "proc", ns->proc->pid);
  /* Children (namespaces this one is the parent or owner of) are an object keyed by inode:
     a new child changes one member, not a whole array. */
  cJSON *a = NULL, *children = NULL;
  for (size_t i = 0; i < ns->nholders; i++)
    if (ns->holders[i].kind == HOLDER_CHILD)
      {
        char key[24];
        snprintf (key, sizeof key, "%llu", (unsigned long long)ns->holders[i].child);
        if (!children)
          children = cJSON_AddObjectToObject (o, "children");
        cJSON_AddTrueToObject (children, key);
      }
    else
      {
        if (!a)
          a = cJSON_AddArrayToObject (o, "holders");
        {
          cJSON *h = cJSON_CreateObject ();
          cJSON_AddStringToObject (h, "kind", snap_holder_kinds[ns->holders[i].kind]);
          snap_put_fields (h, snap_holder_fields, &ns->holders[i], &def->holder);
          cJSON_AddItemToArray (a, h);
        }
      }
  const struct iso_mntview *v = ns->mntview;
  if (v)
    {
      cJSON *mv = cJSON_AddObjectToObject (o, "mntview");
      snap_put_fields (mv, snap_mntview_fields, v, &def->mntview);
      put_strings (mv, "masked", v->masked, v->nmasked);
      put_strings (mv, "readonly", v->readonly, v->nreadonly);
      put_strings (mv, "sockets", v->sockets, v->nsockets);
    }
  return o;
}

static cJSON *
cgroup_json (const struct iso_cgroup *cg, const struct snap_defaults *def)
{
  cJSON *o = cJSON_CreateObject ();
  snap_put_fields (o, snap_cgroup_fields, cg, def->cg);
  cJSON *vals = cJSON_AddObjectToObject (o, "values");
  for (int i = 0; i < CGF_COUNT; i++)
    if (cg->f[i].state == CGV_MAX)
      cJSON_AddStringToObject (vals, cg_fields[i].json, "max");
    else if (cg->f[i].state == CGV_SET)
      snap_put_u64 (vals, cg_fields[i].json, cg->f[i].v);
  if (cg->niodev)
    {
      cJSON *a = cJSON_AddArrayToObject (o, "io_devices");
      for (size_t d = 0; d < cg->niodev; d++)
        {
          const struct cg_iodev *io = &cg->iodev[d];
          cJSON *dev = cJSON_CreateObject ();
          cJSON_AddNumberToObject (dev, "major", io->major);
          cJSON_AddNumberToObject (dev, "minor", io->minor);
          for (int k = 0; k < CGIO_COUNT; k++)
            if (io->v[k].state == CGV_MAX)
              cJSON_AddStringToObject (dev, cg_iodev_names[k], "max");
            else if (io->v[k].state == CGV_SET)
              snap_put_u64 (dev, cg_iodev_names[k], io->v[k].v);
          cJSON_AddItemToArray (a, dev);
        }
    }
  return o;
}

static cJSON *
cgtree_json (const struct cg_tree *t, const struct snap_defaults *def)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "mode", snap_cg_modes[t->mode]);
  snap_put_fields (o, snap_cgtree_fields, t, NULL);
  cJSON *hs = cJSON_AddObjectToObject (o, "hierarchies");
  cJSON **hobj = xcalloc (t->nh ? t->nh : 1, sizeof *hobj);
  for (size_t i = 0; i < t->nh; i++)
    {
      const struct cg_hierarchy *h = &t->h[i];
      hobj[i] = cJSON_AddObjectToObject (hs, h->name);
      cJSON_AddNumberToObject (hobj[i], "order", (double)i);
      cJSON_AddBoolToObject (hobj[i], "v2", h->v2);
      cJSON_AddStringToObject (hobj[i], "controllers", h->controllers);
      cJSON_AddStringToObject (hobj[i], "dir", h->dir);
      cJSON_AddObjectToObject (hobj[i], "cgroups");
    }
  for (size_t i = 0; i < t->nall; i++)
    {
      const struct iso_cgroup *cg = t->all[i];
      cJSON *cgs = cJSON_GetObjectItemCaseSensitive (hobj[cg->h - t->h], "cgroups");
      cJSON_AddItemToObject (cgs, cg->path, cgroup_json (cg, def));
    }
  free (hobj);
  return o;
}

cJSON *
snapshot_to_json (const struct iso_model *m)
{
  struct snap_defaults def;
  defaults_init (&def, m);
  cJSON *doc = cJSON_CreateObject ();
  cJSON_AddNumberToObject (doc, "schema_version", SNAPSHOT_SCHEMA_VERSION);
  cJSON_AddStringToObject (doc, "generator", "isoscope " ISOSCOPE_VERSION);
  cJSON *scan = cJSON_AddObjectToObject (doc, "scan");
  cJSON_AddNumberToObject (scan, "time", (double)m->scan.time.tv_sec);
  cJSON_AddNumberToObject (scan, "time_nsec", (double)m->scan.time.tv_nsec);
  snap_put_fields (scan, snap_scan_fields, &m->scan, NULL);
  snap_put_u64 (scan, "nsfs_dev", (uint64_t)m->nsfs_dev);
  cJSON *procs = cJSON_AddObjectToObject (doc, "processes");
  for (size_t i = 0; i < m->nprocs; i++)
    {
      char key[16];
      snprintf (key, sizeof key, "%d", (int)m->procs[i]->pid);
      cJSON_AddItemToObject (procs, key, proc_json (m->procs[i], &def));
    }
  cJSON *nss = cJSON_AddObjectToObject (doc, "namespaces");
  for (size_t i = 0; i < m->nns; i++)
    {
      char key[24];
      snprintf (key, sizeof key, "%llu", (unsigned long long)m->ns[i]->ino);
      cJSON_AddItemToObject (nss, key, ns_json (m->ns[i], &def));
    }
  if (m->cg)
    cJSON_AddItemToObject (doc, "cgroups", cgtree_json (m->cg, &def));
  cJSON *cs = cJSON_AddObjectToObject (doc, "containers");
  for (size_t i = 0; i < m->ncontainers; i++)
    {
      const struct iso_container *c = m->containers[i];
      cleanup_free char *key = xasprintf ("%s:%s", c->engine, c->id);
      cJSON *o = cJSON_CreateObject ();
      snap_put_fields (o, snap_container_fields, c, NULL);
      cJSON_AddItemToObject (cs, key, o);
    }
  defaults_free (&def);
  return doc;
}
