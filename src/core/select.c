// SPDX-License-Identifier: GPL-2.0-or-later
/* select.c: the host's namespaces and TARGET selection over a collected model. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/model.h"
#include "isoscope/target.h"
#include "isoscope/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Fixed inode numbers of the initial namespaces (include/uapi/linux/nsfs.h), by our type order. */
static const uint64_t init_ino[NS_TYPE_COUNT] = {
  [NS_MNT] = 0xEFFFFFF8U, [NS_NET] = 0xEFFFFFF9U,  [NS_PID] = 0xEFFFFFFCU,    [NS_UTS] = 0xEFFFFFFEU,
  [NS_IPC] = 0xEFFFFFFFU, [NS_USER] = 0xEFFFFFFDU, [NS_CGROUP] = 0xEFFFFFFBU, [NS_TIME] = 0xEFFFFFFAU,
};

uint64_t
iso_model_host_ns (const struct iso_model *m, enum ns_type type)
{
  const struct iso_proc *k = iso_model_find_proc (m, 2);
  if (k && k->ppid == 0 && k->ns[type])
    return k->ns[type]->ino;
  return init_ino[type];
}

int
iso_proc_shares_host (const struct iso_model *m, const struct iso_proc *p, enum ns_type type)
{
  if (!p->ns[type])
    return -1;
  return p->ns[type]->ino == iso_model_host_ns (m, type);
}

static void
add (struct iso_proc ***out, size_t *n, struct iso_proc *p)
{
  *out = xreallocarray (*out, *n + 1, sizeof **out);
  (*out)[(*n)++] = p;
}

int
iso_model_select (const struct iso_model *m, const char *target, struct iso_proc ***out, size_t *n, iso_error_t *err)
{
  *out = NULL;
  *n = 0;
  if (!target || !*target)
    return iso_make_error (err, EINVAL, "empty target");
  pid_t pid;
  uint64_t ino;
  if (target_parse_pid (target, &pid, &ino) == 0)
    {
      struct iso_proc *p = iso_model_find_proc (m, pid);
      if (!p)
        return iso_make_error (err, ESRCH, "no process with pid %d", (int)pid);
      if (ino)
        {
          /* The pidfd inode is only known live: pin the pid now and compare. */
          struct iso_target t;
          cleanup_error iso_error_t e = NULL;
          int r = target_resolve (target, &t, &e);
          target_release (&t);
          if (r < 0)
            return iso_make_error (err, ESRCH, "%s", e->msg);
        }
      add (out, n, p);
      return 0;
    }
  if (target[0] == '/')
    {
      /* A cgroup path, as /proc/PID/cgroup shows it, or under the cgroup mount. */
      const char *path = target;
      if (strncmp (path, "/sys/fs/cgroup/", 15) == 0)
        {
          path += 14;
          /* On v1 and hybrid hosts the first directory names the hierarchy. */
          if (!m->cg || m->cg->mode != CG_MODE_V2)
            {
              const char *next = strchr (path + 1, '/');
              path = next ? next : "/";
            }
        }
      /* In any hierarchy: on v1 and hybrid hosts a cgroup may exist in one controller only. */
      for (size_t i = 0; i < m->nprocs; i++)
        {
          const struct iso_proc *p = m->procs[i];
          bool in = util_path_under (p->cgroup_path, path);
          for (size_t h = 0; !in && p->cgroups && m->cg && h < m->cg->nh; h++)
            in = p->cgroups[h] && util_path_under (p->cgroups[h]->path, path);
          if (in)
            add (out, n, m->procs[i]);
        }
      if (!*n)
        return iso_make_error (err, ESRCH, "no process in cgroup '%s'", target);
      return 0;
    }
  /* A container id or name prefix: unique among the containers found. */
  const struct iso_container *match = NULL;
  struct strbuf cands = { 0 };
  int nmatch = 0;
  size_t tl = strlen (target);
  for (size_t i = 0; i < m->ncontainers; i++)
    {
      const struct iso_container *c = m->containers[i];
      if (strncmp (c->id, target, tl) == 0)
        {
          if (strcmp (c->id, target) == 0)
            {
              match = c;
              nmatch = 1;
              break;
            }
          match = c;
          nmatch++;
          strbuf_printf (&cands, "%s%s:%s", cands.len ? ", " : "", c->engine, c->short_id);
        }
    }
  if (nmatch == 0)
    {
      free (cands.s);
      return iso_make_error (err, ESRCH,
                             "no process or container matches '%s' (a PID, PID:INODE, container id or name "
                             "prefix, or cgroup path)",
                             target);
    }
  if (nmatch > 1)
    {
      int r = iso_make_error (err, EINVAL, "'%s' matches %d containers: %s", target, nmatch, cands.s);
      free (cands.s);
      return r;
    }
  free (cands.s);
  for (size_t i = 0; i < m->nprocs; i++)
    if (m->procs[i]->container == match)
      add (out, n, m->procs[i]);
  if (!*n)
    return iso_make_error (err, ESRCH, "container %s has no processes", match->short_id);
  return 0;
}
